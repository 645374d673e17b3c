import type { CaseDetails } from './caseDetails.js';
import type { ConcernStatus, Intake, LeadAction, Outcome } from './concern.js';
import type { GroupId } from './groups.js';

export interface PersonRef {
  aadObjectId: string;
  name: string;
}

export interface RecordedAction {
  action: LeadAction;
  /** The NRM referral reference, when the action is an NRM referral. */
  reference?: string;
  by: PersonRef;
  at: string;
}

/** A concern as the server keeps it. The card only ever carries its id and revision. */
export interface ConcernRecord {
  /** Server-made key: the id the server put on the intake card, so a double submit is one concern. */
  id: string;
  /** What people quote, e.g. MS-2027-000123. */
  reference: string;
  reporter: PersonRef;
  createdAt: string;
  updatedAt: string;
  intake: Intake;
  status: ConcernStatus;
  /** The thematic group handling it (the reported area until a Lead reroutes it). */
  group: GroupId;
  /** Every group whose channel has been given the minimal notice. */
  notifiedGroups: GroupId[];
  guidance: string[];
  urgent: boolean;
  treatedAsChild: boolean;
  /** Increases with every change; the card carries it so an action on an old card is detected. */
  revision: number;
  handledBy?: PersonRef;
  actions: RecordedAction[];
  outcome?: Outcome;
  closedAt?: string;
  /** The latest reroute: the group it came from, who moved it and when (the card says why the group changed). */
  rerouted?: { from: GroupId; by: PersonRef; at: string };
  /** What the Lead recorded for figures (caseDetails.ts); absent until they record something. */
  caseDetails?: CaseDetails;
  /** Set by a Lead to keep the concern out of the retention pass, with the reason (audited). */
  legalHold?: { reason: string; by: PersonRef; at: string };
  /** When the retention pass anonymised it: observed text, place, reporter, notes and references are gone. */
  anonymisedAt?: string;
}

export type ConcernEventType =
  | 'raised'
  | 'acknowledged'
  | 'actionRecorded'
  | 'rerouted'
  | 'closed'
  // Changes a Lead makes beside the workflow: their values are on the record, never in the event.
  | 'caseDetailsUpdated'
  | 'legalHoldSet'
  | 'legalHoldLifted';

/** One entry of a concern's history: who did what, when. Detail holds labels, never observed text. */
export interface ConcernEvent {
  revision: number;
  type: ConcernEventType;
  by: PersonRef;
  at: string;
  detail: string;
  /**
   * The Lead's own note on an action, reroute or close. It lives here only, never on the record,
   * so it reaches the Lead's card and nothing else: not channel notices, escalations, the
   * reporter's updates, the audit log or the logs.
   */
  note?: string;
}

/** The history entry for a concern's latest revision. */
export function concernEvent(concern: ConcernRecord, type: ConcernEventType, by: PersonRef, at: Date, detail: string, note?: string): ConcernEvent {
  return { revision: concern.revision, type, by, at: at.toISOString(), detail, ...(note ? { note } : {}) };
}

/**
 * The reporter hears when their concern is picked up and when it is closed (once each), and
 * nothing of what the Lead did: that is for the Lead's card alone.
 */
export function reporterUpdates(before: ConcernRecord, after: ConcernRecord): ('acknowledged' | 'closed')[] {
  if (after.status === 'closed') return ['closed'];
  return before.status === 'new' && after.status !== 'new' ? ['acknowledged'] : [];
}
