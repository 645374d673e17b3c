import type { CaseDetails, CaseOutcome, OutcomeRecord } from './caseDetails.js';
import type { Intake } from './concern.js';
import type { ConcernEvent, ConcernRecord, PersonRef } from './concernRecord.js';

/** Who stands in for every person on an anonymised concern: the reporter, the Leads who acted. */
export const ANONYMISED_PERSON: PersonRef = { aadObjectId: 'anonymised', name: 'Anonymised' };

/** The intake's choices (statistics) without the observed text or the place. */
function anonymisedIntake(intake: Intake): Intake {
  return {
    immediateDanger: intake.immediateDanger,
    ageBand: intake.ageBand,
    possiblyChild: intake.possiblyChild,
    exploitation: intake.exploitation,
    indicators: intake.indicators,
    area: intake.area,
    place: '',
    ...(intake.consent ? { consent: intake.consent } : {}),
    actionsTaken: intake.actionsTaken,
    observed: '',
  };
}

/** The case details for figures, without the NRM referral reference (it identifies the person). */
function anonymisedCaseDetails(details: CaseDetails): CaseDetails {
  const outcomes: Partial<Record<CaseOutcome, OutcomeRecord>> = {};
  for (const [outcome, value] of Object.entries(details.outcomes) as [CaseOutcome, OutcomeRecord][]) {
    outcomes[outcome] = { date: value.date, ...(value.decision ? { decision: value.decision } : {}) };
  }
  return {
    ...(details.ageYears !== undefined ? { ageYears: details.ageYears } : {}),
    ...(details.gender ? { gender: details.gender } : {}),
    ...(details.nationality ? { nationality: details.nationality } : {}),
    ...(details.ethnicity ? { ethnicity: details.ethnicity } : {}),
    outcomes,
  };
}

/**
 * A concern with everything that could identify someone removed, and everything the figures count
 * kept: the reference (the audit log's key), dates, status, groups, urgency, child or not, the
 * intake's choices, the actions' kinds and dates, the outcome and the case details. Gone: the
 * observed text, the place, the reporter and every person who acted (a placeholder stands in), the
 * NRM references and any legal hold. The record is rebuilt field by field rather than copied and
 * trimmed, so a field added to ConcernRecord later is dropped until someone decides it may stay.
 * The revision moves on, so any card still showing the old record is out of date.
 */
export function anonymisedRecord(record: ConcernRecord, at: Date): ConcernRecord {
  const when = at.toISOString();
  return {
    id: record.id,
    reference: record.reference,
    reporter: ANONYMISED_PERSON,
    createdAt: record.createdAt,
    updatedAt: when,
    intake: anonymisedIntake(record.intake),
    status: record.status,
    group: record.group,
    notifiedGroups: record.notifiedGroups,
    guidance: record.guidance,
    urgent: record.urgent,
    treatedAsChild: record.treatedAsChild,
    revision: record.revision + 1,
    ...(record.handledBy ? { handledBy: ANONYMISED_PERSON } : {}),
    actions: record.actions.map((a) => ({ action: a.action, by: ANONYMISED_PERSON, at: a.at })),
    ...(record.outcome ? { outcome: record.outcome } : {}),
    ...(record.closedAt ? { closedAt: record.closedAt } : {}),
    ...(record.rerouted ? { rerouted: { from: record.rerouted.from, by: ANONYMISED_PERSON, at: record.rerouted.at } } : {}),
    ...(record.caseDetails ? { caseDetails: anonymisedCaseDetails(record.caseDetails) } : {}),
    anonymisedAt: when,
  };
}

/** The NRM references a concern holds (on its actions and its case details), to be removed from its history. */
export function referencesOf(record: ConcernRecord): string[] {
  const onActions = record.actions.map((a) => a.reference);
  const onOutcomes = Object.values(record.caseDetails?.outcomes ?? {}).map((o) => o?.reference);
  return [...onActions, ...onOutcomes].filter((r): r is string => Boolean(r));
}

/**
 * A history entry without its person or the Lead's note: what happened and when stay. The detail is
 * made of labels, except the NRM reference an action names ("NRM referral made (reference X)"):
 * that goes, and so does any of the concern's references found anywhere else in it.
 */
export function anonymisedEvent(event: ConcernEvent, references: readonly string[] = []): ConcernEvent {
  let detail = event.detail.replace(/\s*\(reference [^)]*\)/g, '');
  for (const reference of references) detail = detail.split(reference).join('[removed]');
  return { revision: event.revision, type: event.type, by: ANONYMISED_PERSON, at: event.at, detail };
}
