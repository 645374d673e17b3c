import { WorkingCalendar } from '../domain/calendar.js';
import type { Clock } from '../domain/clock.js';
import type { Deadline } from '../domain/deadline.js';
import { englandAndWalesBankHolidays } from '../domain/bankHolidays.js';
import { GROUP_INFO, type GroupId } from '../domain/groups.js';
import { newOutboxEntry, type ReminderPayload } from '../domain/outbox.js';
import type { Protocol } from '../domain/protocol.js';
import { dueReminderStep, nextReminderStep } from '../domain/schedule.js';
import { awaitingSubmission, type Dashboard } from '../domain/submission.js';
import { TEMPLATE_NAMES, type TemplateId } from '../domain/templates.js';
import type { AuditLog } from '../storage/auditLog.js';
import type { ConcernStore } from '../storage/concernStore.js';
import type { CollationStore } from '../storage/collationStore.js';
import type { ProtocolStore } from '../storage/protocolStore.js';
import type { Destination } from '../messaging/teamsDelivery.js';
import type { Directory } from './directory.js';
import { escalationPass } from './escalationPass.js';
import type { Actor } from './results.js';

/** One reminder or escalation a pass sent (or, in a dry run, would send). */
export interface PassItem {
  what: 'reminder' | 'escalation';
  /** "housing strategy before-7" or "MS-2027-000004 urgent-60m". */
  subject: string;
  recipients: string[];
  /** False when the ledger showed it was already sent (another pass or instance got there first). */
  sent: boolean;
}

/** "Remind now": what happened, and the dashboard to show again. */
export type RemindNowResult =
  | { kind: 'refused'; reason: string }
  | { kind: 'done'; outcome: { kind: 'ok'; item: PassItem; reach: Reach[] } | { kind: 'invalid'; reason: string }; dashboard: Dashboard };

/** Who a reminder is for, and whether it can reach them now or waits (not installed, channel not linked). */
export interface Reach {
  name: string;
  /** Set for the group's channel. */
  group?: GroupId;
  reachable: boolean;
}

export interface ReminderServiceDeps {
  protocolStore: ProtocolStore;
  /** Read for the dashboard shown after "remind now". */
  collations: CollationStore;
  concerns: ConcernStore;
  audit: AuditLog;
  directory: Directory;
  deadline: Deadline;
  /** The schedule and the bank holidays. */
  protocol: Pick<Protocol, 'timeZone' | 'reminders' | 'escalation' | 'bankHolidays'>;
  clock: Clock;
  outboxWritten: () => void;
  /** Whether a message could go out to someone (or a group's channel) now. */
  reachable: (to: Destination) => Promise<boolean>;
}

/**
 * Deadline reminders and concern escalations. A pass is safe to run at any time, from several
 * instances at once: each (group, template, step) and each (concern, step) is recorded in a ledger
 * with insert-if-absent, a reminder in the same transaction as its messages, so it is sent exactly
 * once; an escalation step goes out in the digest of the pass that recorded it (escalationPass.ts).
 */
export class ReminderService {
  private readonly calendar: WorkingCalendar;

  constructor(private readonly deps: ReminderServiceDeps) {
    // Bank holidays around both today and the deadline year, so late reminders and escalations are right too.
    const years = [deps.clock.now().getUTCFullYear(), Number(deps.deadline.date.slice(0, 4))];
    const from = Math.min(...years) - 1;
    const to = Math.max(...years) + 2;
    this.calendar = new WorkingCalendar(
      englandAndWalesBankHolidays(
        Array.from({ length: to - from + 1 }, (_, i) => from + i),
        deps.protocol.bankHolidays,
      ),
    );
  }

  /** Reminders and escalations due at `now`. */
  async runPass(now: Date, options: { dryRun?: boolean } = {}): Promise<PassItem[]> {
    const items = [...(await this.runDueReminders(now, options)), ...(await this.runEscalations(now, options))];
    if (!options.dryRun && items.some((i) => i.sent)) this.deps.outboxWritten();
    return items;
  }

  /** When the next reminder step falls due after `now` (a UTC instant): the scheduler runs a pass then. */
  nextReminderDue(now: Date): Date {
    return nextReminderStep(this.deps.deadline, this.deps.protocol.reminders, this.calendar, now).sendAt;
  }

