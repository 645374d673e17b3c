import type { EscalationDigestPayload } from './escalationDigest.js';
import type { GroupId } from './groups.js';
import type { TemplateId } from './templates.js';

/** What an outbox entry delivers; the content is worked out when it is sent. */
export type OutboxKind =
  | 'leadCard'
  | 'channelNotice'
  | 'coordinatorNotice'
  | 'waitingNotice'
  | 'escalation'
  | 'escalationDigest'
  | 'reminder'
  | 'reminderChannel'
  | 'review'
  | 'reporterUpdate'
  | 'signUpInvite'
  | 'chapterReview';

/**
 * superseded: no longer worth sending when its turn came (a later reminder, a template submitted, a
 * concern acknowledged meanwhile).
 * pending: waiting for its next attempt (a claimed entry stays pending with its next attempt pushed
 * out by a lease, so a crash mid-send is retried after the lease, never lost).
 */
export type OutboxState = 'pending' | 'sent' | 'undeliverable' | 'failed' | 'superseded';

/** Which reminder an entry is; what it says is worked out when it is sent. */
export interface ReminderPayload {
  group: GroupId;
  template: TemplateId;
  step: string;
}

/** A submission for the coordinators to review, or the coordinator's decision for the group's leads. */
export interface ReviewPayload {
  group: GroupId;
  template: TemplateId;
  decision: 'submitted' | 'accepted' | 'returned';
  version?: number;
  by: string;
  comment?: string;
}

/** A group lead's review card for a collated version of the protocol; its chapters and answers are read when it is sent. */
export interface ChapterReviewPayload {
  version: number;
  group: GroupId;
}

/**
 * An unacknowledged concern past an escalation step ("1 hour", "1 working day"): one message per
 * concern, as passes wrote them before the digest; still delivered if any wait.
 */
export interface EscalationPayload {
  step: string;
  after: string;
}

/** What the reporter is told about their concern: that it was picked up, and that it was closed; never what was done. */
export interface ReporterUpdatePayload {
  update: 'acknowledged' | 'closed';
}

/** What a message waits for: the person to install the app, or the group's channel to be linked. */
export type WaitingFor = 'install' | 'link';

/** Messages held back for one recipient: how many, since when, and whether it has been put right. */
export interface WaitingRecord {
  /** An Entra object id (someone who has not installed the app) or a group id (a channel not linked). */
  recipient: string;
  waitingFor: WaitingFor;
  count: number;
  since: string;
  /** Set when the person installed the app or the channel was linked. */
  resolvedAt?: string;
}

/** The coordinators' one notice per cause: messages wait for this person or group's channel. */
export interface WaitingPayload {
  recipient: string;
  waitingFor: WaitingFor;
}

/**
 * Kinds never reported to the coordinators when they cannot be delivered: notices about other
 * messages (a notice about a notice could loop), and the reporter's updates (naming the person who
 * failed to receive one would tell the coordinators who raised a concern).
 */
export const UNREPORTED_KINDS: readonly OutboxKind[] = ['coordinatorNotice', 'waitingNotice', 'reporterUpdate'];

/** Why a message could not be delivered. */
export type UndeliveredReason = '403' | '404' | 'network' | `${number}`;

/** A message that could not be delivered, for the coordinators: which kind, to whom, and why. */
export interface UndeliveredPayload {
  failedKind: OutboxKind;
  recipient: string;
  reason: UndeliveredReason;
  /** What the failed message was about: a concern id, or "group|template". */
  owner: string;
  /** A Lead card Teams refused (403) was sent to the deputies instead. */
  sentInsteadTo?: 'deputies';
}

/** The payload each kind of entry carries (concern messages are rendered from the concern itself). */
export interface OutboxPayloads {
  leadCard: undefined;
  channelNotice: undefined;
  escalation: EscalationPayload;
  /** Every concern step one escalation pass won, for one person. */
  escalationDigest: EscalationDigestPayload;
  reminder: ReminderPayload;
  reminderChannel: ReminderPayload;
  review: ReviewPayload;
  coordinatorNotice: UndeliveredPayload;
  waitingNotice: WaitingPayload;
  reporterUpdate: ReporterUpdatePayload;
  /** The sign-up card for a person or a group's channel; it says the same to everyone. */
  signUpInvite: undefined;
  chapterReview: ChapterReviewPayload;
}

export interface OutboxEntry {
  rowKey: string;
  kind: OutboxKind;
  /** An Entra object id (a person's personal chat) or a group id (the group's channel). */
  recipient: string;
  state: OutboxState;
  attempts: number;
  nextAttemptAt: string;
  /** The revision of the record (concern or template) that caused the entry. */
  revision: number;
  lastStatus?: number;
  activityId?: string;
  /** The entry's content fixed when it was written, as JSON (see OutboxPayloads). */
  payload?: string;
}

export interface NewOutboxEntry<K extends OutboxKind> {
  kind: K;
  recipient: string;
  now: Date;
  /** The revision that caused it (0 for messages not tied to a revision). */
  revision?: number;
  /**
   * Tells apart entries of the same kind, recipient and revision (a reminder step, an escalation
   * step, the failed message a notice is about); part of the row key, so writing it twice is one entry.
   */
  key?: string;
  payload?: OutboxPayloads[K];
}

/** A new pending entry; the row key makes the same message for the same change one entry. */
export function newOutboxEntry<K extends OutboxKind>(entry: NewOutboxEntry<K>): OutboxEntry {
  const revision = entry.revision ?? 0;
  const key = entry.key ? `|${entry.key.replace(/[^A-Za-z0-9-]/g, '')}` : '';
  return {
    rowKey: `outbox|${String(revision).padStart(6, '0')}|${entry.kind}|${entry.recipient}${key}`,
    kind: entry.kind,
    recipient: entry.recipient,
    state: 'pending',
    attempts: 0,
    nextAttemptAt: entry.now.toISOString(),
    revision,
    ...(entry.payload !== undefined ? { payload: JSON.stringify(entry.payload) } : {}),
  };
}

/** The payload of an entry, typed by its kind. */
export function payloadOf<K extends OutboxKind>(entry: OutboxEntry & { kind: K }): OutboxPayloads[K] {
  return (entry.payload ? JSON.parse(entry.payload) : undefined) as OutboxPayloads[K];
}
