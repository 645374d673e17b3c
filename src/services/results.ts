import type { PersonRef } from '../domain/concernRecord.js';
import { GROUP_IDS, type GroupId } from '../domain/groups.js';
import type { Dashboard, DraftState, SubmissionView, TemplateRecord, VersionComparison, VersionHistory } from '../domain/submission.js';
import { TEMPLATE_IDS, type TemplateId } from '../domain/templates.js';
import { z } from 'zod';

/** Who is acting, from the activity's `from.aadObjectId` (never from card data). */
export type Actor = PersonRef;
export const groupSchema = z.enum(GROUP_IDS);
export const templateSchema = z.enum(TEMPLATE_IDS);

/** What the protocol services answer: each bot action gets everything its answer card needs. */
export type Refused = { kind: 'refused'; reason: string };

/** A request the person's role (or the state of things) does not allow, with the reason to show them. */
export const refusal = (reason: string): Refused => ({ kind: 'refused', reason });
export type Opened = Refused | { kind: 'draft'; draft: DraftState } | { kind: 'pickGroup'; template: TemplateId; groups: GroupId[] };
export type SaveResult =
  | Refused
  | { kind: 'invalid'; draft: DraftState; errors: Record<string, string>; pathwayErrors: string[] }
  | { kind: 'saved'; draft: DraftState; note?: string };
/** A status change (submit, accept, return): done, or why not. */
export type Outcome = { kind: 'ok'; record: TemplateRecord } | { kind: 'invalid' | 'stale'; reason: string };
export type SubmitResult = Refused | { kind: 'done'; outcome: Outcome; history: VersionHistory };
export type CompareResult = Refused | { kind: 'compared'; comparison: VersionComparison } | { kind: 'invalid'; reason: string; history: VersionHistory };
/** Where the coordinator is taken after a review: back to the dashboard, or to the submission. */
export type ReviewResult = Refused | { kind: 'done'; outcome: Outcome; dashboard: Dashboard } | { kind: 'done'; outcome: Outcome; submission: SubmissionView };
export type SubmissionResult = Refused | { kind: 'ok'; submission: SubmissionView } | { kind: 'missing'; reason: string; dashboard?: Dashboard };
export type StatusResult = Refused | { kind: 'dashboard'; dashboard: Dashboard } | { kind: 'group'; group: GroupId; records: TemplateRecord[] };
