import { CONTROL_CHARACTERS } from './concern.js';

/**
 * A legal hold keeps a concern out of the retention pass (litigation, an inquiry, a police
 * request). The reason is the Lead's own words: it stays on the record and the Lead's card, and
 * never reaches the audit log, which says only "set" or "lifted".
 */
export const LEGAL_HOLD_LIMITS = { reason: 200 } as const;
/** How much of an over-long reason comes back on the form: enough to shorten it. */
const KEPT_REASON_MAX = 1000;

const n = (x: number) => x.toLocaleString('en-GB');

/** What the Lead typed, as the form shows it again: no control characters, cut short. */
export function keptReason(input: unknown): string {
  return typeof input === 'string' ? input.replace(CONTROL_CHARACTERS, '').slice(0, KEPT_REASON_MAX) : '';
}

/** The reason as stored (line breaks become spaces), or why it cannot be. */
export function parseHoldReason(input: unknown): { ok: true; reason: string } | { ok: false; error: string } {
  const reason = keptReason(input).replace(/\s+/g, ' ').trim();
  if (!reason) return { ok: false, error: 'Give the reason for the legal hold.' };
  if (reason.length > LEGAL_HOLD_LIMITS.reason)
    return { ok: false, error: `Keep the reason to ${n(LEGAL_HOLD_LIMITS.reason)} characters; it has ${n(reason.length)}.` };
  return { ok: true, reason };
}
