import { z } from 'zod';
import { localDate } from '../domain/calendar.js';
import type { Clock } from '../domain/clock.js';
import { parseIntake, type IntakeField } from '../domain/concern.js';
import { applyCommand, decideCommand, describeChanges, sentForm, type CommandForm } from '../domain/leadCommands.js';
import { concernEvent, reporterUpdates, type ConcernEvent, type ConcernRecord, type PersonRef } from '../domain/concernRecord.js';
import { newOutboxEntry } from '../domain/outbox.js';
import { routeConcern } from '../domain/routing.js';
import type { ConcernCommand } from '../domain/status.js';
import type { AuditLog } from '../storage/auditLog.js';
import { ConcernExistsError, StaleConcernError, type ConcernStore } from '../storage/concernStore.js';
import type { CounterStore } from '../storage/counterStore.js';
import { auditIntent, copyAuditIntent } from './auditIntents.js';
import type { Directory } from './directory.js';

/** Who is acting, from the activity's `from.aadObjectId` (never from card data). */
export type Actor = PersonRef;

/** Concern ids are made by the server (a UUID put on the intake card); anything else is tampering. */
export const concernIdSchema = z.uuid();

export type RaiseResult =
  | { kind: 'invalid'; errors: Partial<Record<IntakeField, string>> }
  | { kind: 'created'; concern: ConcernRecord }
  | { kind: 'duplicate'; concern: ConcernRecord }
  | { kind: 'refused'; reason: string };

/** A concern as the Lead's card shows it: the record, its history, and whose cards refresh. */
export interface LeadView {
  concern: ConcernRecord;
  events: ConcernEvent[];
  refreshUserIds: string[];
}

/**
 * What a Lead's command came to. Nothing is changed unless the kind is 'ok'. When a command with
 * inputs is not applied (stale, invalid) its form comes back with what the Lead sent, so nothing
 * typed is lost; 'confirm' asks before a close, which cannot be undone.
 */
export type LeadResult =
  | ({ kind: 'ok' } & LeadView)
  | ({ kind: 'stale'; changes: string; form: CommandForm | undefined } & LeadView)
  | ({ kind: 'invalid'; message: string; form: CommandForm | undefined } & LeadView)
  | ({ kind: 'confirm'; form: CommandForm } & LeadView)
  | { kind: 'refused'; reason: string };

export interface ConcernServiceDeps {
  concerns: ConcernStore;
  counters: CounterStore;
  /** Whose Lead cards refresh automatically (see leadRefreshIds). */
  leadRefreshIds: () => Promise<string[]>;
  audit: AuditLog;
  directory: Directory;
  timeZone: string;
  clock: Clock;
  /** Called after outbox entries were stored, so they are delivered without waiting for the next poll. */
  outboxWritten: () => void;
}

/** The concern workflow: raise, view, act, list. Every view and change is audited. */
export class ConcernService {
  constructor(private readonly deps: ConcernServiceDeps) {}

