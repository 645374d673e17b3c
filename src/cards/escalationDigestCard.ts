import type { EscalationDigestPayload } from '../domain/escalationDigest.js';
import { formatLocal } from './format.js';
import { cardTemplate, renderFitting, shrinking, type Card } from './renderCard.js';
import escalationDigestJson from './templates/escalationDigest.json';
import { VERBS, type Verb } from './verbs.js';

interface EscalationDigestView {
  title: string;
  summary: string;
  concerns: { id: string; reference: string; flags: string; after: string; raisedAt: string }[];
  more: string;
  canOpen: boolean;
  verbs: { open: Verb };
}
const digestTemplate = cardTemplate<EscalationDigestView>(escalationDigestJson);

/** Rows a digest card starts from; fewer when they do not fit Teams' size limit. */
const DIGEST_ROWS = 25;

/**
 * One escalation pass's unacknowledged concerns for a deputy or coordinator, in one card: reference,
 * urgency, whether a child, how long it has waited and when it was raised; never the observed text,
 * the place or anyone's name. As many rows as fit, then how many more. `canOpen`: the recipient
 * may see concerns (a deputy), so the card opens one; a coordinator is told who can.
 */
export function escalationDigestMessage(digest: EscalationDigestPayload, timeZone: string, canOpen: boolean): Card {
  const title =
    digest.total === 1
      ? `${digest.urgent ? 'Urgent concern' : 'Concern'} ${digest.items[0]?.reference ?? ''} not acknowledged`
      : `${digest.total} concerns not acknowledged${digest.urgent ? ` (${digest.urgent} urgent)` : ''}`;
  const view = (rows: number): EscalationDigestView => {
    const shown = digest.items.slice(0, rows);
    const hidden = digest.total - shown.length;
    return {
      title,
      summary: `${digest.total === 1 ? 'This concern has' : 'These concerns have'} not been acknowledged by the Modern Slavery Lead in time. ${
        digest.urgent ? 'Someone may be in immediate danger. ' : ''
      }Please make sure someone picks ${digest.total === 1 ? 'it' : 'them'} up.`,
      concerns: shown.map((item) => ({
        id: item.concernId,
        reference: item.reference,
        flags: [item.urgent ? 'Urgent' : '', item.child ? 'Child' : ''].filter(Boolean).join(', '),
        after: item.after,
        raisedAt: formatLocal(item.raisedAt, timeZone),
      })),
      more:
        hidden > 0
          ? canOpen
            ? `And ${hidden} more: type "open concerns" to see every open concern.`
            : `And ${hidden} more. The Modern Slavery Lead and deputies see every open concern with "open concerns".`
          : '',
      canOpen,
      verbs: { open: VERBS.refreshConcern },
    };
  };
  return renderFitting(digestTemplate, shrinking(Math.min(digest.items.length, DIGEST_ROWS), 0.7), view);
}
