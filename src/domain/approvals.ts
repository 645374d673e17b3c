import { formatLongDate } from './calendar.js';
import type { CollationStatus } from './collation.js';
import type { PersonRef } from './concernRecord.js';

/**
 * The protocol's route to publication, one collated version at a time: the Lived Experience
 * Advisory Panel decides first, then the Council, then the coordinator marks it published. Each
 * step is recorded against one protocol version; a new collation starts the route again.
 */

export const APPROVAL_STEPS = ['panel', 'council', 'publish'] as const;
export type ApprovalStep = (typeof APPROVAL_STEPS)[number];

export const APPROVAL_DECISIONS = ['approved', 'approvedWithChanges', 'notApproved'] as const;
export type ApprovalDecision = (typeof APPROVAL_DECISIONS)[number];

export const DECISION_LABELS: Record<ApprovalDecision, string> = {
  approved: 'Approved',
  approvedWithChanges: 'Approved with changes',
  notApproved: 'Not approved',
};

/** Who decides at each step, as the card names them. */
export const STEP_NAMES: Record<ApprovalStep, string> = {
  panel: 'Lived Experience Advisory Panel',
  council: 'Council',
  publish: 'Publication',
};

export const APPROVAL_LIMITS = { comments: 1000 } as const;

/** One recorded step for one protocol version: a decision (panel, Council) or the publication. */
export interface ApprovalRecord {
  protocolVersion: number;
  /** 1, 2, ... within the version, in the order recorded. */
  n: number;
  step: ApprovalStep;
  /** The panel's or the Council's decision; absent for the publication. */
  decision?: ApprovalDecision;
  /** The local date of the meeting (or of publication), YYYY-MM-DD, as the coordinator entered it. */
  date: string;
  comments?: string;
  /** The coordinator who recorded it, from the server's view of who is acting. */
  recordedBy: PersonRef;
  recordedAt: string;
}

/** What the approvals card shows: the current version, where it stands, what was recorded and what comes next. */
export interface ApprovalsView {
  /** 0 before the first collation. */
  version: number;
  collatedAt?: string;
  status: CollationStatus;
  approvals: ApprovalRecord[];
  next?: ApprovalStep;
  /** Today's local date: the latest meeting date the form takes. */
  today: string;
  timeZone: string;
}

/** The one step that may be recorded next; none before a collation or once published. */
export function nextStep(status: CollationStatus): ApprovalStep | undefined {
  if (status === 'collated') return 'panel';
  if (status === 'panel approved') return 'council';
  if (status === 'council approved') return 'publish';
  return undefined;
}

/** Where a step leaves the protocol: approved (with or without changes) moves it on, "not approved" keeps it where it was. */
export function statusAfter(status: CollationStatus, step: ApprovalStep, decision: ApprovalDecision | undefined): CollationStatus {
  if (step === 'publish') return 'published';
  if (decision === 'notApproved') return status;
  return step === 'panel' ? 'panel approved' : 'council approved';
}

/** The status a collated version reached through its own recorded steps, oldest first. */
export function statusOfApprovals(approvals: readonly ApprovalRecord[]): CollationStatus {
  return [...approvals].sort((a, b) => a.n - b.n).reduce<CollationStatus>((status, a) => statusAfter(status, a.step, a.decision), 'collated');
}

/** Why a step cannot be recorded now (out of order, or already done), or undefined when it is the next one. */
export function stepRefusal(status: CollationStatus, step: ApprovalStep, version: number): string | undefined {
  const next = nextStep(status);
  if (step === next) return undefined;
  if (status === 'draft' || version < 1) return 'The protocol has not been collated yet: type "collate" first. Approvals are recorded for a collated version.';
  const again = 'A new collation starts the approvals again.';
  if (step === 'panel') return `The panel's approval of version ${version} is already recorded. ${again}`;
  if (step === 'council')
    return status === 'collated'
      ? `The Council's approval comes after the Lived Experience Advisory Panel's: record the panel's decision on version ${version} first.`
      : `The Council's approval of version ${version} is already recorded. ${again}`;
  if (status === 'published') return `Version ${version} is already published. ${again}`;
  return `Version ${version} can be marked published only after the Council approves it (it is ${status} now).`;
}

export interface ApprovalFields {
  decision: ApprovalDecision | undefined;
  date: string;
  comments: string;
}
export type ApprovalErrors = Partial<Record<keyof ApprovalFields, string>>;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const isRealDate = (date: string) => ISO_DATE.test(date) && new Date(`${date}T00:00:00Z`).toISOString().slice(0, 10) === date;

/**
 * Checks what the coordinator entered for a step: a decision (not for the publication), a real
 * date that is not in the future nor before the version was collated or its previous step, and
 * comments within the limit. Returns the problems by field; none means it can be recorded.
 */
export function approvalErrors(
  step: ApprovalStep,
  fields: ApprovalFields,
  bounds: { today: string; collatedOn: string; previous: string | undefined; timeZone: string },
): ApprovalErrors {
  const errors: ApprovalErrors = {};
  const when = step === 'publish' ? 'publication date' : 'meeting date';
  const long = (date: string) => formatLongDate(date, bounds.timeZone);
  if (step !== 'publish' && !fields.decision) errors.decision = 'Choose the decision.';
  if (!isRealDate(fields.date)) errors.date = `Give the ${when} (a date such as ${bounds.today}).`;
  else if (fields.date > bounds.today) errors.date = `The ${when} cannot be in the future (today is ${long(bounds.today)}).`;
  else if (fields.date < bounds.collatedOn) errors.date = `The ${when} is before this version was collated (${long(bounds.collatedOn)}).`;
  else if (bounds.previous && fields.date < bounds.previous) errors.date = `The ${when} is before the previous step (${long(bounds.previous)}).`;
  const length = [...fields.comments].length;
  if (length > APPROVAL_LIMITS.comments)
    errors.comments = `The comments are ${length.toLocaleString('en-GB')} characters; the limit is ${APPROVAL_LIMITS.comments.toLocaleString('en-GB')}.`;
  return errors;
}

/** The date of the step that moved the protocol to where it is (the bound for the next step's date). */
export function previousStepDate(approvals: readonly ApprovalRecord[]): string | undefined {
  return [...approvals].reverse().find((a) => a.decision !== 'notApproved')?.date;
}

/** What happens after a step was recorded, in words for the coordinator. */
export function whatHappensNext(record: ApprovalRecord): string {
  if (record.step === 'publish') return 'The protocol is published. Nothing more is recorded for this version; a new collation starts the approvals again.';
  if (record.decision === 'notApproved') {
    const who = record.step === 'panel' ? 'the panel' : 'the Council';
    const back = record.step === 'council' ? ', which goes to the panel again' : '';
    return `The status stays where it was. Next: agree the changes with the groups and type "collate" for a new version${back}; approvals start again for it. If ${who} considers this version again, record its decision here.`;
  }
  return record.step === 'panel'
    ? "Next: the Council's decision, recorded here after its meeting."
    : 'Next: mark the protocol published here once it is published. The documents no longer say DRAFT.';
}