  /** Stores a new concern with its notices; a second submit of the same card is told, not stored again. */
  async raise(actor: Actor, submissionId: unknown, data: Record<string, unknown>): Promise<RaiseResult> {
    const { concerns, clock } = this.deps;
    const id = concernIdSchema.safeParse(submissionId);
    if (!id.success) {
      await this.audit(actor, 'concern.refused', undefined, 'refused', 'intake card without a valid server id');
      return { kind: 'refused', reason: 'This form is not valid any more. Type "raise concern" to get a new one.' };
    }
    const parsed = parseIntake(data);
    if (!parsed.ok) return { kind: 'invalid', errors: parsed.errors };

    // No read first: nearly every submit is new, and a second one is told by the create's conflict.
    const now = clock.now();
    const routing = routeConcern(parsed.intake);
    const year = Number(localDate(now, this.deps.timeZone).slice(0, 4));
    const number = await this.deps.counters.next('concern', String(year));
    const concern: ConcernRecord = {
      id: id.data,
      reference: `MS-${year}-${String(number).padStart(6, '0')}`,
      reporter: actor,
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
      intake: parsed.intake,
      status: 'new',
      group: parsed.intake.area,
      notifiedGroups: routing.groups,
      guidance: routing.guidance,
      urgent: routing.urgent,
      treatedAsChild: routing.appliedRules.includes('child'),
      revision: 1,
      actions: [],
    };
    const outbox = [
      ...this.deps.directory.leads().map((lead) => newOutboxEntry({ kind: 'leadCard', recipient: lead.aadObjectId, revision: 1, now })),
      ...routing.groups.map((group) => newOutboxEntry({ kind: 'channelNotice', recipient: group, revision: 1, now })),
    ];
    // The "raised" audit row is written with the concern, as an intent, so it cannot be lost between two writes.
    const raised = auditIntent({ at: now.toISOString(), actorId: actor.aadObjectId, action: 'concern.raised', concernId: concern.id, outcome: 'allowed' });
    try {
      await concerns.create(concern, concernEvent(concern, 'raised', actor, now, 'Concern raised'), outbox, raised);
    } catch (error) {
      if (!(error instanceof ConcernExistsError)) throw error;
      const first = await concerns.get(id.data); // the same card submitted again, or a double click that won the race
      if (first) return this.duplicate(actor, first.record);
      throw error;
    }
    this.deps.outboxWritten();
    await copyAuditIntent(this.deps, concern.id, raised);
    return { kind: 'created', concern };
  }

  /** The full concern for a Modern Slavery Lead (or deputy); anyone else is refused. */
  async view(actor: Actor, concernId: unknown): Promise<LeadResult> {
    const loaded = await this.loadForLead(actor, concernId, 'view');
    if ('reason' in loaded) return loaded;
    await this.audit(actor, 'concern.viewed', loaded.record.id, 'allowed');
    return { kind: 'ok', ...(await this.leadView(loaded.record)) };
  }

  private async leadView(concern: ConcernRecord, events?: ConcernEvent[]): Promise<LeadView> {
    const [history, refreshUserIds] = await Promise.all([events ?? this.deps.concerns.events(concern.id), this.deps.leadRefreshIds()]);
    return { concern, events: history, refreshUserIds };
  }

  /**
   * A Lead's command on a concern. `cardRevision` is the revision the Lead's card showed: if the
   * concern changed since, nothing is changed and the Lead is told what changed.
   */
  async act(
    actor: Actor,
    concernId: unknown,
    cardRevision: unknown,
    command: ConcernCommand,
    input: Record<string, unknown>,
    options: { repeat?: boolean } = {},
  ): Promise<LeadResult> {
    // A retried delivery of a click already handled shows the concern as it is, not a conflict.
    if (options.repeat) return this.view(actor, concernId);
    const loaded = await this.loadForLead(actor, concernId, command);
    if ('reason' in loaded) return loaded;
    const { record, etag } = loaded;
    const events = await this.deps.concerns.events(record.id);
    const revision = Number(cardRevision);
    const decision = decideCommand(record, command, revision, input);
    if (decision.kind === 'stale') {
      const reason = `stale card (card revision ${Number.isInteger(revision) ? revision : 'invalid'}, current ${record.revision})`;
      await this.audit(actor, 'concern.refused', record.id, 'refused', reason);
      return { kind: 'stale', ...(await this.leadView(record, events)), changes: describeChanges(events, revision), form: decision.form };
    }
    if (decision.kind === 'notAllowed') await this.audit(actor, 'concern.refused', record.id, 'refused', `${command} not allowed when ${record.status}`);
    if (decision.kind === 'notAllowed' || decision.kind === 'invalid') {
      return { kind: 'invalid', ...(await this.leadView(record, events)), message: decision.message, form: decision.form };
    }
    if (decision.kind === 'confirm') return { kind: 'confirm', ...(await this.leadView(record, events)), form: decision.form };

    const now = this.deps.clock.now();
    const change = applyCommand(record, command, decision.input, actor, now);
    const updated: ConcernRecord = { ...change.record, status: decision.to, revision: record.revision + 1, updatedAt: now.toISOString() };
    const outbox = [
      ...change.newGroups.map((group) => newOutboxEntry({ kind: 'channelNotice', recipient: group, revision: updated.revision, now })),
      ...reporterUpdates(record, updated).map((update) =>
        newOutboxEntry({ kind: 'reporterUpdate', recipient: record.reporter.aadObjectId, revision: updated.revision, now, key: update, payload: { update } }),
      ),
    ];
    const changed = auditIntent({
      at: now.toISOString(),
      actorId: actor.aadObjectId,
      action: 'concern.changed',
      concernId: record.id,
      outcome: 'allowed',
      reason: change.type,
    });
    try {
      await this.deps.concerns.update(updated, etag, concernEvent(updated, change.type, actor, now, change.detail, change.note), outbox, changed);
    } catch (error) {
      if (!(error instanceof StaleConcernError)) throw error;
      const latest = await this.deps.concerns.get(record.id);
      const latestEvents = await this.deps.concerns.events(record.id);
      await this.audit(actor, 'concern.refused', record.id, 'refused', 'changed by someone else at the same moment');
      const current = latest?.record ?? record;
      const form = sentForm(current, command, input);
      return { kind: 'stale', ...(await this.leadView(current, latestEvents)), changes: describeChanges(latestEvents, revision), form };
    }
    if (outbox.length) this.deps.outboxWritten();
    await copyAuditIntent(this.deps, record.id, changed);
    return { kind: 'ok', ...(await this.leadView(updated, [...events, concernEvent(updated, change.type, actor, now, change.detail, change.note)])) };
  }

