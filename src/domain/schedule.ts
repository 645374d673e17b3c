import { addDays, localDate, localTime, zonedInstant, type WorkingCalendar } from './calendar.js';
import type { Deadline } from './deadline.js';

/** When reminders go out; the defaults are those in docs/routing.md. */
export interface ReminderSettings {
  /** Calendar days before the deadline day, e.g. [14, 7, 3, 1]. */
  daysBefore: number[];
  onTheDay: boolean;
  /** Once late, a reminder every this many working days. */
  lateEveryWorkingDays: number;
  /** Local wall-clock time, 'HH:MM'. */
  sendAt: string;
}

export const DEFAULT_REMINDERS: ReminderSettings = { daysBefore: [14, 7, 3, 1], onTheDay: true, lateEveryWorkingDays: 2, sendAt: '09:00' };

/** One reminder step: sent at most once per group and template. */
export interface ReminderStep {
  /** Stable id for the exactly-once ledger: 'before-7', 'on-day', 'late-3'. */
  id: string;
  /** The local date it is sent on (a working day). */
  day: string;
  sendAt: Date;
  /** Calendar days from `day` to the deadline day: negative once late. */
  daysLeft: number;
}

/**
 * Every reminder step, in order, without end (late reminders repeat until the template is in). A step
 * that falls on a weekend or bank holiday moves to the working day before it (a reminder should never
 * arrive later than promised); when two steps land on the same day only the later one (closer to the
 * deadline) is kept. Late steps start on the first working day after the deadline and repeat every
 * `lateEveryWorkingDays`.
 */
function* everyReminderStep(deadline: Deadline, settings: ReminderSettings, calendar: WorkingCalendar): Generator<ReminderStep, never> {
  const { date: deadlineDate, timeZone } = deadline;
  const step = (id: string, day: string): ReminderStep => {
    const sendAt = zonedInstant(day, settings.sendAt, timeZone);
    return { id, day, sendAt, daysLeft: deadline.daysLeft(sendAt) };
  };
  const before = [...settings.daysBefore].sort((a, b) => b - a).map((n) => step(`before-${n}`, calendar.onOrBefore(addDays(deadlineDate, -n))));
  if (settings.onTheDay) before.push(step('on-day', calendar.onOrBefore(deadlineDate)));
  yield* before.filter((s, i) => !before.slice(i + 1).some((later) => later.day === s.day));

  let day = calendar.addWorkingDays(deadlineDate, 1);
  for (let k = 1; ; k++) {
    yield step(`late-${k}`, day);
    day = calendar.addWorkingDays(day, settings.lateEveryWorkingDays);
  }
}

/** Every reminder step due by `until`, in order. */
export function reminderSteps(deadline: Deadline, settings: ReminderSettings, calendar: WorkingCalendar, until: Date): ReminderStep[] {
  const steps: ReminderStep[] = [];
  for (const step of everyReminderStep(deadline, settings, calendar)) {
    if (step.sendAt.getTime() > until.getTime()) break;
    steps.push(step);
  }
  return steps;
}

/**
 * The step a pass at `now` should send: the latest one already due. A pass that was missed (the app
 * was down at 09:00) therefore catches up once, with the latest step, not with every step it missed.
 */
export function dueReminderStep(deadline: Deadline, settings: ReminderSettings, calendar: WorkingCalendar, now: Date): ReminderStep | undefined {
  return reminderSteps(deadline, settings, calendar, now).at(-1);
}

/**
 * The first step that becomes due after `now`: when the scheduler should next run a pass. There is
 * always one, because late reminders repeat without end; its `sendAt` is a UTC instant, so waiting
 * until it is right across a clock change.
 */
export function nextReminderStep(deadline: Deadline, settings: ReminderSettings, calendar: WorkingCalendar, now: Date): ReminderStep {
  const steps = everyReminderStep(deadline, settings, calendar);
  for (;;) {
    const { value: step } = steps.next();
    if (step.sendAt.getTime() > now.getTime()) return step;
  }
}

/** When an unacknowledged concern is escalated; each entry is one step. */
export interface EscalationSettings {
  urgentAfterMinutes: number[];
  otherAfterWorkingDays: number[];
}

export const DEFAULT_ESCALATION: EscalationSettings = { urgentAfterMinutes: [60], otherAfterWorkingDays: [1] };

export interface EscalationStep {
  id: string;
  dueAt: Date;
  /** Words for the notice: "1 hour", "1 working day". */
  after: string;
}

/** Every escalation step of a concern raised at `raisedAt`, earliest first. */
function escalationSteps(raisedAt: Date, urgent: boolean, settings: EscalationSettings, calendar: WorkingCalendar, timeZone: string): EscalationStep[] {
  const steps: EscalationStep[] = urgent
    ? settings.urgentAfterMinutes.map((m) => ({
        id: `urgent-${m}m`,
        dueAt: new Date(raisedAt.getTime() + m * 60_000),
        after: m % 60 === 0 ? plural(m / 60, 'hour') : plural(m, 'minute'),
      }))
    : settings.otherAfterWorkingDays.map((n) => {
        // Raised on a weekend or bank holiday: the working clock starts at 09:00 on the next working day.
        const raisedDay = localDate(raisedAt, timeZone);
        const working = calendar.isWorkingDay(raisedDay);
        const startDay = working ? raisedDay : calendar.addWorkingDays(raisedDay, 1);
        const time = working ? localTime(raisedAt, timeZone) : '09:00';
        return { id: `working-${n}d`, dueAt: zonedInstant(calendar.addWorkingDays(startDay, n), time, timeZone), after: plural(n, 'working day') };
      });
  return steps.sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime());
}

/**
 * Where a concern raised at `raisedAt` stands at `now`: the escalation step due (the latest one
 * past), and the first step not yet due, when the escalation pass must look at it again. Worked
 * out once for both, as a pass does for every concern it reads.
 */
export function escalationStepsAt(
  raisedAt: Date,
  urgent: boolean,
  settings: EscalationSettings,
  calendar: WorkingCalendar,
  timeZone: string,
  now: Date,
): { due: EscalationStep | undefined; next: EscalationStep | undefined } {
  const steps = escalationSteps(raisedAt, urgent, settings, calendar, timeZone);
  const past = steps.filter((s) => s.dueAt.getTime() <= now.getTime());
  return { due: past.at(-1), next: steps[past.length] };
}

/** The escalation step due at `now` for a concern raised at `raisedAt` (the latest one due), or undefined. */
export const dueEscalationStep = (...at: Parameters<typeof escalationStepsAt>): EscalationStep | undefined => escalationStepsAt(...at).due;

/** The first escalation step not yet due at `now`, or undefined when every step is past. */
export const nextEscalationStep = (...at: Parameters<typeof escalationStepsAt>): EscalationStep | undefined => escalationStepsAt(...at).next;

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}
