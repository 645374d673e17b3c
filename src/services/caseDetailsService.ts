import { localDate } from '../domain/calendar.js';
import { caseFormValues, isEmptyCaseDetails, keptCaseValues, parseCaseDetailsForm, sameCaseDetails } from '../domain/caseDetailsForm.js';
import type { CaseFormErrors, CaseFormValues } from '../domain/caseDetailsForm.js';
import { concernEvent, type ConcernEvent, type ConcernEventType, type ConcernRecord } from '../domain/concernRecord.js';
import { keptReason, parseHoldReason } from '../domain/legalHold.js';
import type { AuditAction } from '../storage/auditLog.js';
import { StaleConcernError } from '../storage/concernStore.js';
import { auditIntent, copyAuditIntent } from './auditIntents.js';
import type { Actor, LeadView } from './concernService.js';
import { auditConcern, isRefused, loadForLead, type LeadAccessDeps, type LoadedConcern } from './leadAccess.js';
import type { Refused } from './results.js';

export interface CaseDetailsServiceDeps extends LeadAccessDeps {
  /** Whose Lead cards refresh automatically. */
  leadRefreshIds: () => Promise<string[]>;
  timeZone: string;
}

/** The case details form as sent or as recorded, with one problem per input. */
export interface CaseForm {
  values: CaseFormValues;
  errors: CaseFormErrors;
}

/** The legal hold form: the reason as typed, and what is wrong with it. */
export interface HoldForm {
  reason: string;
  error: string;
}

/**
 * What a Lead's change came to: saved (the Lead's card, with a line saying so), or the form again
 * (opened, or not saved: invalid, or the concern changed since the form was shown) with everything
 * the Lead sent kept. A change is never made from an out-of-date form.
 */
export type ChangeResult<F> = Refused | ({ kind: 'saved'; notice: string } & LeadView) | { kind: 'form'; concern: ConcernRecord; form: F; notice?: string };

type Change = { record: ConcernRecord; type: ConcernEventType; detail: string; note?: string; action: AuditAction; reason: string };

/**
 * What the Lead (or a deputy) records on a concern beside the workflow: the case details that
 * figures are counted from, and legal hold. Each change is a new revision with a history event
 * that holds no values, and its audit row is written in the same transaction.
 */
export class CaseDetailsService {
  constructor(private readonly deps: CaseDetailsServiceDeps) {}

  /** The case details form, filled in with what is recorded. */
  async openDetails(actor: Actor, concernId: unknown): Promise<ChangeResult<CaseForm>> {
    const loaded = await loadForLead(this.deps, actor, concernId, 'case details');
    if (isRefused(loaded)) return loaded;
    await auditConcern(this.deps, actor, 'concern.viewed', loaded.record.id, 'allowed', 'case details form');
    return { kind: 'form', concern: loaded.record, form: { values: caseFormValues(loaded.record.caseDetails), errors: {} } };
  }

  /**
   * Saves the case details sent from a form that showed revision `cardRevision`. A retried
   * delivery of a save already handled shows the concern as it is, not a conflict with itself.
   */
  async saveDetails(
    actor: Actor,
    concernId: unknown,
    cardRevision: unknown,
    input: Record<string, unknown>,
    options: { repeat?: boolean } = {},
  ): Promise<ChangeResult<CaseForm>> {
    if (options.repeat) return this.show(actor, concernId);
    const loaded = await loadForLead(this.deps, actor, concernId, 'case details');
    if (isRefused(loaded)) return loaded;
    const { record } = loaded;
    const sent = (errors: CaseFormErrors = {}): CaseForm => ({ values: keptCaseValues(input), errors });
    const events = await this.deps.concerns.events(record.id);
    if (!(await this.current(actor, record, cardRevision))) return { kind: 'form', concern: record, form: sent(), notice: changedSince(events, cardRevision) };
    if (record.anonymisedAt) return { kind: 'form', concern: record, form: sent(), notice: ANONYMISED };
    const parsed = parseCaseDetailsForm(input, localDate(this.deps.clock.now(), this.deps.timeZone));
    if (!parsed.ok) return { kind: 'form', concern: record, form: sent(parsed.errors), notice: 'Not saved: check the answers marked below and save again.' };
    if (sameCaseDetails(record.caseDetails, parsed.details))
      return { kind: 'saved', notice: 'Nothing changed: the case details were already as sent.', ...(await this.view(record, events)) };

    const updated: ConcernRecord = { ...record, caseDetails: parsed.details };
    if (isEmptyCaseDetails(parsed.details)) delete updated.caseDetails;
    const change: Change = { record: updated, type: 'caseDetailsUpdated', detail: 'Case details updated', action: 'concern.changed', reason: 'case details' };
    const saved = await this.commit(actor, loaded, events, change);
    if (saved.kind === 'stale') return { kind: 'form', concern: saved.record, form: sent(), notice: changedSince(saved.events, cardRevision) };
    return { kind: 'saved', notice: 'Case details saved.', ...saved.view };
  }