  /** Every concern not yet closed, for a Modern Slavery Lead or deputy; anyone else is refused. */
  async openConcerns(actor: Actor): Promise<{ kind: 'ok'; concerns: ConcernRecord[] } | { kind: 'refused'; reason: string }> {
    if (!this.deps.directory.roles(actor).modernSlaveryLead) {
      await this.audit(actor, 'concern.refused', undefined, 'refused', 'open concerns: not a Modern Slavery Lead');
      return { kind: 'refused', reason: 'Only the Modern Slavery Lead and deputies can see open concerns.' };
    }
    const concerns = await this.deps.concerns.open();
    await this.audit(actor, 'concern.listed', undefined, 'allowed', `${concerns.length} open concerns`);
    return { kind: 'ok', concerns };
  }

  /** The reporter's own concerns, and nobody else's. */
  async mine(actor: Actor): Promise<ConcernRecord[]> {
    const found = await this.deps.concerns.listByReporter(actor.aadObjectId);
    await this.audit(actor, 'concern.listed', undefined, 'allowed', `${found.length} own concerns`);
    return found;
  }

  private async loadForLead(actor: Actor, concernId: unknown, what: string) {
    const id = concernIdSchema.safeParse(concernId);
    if (!this.deps.directory.roles(actor).modernSlaveryLead) {
      await this.audit(actor, 'concern.refused', id.success ? id.data : undefined, 'refused', `${what}: not a Modern Slavery Lead`);
      return { kind: 'refused' as const, reason: 'Only the Modern Slavery Lead and deputies can see or change a concern.' };
    }
    const loaded = id.success ? await this.deps.concerns.get(id.data) : undefined;
    if (!loaded) {
      await this.audit(actor, 'concern.refused', undefined, 'refused', `${what}: unknown concern id`);
      return { kind: 'refused' as const, reason: 'That concern could not be found.' };
    }
    return loaded;
  }

  private async duplicate(actor: Actor, concern: ConcernRecord): Promise<RaiseResult> {
    if (concern.reporter.aadObjectId !== actor.aadObjectId) {
      await this.audit(actor, 'concern.refused', concern.id, 'refused', "submit with the id of another person's concern");
      return { kind: 'refused', reason: 'This form is not valid any more. Type "raise concern" to get a new one.' };
    }
    await this.audit(actor, 'concern.duplicateSubmit', concern.id, 'allowed');
    return { kind: 'duplicate', concern };
  }

  private async audit(
    actor: Actor,
    action: Parameters<AuditLog['append']>[0]['action'],
    concernId: string | undefined,
    outcome: 'allowed' | 'refused',
    reason?: string,
  ) {
    await this.deps.audit.append({
      at: this.deps.clock.now().toISOString(),
      actorId: actor.aadObjectId,
      action,
      outcome,
      ...(concernId ? { concernId } : {}),
      ...(reason ? { reason } : {}),
    });
  }
}
