import { daysBetween, localDate, WorkingCalendar } from '../domain/calendar.js';
import type { Clock } from '../domain/clock.js';
import { englandAndWalesBankHolidays } from '../domain/bankHolidays.js';
import { GROUP_INFO, type GroupId } from '../domain/groups.js';
import { rolesOf, type Protocol } from '../domain/protocol.js';
import { deadlineInstant, dueEscalationStep, dueReminderStep } from '../domain/schedule.js';
import { awaitingSubmission, type TemplateRecord } from '../domain/submission.js';
import { TEMPLATE_NAMES, type TemplateId } from '../domain/templates.js';
import type { ReminderPayload } from '../messaging/messages.js';
import { newOutboxEntry } from '../messaging/outboxEntry.js';
import type { AuditLog } from '../storage/auditLog.js';
import type { ConcernStore } from '../storage/concernStore.js';
import type { ProtocolStore } from '../storage/protocolStore.js';
import type { Actor } from './protocolService.js';

/** One reminder or escalation a pass sent (or, in a dry run, would send). */
export interface PassItem {
  what: 'reminder' | 'escalation';
  /** "housing strategy before-7" or "MS-2027-000004 urgent-60m". */
  subject: string;
  recipients: string[];
  /** False when the ledger showed it was already sent (another pass or instance got there first). */
  sent: boolean;
}

export interface ReminderServiceDeps {
  protocolStore: ProtocolStore;
  concerns: ConcernStore;
  audit: AuditLog;
  protocol: Protocol;
  clock: Clock;
  outboxWritten: () => void;
}

/**
 * Deadline reminders and concern escalations. A pass is safe to run at any time, from several
 * instances at once: each (group, template, step) and each (concern, step) is recorded in a ledger
 * with insert-if-absent, in the same transaction as its messages, so it is sent exactly once.
 */
export class ReminderService {
  private readonly calendar: WorkingCalendar;

  constructor(private readonly deps: ReminderServiceDeps) {
    const year = new Date().getUTCFullYear();
    const deadlineYear = Number(deps.protocol.deadline.slice(0, 4));
    const years = Array.from({ length: Math.max(deadlineYear, year) - Math.min(deadlineYear, year) + 3 }, (_, i) => Math.min(deadlineYear, year) - 1 + i);
    this.calendar = new WorkingCalendar(englandAndWalesBankHolidays(years, deps.protocol.bankHolidays));
  }

  /** Reminders and escalations due at `now`. */
  async runPass(now: Date, options: { dryRun?: boolean } = {}): Promise<PassItem[]> {
    const items = [...(await this.runDueReminders(now, options)), ...(await this.runEscalations(now, options))];
    if (!options.dryRun && items.some((i) => i.sent)) this.deps.outboxWritten();
    return items;
  }

  /** For each group's template not yet submitted, the latest due reminder step, once. */
  async runDueReminders(now: Date, options: { dryRun?: boolean } = {}): Promise<PassItem[]> {
    const { protocol } = this.deps;
    const step = dueReminderStep(protocol.deadline, protocol.reminders, this.calendar, protocol.timeZone, now);
    if (!step) return [];
    const records = await this.deps.protocolStore.allStatuses();
    const items: PassItem[] = [];
    for (const group of protocol.groups) {
      for (const template of ['strategy', 'pathway'] as const) {
        const record = records.find((r) => r.group === group.id && r.template === template);
        const status = record?.status ?? 'notStarted';
        if (!awaitingSubmission(status)) continue;
        items.push(await this.remind(group.id, template, status, step.id, step.daysLeft, now, options.dryRun ?? false));
      }
    }
    return items;
  }

