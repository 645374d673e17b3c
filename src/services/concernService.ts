import { z } from 'zod';
import type { Clock } from '../domain/clock.js';
import { LEAD_ACTIONS, OUTCOMES, groupIdSchema, leadActionSchema, outcomeSchema, parseIntake, type IntakeField } from '../domain/concern.js';
import type { ConcernEvent, ConcernEventType, ConcernRecord, PersonRef } from '../domain/concernRecord.js';
import { GROUP_INFO } from '../domain/groups.js';
import { rolesOf, type Protocol } from '../domain/protocol.js';
import { routeConcern } from '../domain/routing.js';
import { nextStatus, STATUS_LABELS, type ConcernCommand } from '../domain/status.js';
import { newOutboxEntry } from '../messaging/outboxEntry.js';
import type { AuditLog } from '../storage/auditLog.js';
import { ConcernExistsError, StaleConcernError, type ConcernStore } from '../storage/concernStore.js';
import type { CounterStore } from '../storage/counterStore.js';

/** Who is acting, from the activity's `from.aadObjectId` (never from card data). */
export type Actor = PersonRef;

/** Concern ids are made by the server (a UUID put on the intake card); anything else is tampering. */
export const concernIdSchema = z.uuid();

export type RaiseResult =
  | { kind: 'invalid'; errors: Partial<Record<IntakeField, string>> }
  | { kind: 'created'; concern: ConcernRecord }
  | { kind: 'duplicate'; concern: ConcernRecord }
  | { kind: 'refused'; reason: string };

export type LeadResult =
  | { kind: 'ok'; concern: ConcernRecord; events: ConcernEvent[] }
  | { kind: 'stale'; concern: ConcernRecord; events: ConcernEvent[]; changes: string }
  | { kind: 'invalid'; concern: ConcernRecord; events: ConcernEvent[]; message: string }
  | { kind: 'refused'; reason: string };

/** What a Lead sends with a command (card inputs); validated here, not trusted. */
const commandInput = {
  acknowledge: z.object({}),
  recordAction: z
    .object({
      action: leadActionSchema,
      nrmReference: z
        .string()
        .trim()
        .max(40, 'An NRM reference is at most 40 characters.')
        .regex(/^[A-Za-z0-9\-/ ]*$/, 'An NRM reference has letters, digits, spaces, / and - only.')
        .optional(),
    })
    .refine((v) => v.action !== 'nrmReferral' || (v.nrmReference ?? '') !== '', { message: 'Give the NRM referral reference.', path: ['nrmReference'] }),
  reroute: z.object({ group: groupIdSchema }),
  close: z.object({ outcome: outcomeSchema }),
} satisfies Record<ConcernCommand, z.ZodType>;

export interface ConcernServiceDeps {
  concerns: ConcernStore;
  counters: CounterStore;
  audit: AuditLog;
  protocol: Protocol;
  clock: Clock;
  /** Called after outbox entries were stored, so they are delivered without waiting for the next poll. */
  outboxWritten: () => void;
}

/** The concern workflow: raise, view, act, list. Every view and change is audited. */
export class ConcernService {
  constructor(private readonly deps: ConcernServiceDeps) {}

