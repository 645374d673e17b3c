import type { PersonRef } from './concernRecord.js';
import type { GroupId } from './groups.js';
import type { CollationStatus } from './collation.js';
import type { DiffLine } from './diff.js';
import type { DraftContent, TemplateId } from './templates.js';

/** Where a group's template stands. "Late" is not stored: it is worked out from the deadline. */
export type SubmissionStatus = 'notStarted' | 'drafting' | 'submitted' | 'returned' | 'accepted';
export type SubmissionCommand = 'saveDraft' | 'submit' | 'accept' | 'return';

/**
 * The submission state machine. Saving a draft never changes a submission already made (the group
 * can keep writing); a lead can submit again after a return, or to replace a submission.
 */
const TRANSITIONS: Record<SubmissionStatus, Partial<Record<SubmissionCommand, SubmissionStatus>>> = {
  notStarted: { saveDraft: 'drafting' },
  drafting: { saveDraft: 'drafting', submit: 'submitted' },
  submitted: { saveDraft: 'submitted', submit: 'submitted', accept: 'accepted', return: 'returned' },
  returned: { saveDraft: 'returned', submit: 'submitted' },
  accepted: { saveDraft: 'accepted', submit: 'submitted' },
};

export function nextSubmissionStatus(from: SubmissionStatus, command: SubmissionCommand): SubmissionStatus | undefined {
  return TRANSITIONS[from][command];
}

export const SUBMISSION_LABELS: Record<SubmissionStatus, string> = {
  notStarted: 'Not started',
  drafting: 'Drafting',
  submitted: 'Submitted',
  returned: 'Returned',
  accepted: 'Accepted',
};

/** Not yet handed in: a returned template counts as not submitted. */
export function awaitingSubmission(status: SubmissionStatus): boolean {
  return status === 'notStarted' || status === 'drafting' || status === 'returned';
}

/** The label a person sees, with "late" once the deadline has passed and it is not submitted. */
export function statusLabel(status: SubmissionStatus, now: Date, deadline: Date): { label: string; late: boolean } {
  const late = awaitingSubmission(status) && now.getTime() >= deadline.getTime();
  return { label: late ? `Late (${SUBMISSION_LABELS[status].toLowerCase()})` : SUBMISSION_LABELS[status], late };
}

/** The stored state of one group's template. */
export interface TemplateRecord {
  group: GroupId;
  template: TemplateId;
  status: SubmissionStatus;
  revision: number;
  latestVersion: number;
  submittedVersion?: number;
  submittedBy?: PersonRef;
  submittedAt?: string;
  reviewedBy?: PersonRef;
  reviewedAt?: string;
  /** The coordinator's comment when returning it. */
  comment?: string;
  lastChangeAt?: string;
  lastChangeBy?: PersonRef;
}

export function emptyTemplateRecord(group: GroupId, template: TemplateId): TemplateRecord {
  return { group, template, status: 'notStarted', revision: 0, latestVersion: 0 };
}

/** One saved version of a draft: who saved it and when. */
export interface VersionInfo {
  version: number;
  author: PersonRef;
  savedAt: string;
  characters: number;
}

export type TemplateEventType = 'saved' | 'submitted' | 'accepted' | 'returned' | 'reminded';

export interface TemplateEvent {
  revision: number;
  type: TemplateEventType;
  by: PersonRef;
  at: string;
  detail: string;
}

/** A group's template as a draft card shows it: where it stands and the latest saved version. */
export interface DraftState {
  record: TemplateRecord;
  latest?: { info: VersionInfo; content: DraftContent };
}

/** Every saved version of a template, and whether this person may submit one. */
export interface VersionHistory {
  record: TemplateRecord;
  versions: VersionInfo[];
  canSubmit: boolean;
}

/** The changes between two versions, one part per section (Strategy) or the whole (Pathway). */
export interface VersionComparison {
  record: TemplateRecord;
  from: VersionInfo;
  to: VersionInfo;
  parts: { title: string; lines: DiffLine[] }[];
}

/** Where the city-wide protocol stands: its latest collation, and whether a group resubmitted since. */
export interface ProtocolState {
  /** The latest collation's number; 0 before the first. */
  currentVersion: number;
  /** A group resubmitted after the latest collation: it should be collated again. */
  needsRecollation: boolean;
  /** Where the latest version stands on its way to approval ('draft' before the first collation). */
  status: CollationStatus;
}

/** What the coordinator's dashboard shows: every group's two templates, and the protocol as a whole. */
export interface Dashboard {
  records: TemplateRecord[];
  protocol: ProtocolState;
}

/** The submitted version of a template, for review. */
export interface SubmissionView {
  record: TemplateRecord;
  info: VersionInfo;
  content: DraftContent;
  canReview: boolean;
}