  /** "Remind now" from the coordinator's dashboard: one reminder per minute at most, whatever the clicks. */
  async remindNow(actor: Actor, group: GroupId, template: TemplateId): Promise<{ kind: 'refused' | 'invalid'; reason: string } | { kind: 'ok'; item: PassItem }> {
    if (!rolesOf(this.deps.protocol, actor.aadObjectId).coordinator) return { kind: 'refused', reason: 'Only a protocol coordinator can send reminders.' };
    const { record } = await this.deps.protocolStore.status(group, template);
    if (!awaitingSubmission(record.status)) return { kind: 'invalid', reason: `The ${GROUP_INFO[group].name} ${TEMPLATE_NAMES[template]} is already ${record.status}: no reminder needed.` };
    const now = this.deps.clock.now();
    const { protocol } = this.deps;
    const daysLeft = daysBetween(localDate(now, protocol.timeZone), protocol.deadline);
    const item = await this.remind(group, template, record.status, `manual-${now.toISOString().slice(0, 16).replace(':', '')}`, daysLeft, now, false);
    if (item.sent) this.deps.outboxWritten();
    return { kind: 'ok', item };
  }

  private async remind(group: GroupId, template: TemplateId, status: TemplateRecord['status'], stepId: string, daysLeft: number, now: Date, dryRun: boolean): Promise<PassItem> {
    const { protocol } = this.deps;
    const leads = protocol.groups.find((g) => g.id === group)?.leads ?? [];
    const payload: ReminderPayload = { group, template, step: stepId, daysLeft, status, deadline: deadlineWords(protocol.deadline, protocol.timeZone) };
    // Due for delivery now, whatever instant the pass is computed for (an operator's --at may be in the past or future).
    const dueNow = this.deps.clock.now();
    const outbox = [
      ...leads.map((lead) => newOutboxEntry('reminder', lead.aadObjectId, 0, dueNow, stepId, payload)),
      newOutboxEntry('reminderChannel', group, 0, dueNow, stepId, payload),
    ];
    const recipients = [...leads.map((l) => l.name), `${GROUP_INFO[group].name} channel`];
    const subject = `${group} ${template} ${stepId}`;
    if (dryRun) {
      const already = (await this.deps.protocolStore.remindersSent(group, template)).includes(stepId);
      return { what: 'reminder', subject, recipients, sent: !already };
    }
    const sent = await this.deps.protocolStore.recordReminder(group, template, stepId, now, outbox);
    if (sent) await this.deps.audit.append({ at: now.toISOString(), actorId: 'scheduler', action: 'reminder.sent', outcome: 'allowed', reason: subject });
    return { what: 'reminder', subject, recipients, sent };
  }

  /** Unacknowledged concerns past an escalation step go to the deputies and coordinators, once per step. */
  async runEscalations(now: Date, options: { dryRun?: boolean } = {}): Promise<PassItem[]> {
    const { protocol } = this.deps;
    const recipients = [...new Map([...protocol.deputies, ...protocol.coordinators].map((p) => [p.aadObjectId, p])).values()];
    const items: PassItem[] = [];
    for (const concern of await this.deps.concerns.unacknowledged()) {
      const step = dueEscalationStep(new Date(concern.createdAt), concern.urgent, protocol.escalation, this.calendar, protocol.timeZone, now);
      if (!step) continue;
      const outbox = recipients.map((p) => newOutboxEntry('escalation', p.aadObjectId, concern.revision, this.deps.clock.now(), step.id, { after: step.after }));
      const subject = `${concern.reference} ${step.id}`;
      const sent = options.dryRun ? !(await this.deps.concerns.hasEscalation(concern.id, step.id)) : await this.deps.concerns.recordEscalation(concern.id, step.id, now, outbox);
      if (sent && !options.dryRun) {
        await this.deps.audit.append({ at: now.toISOString(), actorId: 'scheduler', action: 'concern.escalated', concernId: concern.id, outcome: 'allowed', reason: step.id });
      }
      items.push({ what: 'escalation', subject, recipients: recipients.map((p) => p.name), sent });
    }
    return items;
  }
}

/** "Friday 2 July 2027". */
function deadlineWords(date: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).format(deadlineInstant(date, timeZone).getTime() - 1).replace(',', '');
}