  /** Stores a new concern with its notices; a second submit of the same card is told, not stored again. */
  async raise(actor: Actor, submissionId: unknown, data: Record<string, unknown>): Promise<RaiseResult> {
    const { concerns, audit, clock } = this.deps;
    const id = concernIdSchema.safeParse(submissionId);
    if (!id.success) {
      await this.audit(actor, 'concern.refused', undefined, 'refused', 'intake card without a valid server id');
      return { kind: 'refused', reason: 'This form is not valid any more. Type "raise concern" to get a new one.' };
    }
    const parsed = parseIntake(data);
    if (!parsed.ok) return { kind: 'invalid', errors: parsed.errors };

    const existing = await concerns.get(id.data);
    if (existing) return this.duplicate(actor, existing.record);

    const now = clock.now();
    const routing = routeConcern(parsed.intake);
    const year = Number(new Intl.DateTimeFormat('en-GB', { timeZone: this.deps.protocol.timeZone, year: 'numeric' }).format(now));
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
      ...this.deps.protocol.modernSlaveryLeads.map((lead) => newOutboxEntry('leadCard', lead.aadObjectId, 1, now)),
      ...routing.groups.map((group) => newOutboxEntry('channelNotice', group, 1, now)),
    ];
    try {
      await concerns.create(concern, event(concern, 'raised', actor, now, 'Concern raised'), outbox);
    } catch (error) {
      if (!(error instanceof ConcernExistsError)) throw error;
      const winner = await concerns.get(id.data); // a double click raced this one and won
      if (winner) return this.duplicate(actor, winner.record);
      throw error;
    }
    await audit.append({ at: now.toISOString(), actorId: actor.aadObjectId, action: 'concern.raised', concernId: concern.id, outcome: 'allowed' });
    this.deps.outboxWritten();
    return { kind: 'created', concern };
  }

  /** The full concern for a Modern Slavery Lead (or deputy); anyone else is refused. */
  async view(actor: Actor, concernId: unknown): Promise<LeadResult> {
    const loaded = await this.loadForLead(actor, concernId, 'view');
    if ('reason' in loaded) return loaded;
    await this.audit(actor, 'concern.viewed', loaded.record.id, 'allowed');
    return { kind: 'ok', concern: loaded.record, events: await this.deps.concerns.events(loaded.record.id) };
  }

  /**
   * A Lead's command on a concern. `cardRevision` is the revision the Lead's card showed: if the
   * concern changed since, nothing is changed and the Lead is told what changed.
   */
  async act(actor: Actor, concernId: unknown, cardRevision: unknown, command: ConcernCommand, input: Record<string, unknown>): Promise<LeadResult> {
    const loaded = await this.loadForLead(actor, concernId, command);
    if ('reason' in loaded) return loaded;
    const { record, etag } = loaded;
    const events = await this.deps.concerns.events(record.id);
    const revision = Number(cardRevision);
    if (!Number.isInteger(revision) || revision !== record.revision) {
      await this.audit(actor, 'concern.refused', record.id, 'refused', `stale card (card revision ${Number.isInteger(revision) ? revision : 'invalid'}, current ${record.revision})`);
      return { kind: 'stale', concern: record, events, changes: describeChanges(events, revision) };
    }
    const to = nextStatus(record.status, command);
    if (!to) {
      await this.audit(actor, 'concern.refused', record.id, 'refused', `${command} not allowed when ${record.status}`);
      return { kind: 'invalid', concern: record, events, message: `This concern is ${STATUS_LABELS[record.status].toLowerCase()}: it cannot be changed that way.` };
    }
    const parsed = commandInput[command].safeParse(input);
    if (!parsed.success) return { kind: 'invalid', concern: record, events, message: parsed.error.issues.map((i) => i.message).join(' ') };

    const now = this.deps.clock.now();
    const change = applyCommand(record, command, parsed.data, actor, now);
    const updated: ConcernRecord = { ...change.record, status: to, revision: record.revision + 1, updatedAt: now.toISOString() };
    const outbox = change.newGroups.map((group) => newOutboxEntry('channelNotice', group, updated.revision, now));
    try {
      await this.deps.concerns.update(updated, etag, event(updated, change.type, actor, now, change.detail), outbox);
    } catch (error) {
      if (!(error instanceof StaleConcernError)) throw error;
      const latest = await this.deps.concerns.get(record.id);
      const latestEvents = await this.deps.concerns.events(record.id);
      await this.audit(actor, 'concern.refused', record.id, 'refused', 'changed by someone else at the same moment');
      return { kind: 'stale', concern: latest?.record ?? record, events: latestEvents, changes: describeChanges(latestEvents, revision) };
    }
    await this.audit(actor, 'concern.changed', record.id, 'allowed', change.type);
    if (outbox.length) this.deps.outboxWritten();
    return { kind: 'ok', concern: updated, events: [...events, event(updated, change.type, actor, now, change.detail)] };
  }

  /** Every concern not yet closed, for a Modern Slavery Lead or deputy; anyone else is refused. */
  async openConcerns(actor: Actor): Promise<{ kind: 'ok'; concerns: ConcernRecord[] } | { kind: 'refused'; reason: string }> {
    if (!rolesOf(this.deps.protocol, actor.aadObjectId).modernSlaveryLead) {
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
    if (!rolesOf(this.deps.protocol, actor.aadObjectId).modernSlaveryLead) {
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
      await this.audit(actor, 'concern.refused', concern.id, 'refused', 'submit with the id of another person\'s concern');
      return { kind: 'refused', reason: 'This form is not valid any more. Type "raise concern" to get a new one.' };
    }
    await this.audit(actor, 'concern.duplicateSubmit', concern.id, 'allowed');
    return { kind: 'duplicate', concern };
  }

  private async audit(actor: Actor, action: Parameters<AuditLog['append']>[0]['action'], concernId: string | undefined, outcome: 'allowed' | 'refused', reason?: string) {
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

function event(concern: ConcernRecord, type: ConcernEventType, by: Actor, at: Date, detail: string): ConcernEvent {
  return { revision: concern.revision, type, by, at: at.toISOString(), detail };
}

/** The record after a command, the history line for it, and any group that now needs a notice. */
function applyCommand(record: ConcernRecord, command: ConcernCommand, input: Record<string, string>, actor: Actor, now: Date) {
  const handledBy = record.handledBy ?? actor;
  switch (command) {
    case 'acknowledge':
      return { record: { ...record, handledBy: actor }, type: 'acknowledged' as const, detail: 'Acknowledged', newGroups: [] };
    case 'recordAction': {
      const action = leadActionSchema.parse(input.action);
      const reference = action === 'nrmReferral' ? input.nrmReference : undefined;
      const recorded = { action, by: actor, at: now.toISOString(), ...(reference ? { reference } : {}) };
      const detail = reference ? `${LEAD_ACTIONS[action]} (reference ${reference})` : LEAD_ACTIONS[action];
      return { record: { ...record, handledBy, actions: [...record.actions, recorded] }, type: 'actionRecorded' as const, detail, newGroups: [] };
    }
    case 'reroute': {
      const group = groupIdSchema.parse(input.group);
      const newGroups = record.notifiedGroups.includes(group) ? [] : [group];
      return {
        record: { ...record, handledBy, group, notifiedGroups: [...record.notifiedGroups, ...newGroups] },
        type: 'rerouted' as const,
        detail: `Rerouted from ${GROUP_INFO[record.group].name} to ${GROUP_INFO[group].name}`,
        newGroups,
      };
    }
    case 'close': {
      const outcome = outcomeSchema.parse(input.outcome);
      return { record: { ...record, handledBy, outcome, closedAt: now.toISOString() }, type: 'closed' as const, detail: `Closed: ${OUTCOMES[outcome]}`, newGroups: [] };
    }
  }
}

/** "Since your card: 21 Nov 10:02 Acknowledged (Sam Lead)..." from the events after the card's revision. */
function describeChanges(events: ConcernEvent[], cardRevision: number): string {
  const since = events.filter((e) => !Number.isInteger(cardRevision) || e.revision > cardRevision);
  if (!since.length) return 'This card is out of date. The card below shows the concern as it is now.';
  const lines = since.map((e) => `${e.detail} by ${e.by.name}`);
  return `Not changed: someone acted first. Since your card was shown: ${lines.join('; ')}. The card below shows the concern as it is now.`;
}

