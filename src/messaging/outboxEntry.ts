/** What an outbox entry delivers; the content is rendered from the stored concern at send time. */
export type OutboxKind =
  | 'leadCard'
  | 'channelNotice'
  | 'coordinatorNotice'
  | 'escalation'
  | 'reminder'
  | 'reminderChannel'
  | 'review';

/**
 * superseded: no longer worth sending when its turn came (a later reminder, a template submitted, a
 * concern acknowledged meanwhile).
 * pending: waiting for its next attempt (a claimed entry stays pending with its next attempt pushed
 * out by a lease, so a crash mid-send is retried after the lease, never lost).
 */
export type OutboxState = 'pending' | 'sent' | 'undeliverable' | 'failed' | 'superseded';

export interface OutboxEntry {
  rowKey: string;
  kind: OutboxKind;
  /** An Entra object id (leadCard, coordinatorNotice) or a group id (channelNotice). */
  recipient: string;
  state: OutboxState;
  attempts: number;
  nextAttemptAt: string;
  /** The concern revision that caused the entry. */
  revision: number;
  lastStatus?: number;
  activityId?: string;
  /** What the entry is about: the failed entry for a coordinator notice, the step for a reminder. */
  about?: string;
  /** Content fixed when the entry was written (JSON), for messages not rendered from a concern. */
  payload?: string;
}

/** A new pending entry; the row key makes the same message for the same change one entry. */
export function newOutboxEntry(kind: OutboxKind, recipient: string, revision: number, now: Date, about?: string, payload?: unknown): OutboxEntry {
  const aboutKey = about ? `|${about.replace(/[^A-Za-z0-9-]/g, '')}` : '';
  return {
    rowKey: `outbox|${String(revision).padStart(6, '0')}|${kind}|${recipient}${aboutKey}`,
    kind,
    recipient,
    state: 'pending',
    attempts: 0,
    nextAttemptAt: now.toISOString(),
    revision,
    ...(about ? { about } : {}),
    ...(payload !== undefined ? { payload: JSON.stringify(payload) } : {}),
  };
}