  /** The legal hold form: a reason to put the concern on hold, or the hold as it is, to lift it. */
  async openHold(actor: Actor, concernId: unknown): Promise<ChangeResult<HoldForm>> {
    const loaded = await loadForLead(this.deps, actor, concernId, 'legal hold');
    if (isRefused(loaded)) return loaded;
    await auditConcern(this.deps, actor, 'concern.viewed', loaded.record.id, 'allowed', 'legal hold form');
    return { kind: 'form', concern: loaded.record, form: { reason: '', error: '' } };
  }

  /** Puts the concern on legal hold with the reason typed; audited as "set", without the reason. */
  async setHold(
    actor: Actor,
    concernId: unknown,
    cardRevision: unknown,
    reasonInput: unknown,
    options: { repeat?: boolean } = {},
  ): Promise<ChangeResult<HoldForm>> {
    if (options.repeat) return this.show(actor, concernId);
    const loaded = await loadForLead(this.deps, actor, concernId, 'legal hold');
    if (isRefused(loaded)) return loaded;
    const { record } = loaded;
    const sent = (error = ''): HoldForm => ({ reason: keptReason(reasonInput), error });
    const events = await this.deps.concerns.events(record.id);
    if (!(await this.current(actor, record, cardRevision))) return { kind: 'form', concern: record, form: sent(), notice: changedSince(events, cardRevision) };
    if (record.anonymisedAt) return { kind: 'form', concern: record, form: sent(), notice: ANONYMISED };
    if (record.legalHold) return { kind: 'saved', notice: 'Already on legal hold: nothing changed.', ...(await this.view(record, events)) };
    const parsed = parseHoldReason(reasonInput);
    if (!parsed.ok) return { kind: 'form', concern: record, form: sent(parsed.error), notice: 'Not put on legal hold: check the reason and send it again.' };

    const now = this.deps.clock.now().toISOString();
    const updated: ConcernRecord = { ...record, legalHold: { reason: parsed.reason, by: actor, at: now } };
    // The reason is the history entry's note too, so the history still says why after the hold is lifted (notes reach the Lead's card only).
    const change: Change = { record: updated, type: 'legalHoldSet', detail: 'Legal hold set', note: parsed.reason, action: 'concern.legalHold', reason: 'set' };
    const saved = await this.commit(actor, loaded, events, change);
    if (saved.kind === 'stale') return { kind: 'form', concern: saved.record, form: sent(), notice: changedSince(saved.events, cardRevision) };
    return { kind: 'saved', notice: 'On legal hold: the retention pass leaves this concern alone until the hold is lifted.', ...saved.view };
  }