  /** For each group's template not yet submitted (a returned one counts), the latest due step, once. */
  async runDueReminders(now: Date, options: { dryRun?: boolean } = {}): Promise<PassItem[]> {
    const { protocol } = this.deps;
    const step = dueReminderStep(this.deps.deadline, protocol.reminders, this.calendar, now);
    if (!step) return [];
    const items: PassItem[] = [];
    for (const record of await this.deps.protocolStore.allStatuses()) {
      if (awaitingSubmission(record.status)) items.push(await this.remind(record.group, record.template, step.id, now, options.dryRun ?? false));
    }
    return items;
  }

  /**
   * "Remind now" from the coordinator's dashboard: one reminder per minute at most, whatever the
   * clicks. Answers with the dashboard as it is now, to show again.
   */
  async remindNow(actor: Actor, group: GroupId, template: TemplateId): Promise<RemindNowResult> {
    if (!this.deps.directory.roles(actor).coordinator) {
      await this.deps.audit.append({
        at: this.deps.clock.now().toISOString(),
        actorId: actor.aadObjectId,
        action: 'request.refused',
        outcome: 'refused',
        reason: `remind ${group} ${template}: not a coordinator`,
      });
      return { kind: 'refused', reason: 'Only a protocol coordinator can send reminders.' };
    }
    const { record } = await this.deps.protocolStore.status(group, template);
    let outcome: Extract<RemindNowResult, { kind: 'done' }>['outcome'];
    if (!awaitingSubmission(record.status)) {
      outcome = { kind: 'invalid', reason: `The ${GROUP_INFO[group].name} ${TEMPLATE_NAMES[template]} is already ${record.status}: no reminder needed.` };
    } else {
      const now = this.deps.clock.now();
      const item = await this.remind(group, template, `manual-${now.toISOString().slice(0, 16).replace(':', '')}`, now, false);
      if (item.sent) this.deps.outboxWritten();
      outcome = { kind: 'ok', item, reach: await this.reach(group) };
    }
    const [records, protocol] = await Promise.all([this.deps.protocolStore.allStatuses(), this.deps.collations.state()]);
    return { kind: 'done', outcome, dashboard: { records, protocol } };
  }

  /** Whether each of a group's reminder recipients can be reached now, so the coordinator is told the truth. */
  private async reach(group: GroupId): Promise<Reach[]> {
    const leads = await Promise.all(
      this.deps.directory.groupLeads(group).map(async (l) => ({ name: l.name, reachable: await this.deps.reachable({ person: l.aadObjectId }) })),
    );
    return [...leads, { name: `the ${GROUP_INFO[group].name} channel`, group, reachable: await this.deps.reachable({ group }) }];
  }

  private async remind(group: GroupId, template: TemplateId, step: string, now: Date, dryRun: boolean): Promise<PassItem> {
    const leads = this.deps.directory.groupLeads(group);
    const payload: ReminderPayload = { group, template, step };
    // Due for delivery now, whatever instant the pass is computed for (an operator's --at).
    const dueNow = this.deps.clock.now();
    const outbox = [
      ...leads.map((lead) => newOutboxEntry({ kind: 'reminder', recipient: lead.aadObjectId, now: dueNow, key: step, payload })),
      newOutboxEntry({ kind: 'reminderChannel', recipient: group, now: dueNow, key: step, payload }),
    ];
    const item = {
      what: 'reminder' as const,
      subject: `${group} ${template} ${step}`,
      recipients: [...leads.map((l) => l.name), `${GROUP_INFO[group].name} channel`],
    };
    if (dryRun) {
      const recorded = await this.deps.protocolStore.remindersSent(group, template);
      return { ...item, sent: !recorded.some((r) => r.step === step) };
    }
    const sent = await this.deps.protocolStore.recordReminder(group, template, step, now, outbox);
    if (sent)
      await this.deps.audit.append({ at: dueNow.toISOString(), actorId: 'scheduler', action: 'reminder.sent', outcome: 'allowed', reason: item.subject });
    return { ...item, sent };
  }

  /**
   * Unacknowledged concerns past an escalation step go to the deputies and coordinators, once per
   * step, in one digest per person per pass (escalationPass.ts).
   */
  async runEscalations(now: Date, options: { dryRun?: boolean } = {}): Promise<PassItem[]> {
    const { concerns, audit, directory, protocol, clock } = this.deps;
    return escalationPass({ concerns, audit, directory, protocol, clock, calendar: this.calendar }, now, options);
  }
}
