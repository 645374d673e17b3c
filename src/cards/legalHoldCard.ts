import type { ConcernRecord } from '../domain/concernRecord.js';
import { LEGAL_HOLD_LIMITS } from '../domain/legalHold.js';
import { legalHoldLine } from './caseFacts.js';
import { escapeMarkdown } from './markdown.js';
import { cardTemplate, renderCard, type Card } from './renderCard.js';
import legalHoldJson from './templates/legalHold.json';
import { VERBS, type Verb } from './verbs.js';

interface LegalHoldView {
  concernId: string;
  revision: number;
  reference: string;
  notice: string;
  onHold: boolean;
  hold: string;
  reason: string;
  error: string;
  limits: typeof LEGAL_HOLD_LIMITS;
  verbs: { set: Verb; lift: Verb; refresh: Verb };
}
const legalHoldTemplate = cardTemplate<LegalHoldView>(legalHoldJson);

/**
 * The legal hold card: with no hold, a reason to put the concern on hold (kept as typed when it
 * comes back with a problem); on hold, the hold with its reason and a button to lift it. It
 * carries the concern's revision, so a hold from an out-of-date card is refused.
 */
export function legalHoldCard(concern: ConcernRecord, options: { timeZone: string; reason?: string; error?: string; notice?: string }): Card {
  return renderCard(legalHoldTemplate, {
    concernId: concern.id,
    revision: concern.revision,
    reference: concern.reference,
    notice: options.notice ? escapeMarkdown(options.notice) : '',
    onHold: concern.legalHold !== undefined,
    hold: legalHoldLine(concern, options.timeZone),
    reason: options.reason ?? '',
    error: options.error ?? '',
    limits: LEGAL_HOLD_LIMITS,
    verbs: { set: VERBS.setLegalHold, lift: VERBS.liftLegalHold, refresh: VERBS.refreshConcern },
  });
}