  /** Lifts the legal hold; audited as "lifted". */
  async liftHold(actor: Actor, concernId: unknown, cardRevision: unknown, options: { repeat?: boolean } = {}): Promise<ChangeResult<HoldForm>> {
    if (options.repeat) return this.show(actor, concernId);
    const loaded = await loadForLead(this.deps, actor, concernId, 'legal hold');
    if (isRefused(loaded)) return loaded;
    const { record } = loaded;
    const events = await this.deps.concerns.events(record.id);
    const form = { reason: '', error: '' };
    if (!(await this.current(actor, record, cardRevision))) return { kind: 'form', concern: record, form, notice: changedSince(events, cardRevision, false) };
    if (!record.legalHold) return { kind: 'saved', notice: 'Not on legal hold: nothing changed.', ...(await this.view(record, events)) };

    const updated: ConcernRecord = { ...record };
    delete updated.legalHold;
    const change: Change = { record: updated, type: 'legalHoldLifted', detail: 'Legal hold lifted', action: 'concern.legalHold', reason: 'lifted' };
    const saved = await this.commit(actor, loaded, events, change);
    if (saved.kind === 'stale') return { kind: 'form', concern: saved.record, form, notice: changedSince(saved.events, cardRevision, false) };
    return { kind: 'saved', notice: 'Legal hold lifted.', ...saved.view };
  }

  /** The concern as it is now, for the Lead's card (a view, audited as one). */
  private async show<F>(actor: Actor, concernId: unknown): Promise<ChangeResult<F>> {
    const loaded = await loadForLead(this.deps, actor, concernId, 'view');
    if (isRefused(loaded)) return loaded;
    await auditConcern(this.deps, actor, 'concern.viewed', loaded.record.id, 'allowed');
    return { kind: 'saved', notice: '', ...(await this.view(loaded.record, await this.deps.concerns.events(loaded.record.id))) };
  }

  /** Whether the form showed the concern as it is now; an out-of-date one is refused and audited. */
  private async current(actor: Actor, record: ConcernRecord, cardRevision: unknown): Promise<boolean> {
    const revision = Number(cardRevision);
    if (Number.isInteger(revision) && revision === record.revision) return true;
    const reason = `stale card (card revision ${Number.isInteger(revision) ? revision : 'invalid'}, current ${record.revision})`;
    await auditConcern(this.deps, actor, 'concern.refused', record.id, 'refused', reason);
    return false;
  }

  /**
   * Stores the change as the next revision with its event and its audit intent, in one
   * transaction; if someone else changed the concern meanwhile (ETag), nothing is stored.
   */
  private async commit(actor: Actor, loaded: LoadedConcern, events: ConcernEvent[], change: Change) {
    const now = this.deps.clock.now();
    const updated: ConcernRecord = { ...change.record, revision: loaded.record.revision + 1, updatedAt: now.toISOString() };
    const event = concernEvent(updated, change.type, actor, now, change.detail, change.note);
    const intent = auditIntent({
      at: now.toISOString(),
      actorId: actor.aadObjectId,
      action: change.action,
      concernId: updated.id,
      outcome: 'allowed',
      reason: change.reason,
    });
    try {
      await this.deps.concerns.update(updated, loaded.etag, event, [], intent);
    } catch (error) {
      if (!(error instanceof StaleConcernError)) throw error;
      await auditConcern(this.deps, actor, 'concern.refused', updated.id, 'refused', 'changed by someone else at the same moment');
      const latest = await this.deps.concerns.get(updated.id);
      return { kind: 'stale' as const, record: latest?.record ?? loaded.record, events: await this.deps.concerns.events(updated.id) };
    }
    await copyAuditIntent(this.deps, updated.id, intent);
    return { kind: 'saved' as const, view: await this.view(updated, [...events, event]) };
  }

  private async view(concern: ConcernRecord, events: ConcernEvent[]): Promise<LeadView> {
    return { concern, events, refreshUserIds: await this.deps.leadRefreshIds() };
  }
}

const ANONYMISED = 'This concern has been anonymised: it can no longer be changed.';

/** "Not saved: since this form was shown, Legal hold set by Dana Second. ..." (names are escaped by the card). */
function changedSince(events: ConcernEvent[], cardRevision: unknown, kept = true): string {
  const revision = Number(cardRevision);
  const since = events.filter((e) => !Number.isInteger(revision) || e.revision > revision).map((e) => `${e.detail} by ${e.by.name}`);
  const what = since.length ? `since this form was shown: ${since.join('; ')}` : 'this form is out of date';
  const next = kept ? 'What you sent is kept below: check it against the concern as it is now and send it again.' : 'Below is the concern as it is now.';
  return `Not saved: someone changed the concern ${what}. ${next}`;
}
