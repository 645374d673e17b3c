import assert from 'node:assert/strict';
import sinon from 'sinon';
import { englandAndWalesBankHolidays } from '../../src/domain/bankHolidays.js';
import { WorkingCalendar } from '../../src/domain/calendar.js';
import { Deadline } from '../../src/domain/deadline.js';
import { DEFAULT_REMINDERS, dueReminderStep, nextReminderStep } from '../../src/domain/schedule.js';
import type { Logger } from '../../src/logger.js';
import type { PassItem } from '../../src/services/reminderService.js';
import { Scheduler } from '../../src/services/scheduler.js';

const INTERVAL = 5 * 60_000;
const calendar = new WorkingCalendar(englandAndWalesBankHolidays([2027, 2028]));

/**
 * Stands in for the reminder service, on the real reminder schedule: records each pass and lets the
 * test decide when it ends and how (or ends each one at once).
 */
class FakeReminders {
  readonly passes: { at: Date; finish: (items: PassItem[]) => void; fail: (error: Error) => void; done: boolean }[] = [];
  running = 0;
  mostAtOnce = 0;

  constructor(
    private readonly deadline = new Deadline('2027-07-02', 'Europe/London'),
    private readonly endAtOnce = false,
  ) {}

  nextReminderDue(now: Date): Date {
    return nextReminderStep(this.deadline, DEFAULT_REMINDERS, calendar, now).sendAt;
  }

  /** When the first pass that would send reminder step `id` ran: the instant the reminders go out. */
  firstPassSending(id: string): string | undefined {
    return this.passes.find((p) => dueReminderStep(this.deadline, DEFAULT_REMINDERS, calendar, p.at)?.id === id)?.at.toISOString();
  }

  runPass(now: Date): Promise<PassItem[]> {
    if (this.endAtOnce) {
      this.passes.push({ at: now, finish: () => undefined, fail: () => undefined, done: true });
      return Promise.resolve([]);
    }
    this.running += 1;
    this.mostAtOnce = Math.max(this.mostAtOnce, this.running);
    return new Promise<PassItem[]>((resolve, reject) => {
      const pass = {
        at: now,
        done: false,
        finish: (items: PassItem[]) => end(() => resolve(items)),
        fail: (error: Error) => end(() => reject(error)),
      };
      const end = (settle: () => void) => {
        pass.done = true;
        this.running -= 1;
        settle();
      };
      this.passes.push(pass);
    });
  }

  /** Ends the pass under way with nothing to send. */
  finishLatest(items: PassItem[] = []): void {
    this.passes.at(-1)!.finish(items);
  }
}

class MemoryLogger implements Logger {
  readonly lines: { level: string; event: string; fields?: Record<string, unknown> }[] = [];
  info(event: string, fields?: Record<string, unknown>) {
    this.lines.push({ level: 'info', event, fields });
  }
  warn(event: string, fields?: Record<string, unknown>) {
    this.lines.push({ level: 'warn', event, fields });
  }
  error(event: string, fields?: Record<string, unknown>) {
    this.lines.push({ level: 'error', event, fields });
  }
}

describe('the reminder scheduler', () => {
  let clock: sinon.SinonFakeTimers;
  let reminders: FakeReminders;
  let logger: MemoryLogger;
  let scheduler: Scheduler;
  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: new Date('2027-07-02T08:00:00Z') });
    reminders = new FakeReminders();
    logger = new MemoryLogger();
    scheduler = new Scheduler(reminders, { now: () => new Date() }, logger, INTERVAL);
  });
  afterEach(async () => {
    for (const pass of reminders.passes) if (!pass.done) pass.finish([]);
    await scheduler.stop();
    clock.restore();
  });

  it("when started, then a pass runs at once and then once every interval, each at the clock's time", async () => {
    scheduler.start();
    assert.equal(reminders.passes.length, 1, 'a pass at start');
    reminders.finishLatest();
    await clock.tickAsync(INTERVAL - 1);
    assert.equal(reminders.passes.length, 1, 'none before the interval is up');
    await clock.tickAsync(1);
    assert.equal(reminders.passes.length, 2);
    reminders.finishLatest();
    await clock.tickAsync(INTERVAL);
    assert.deepEqual(
      reminders.passes.map((p) => p.at.toISOString()),
      ['2027-07-02T08:00:00.000Z', '2027-07-02T08:05:00.000Z', '2027-07-02T08:10:00.000Z'],
    );
  });

  it('when a pass takes longer than the interval, then no second pass starts alongside it, and the next tick after it ends runs one', async () => {
    scheduler.start();
    await clock.tickAsync(3 * INTERVAL);
    assert.equal(reminders.passes.length, 1, 'three ticks came while the first pass was still running');
    reminders.finishLatest();
    await clock.tickAsync(INTERVAL);
    assert.equal(reminders.passes.length, 2);
    assert.equal(reminders.mostAtOnce, 1, 'never two passes at once');
  });

  it('when stopped during a pass, then stop waits for that pass to end, and no pass runs afterwards', async () => {
    scheduler.start();
    let stopped = false;
    const stopping = scheduler.stop().then(() => {
      stopped = true;
    });
    await clock.tickAsync(INTERVAL);
    assert.equal(stopped, false, 'stop is still waiting for the pass under way');
    reminders.finishLatest();
    await stopping;
    assert.equal(reminders.passes[0]!.done, true);
    assert.equal(clock.countTimers(), 0, 'no timer left behind, not even for the next reminder');
    await clock.tickAsync(10 * INTERVAL);
    assert.equal(reminders.passes.length, 1, 'no pass after stop');
  });

  it('when a pass fails, then the failure is logged as an error and the next tick still runs a pass', async () => {
    scheduler.start();
    reminders.passes[0]!.fail(new Error('Table storage unavailable'));
    await clock.tickAsync(0);
    assert.deepEqual(
      logger.lines.map((l) => [l.level, l.event]),
      [['error', 'scheduler.pass_failed']],
    );
    assert.match(String(logger.lines[0]!.fields?.error), /Table storage unavailable/);
    await clock.tickAsync(INTERVAL);
    assert.equal(reminders.passes.length, 2, 'the next tick ran a pass');
    reminders.finishLatest([{ what: 'reminder', subject: 'housing strategy before-7', recipients: ['aad-1'], sent: true }]);
    await clock.tickAsync(0);
    assert.deepEqual(logger.lines.at(-1), { level: 'info', event: 'scheduler.pass', fields: { sent: 1, items: ['housing strategy before-7'] } });
  });

  it('when a pass ends, even by failing, then the housekeeping (audit recovery) runs after it, and its failure is logged', async () => {
    const housekeeping: string[] = [];
    let failHousekeeping = false;
    const withHousekeeping = new Scheduler(reminders, { now: () => new Date() }, logger, INTERVAL, () => {
      housekeeping.push(`after pass ${reminders.passes.length}`);
      return failHousekeeping ? Promise.reject(new Error('audit table unavailable')) : Promise.resolve();
    });
    withHousekeeping.start();
    assert.deepEqual(housekeeping, [], 'not before the pass ends');
    reminders.finishLatest();
    await clock.tickAsync(0);
    assert.deepEqual(housekeeping, ['after pass 1']);
    failHousekeeping = true;
    await clock.tickAsync(INTERVAL);
    reminders.passes[1]!.fail(new Error('Table storage unavailable'));
    await clock.tickAsync(0);
    assert.deepEqual(housekeeping, ['after pass 1', 'after pass 2']);
    assert.deepEqual(
      logger.lines.map((l) => l.event),
      ['scheduler.housekeeping_failed', 'scheduler.pass_failed'],
    );
    await withHousekeeping.stop();
  });
  describe('at the instant the next reminder step falls due', () => {
    /** A scheduler on the real schedule for `deadline`, whose passes end at once, started at `startAt`. */
    const startAt = (startAt: string, { deadline = '2027-07-02', poll = INTERVAL } = {}) => {
      clock.setSystemTime(new Date(startAt));
      reminders = new FakeReminders(new Deadline(deadline, 'Europe/London'), true);
      scheduler = new Scheduler(reminders, { now: () => new Date() }, logger, poll);
      scheduler.start();
    };

    it('when it is 08:59:30 on a reminder day, then the pass that sends it runs at 09:00:00, not at the next 5-minute poll', async () => {
      startAt('2027-06-18T07:59:30Z'); // 08:59:30 BST, 14 days before the deadline
      await clock.tickAsync(60_000);
      assert.equal(reminders.firstPassSending('before-14'), '2027-06-18T08:00:00.000Z');
    });

    it("when the clocks go back over the weekend, then Monday's reminder goes at 09:00 GMT (09:00 UTC), not an hour early", async () => {
      // Deadline Monday 15 November 2027: 14 days before is Monday 1 November, after GMT returns on Sunday 31 October.
      startAt('2027-10-29T11:58:20Z', { deadline: '2027-11-15', poll: 3_600_000 }); // hourly polls, at minute 58:20
      await clock.tickAsync(3 * 24 * 3_600_000);
      assert.equal(reminders.firstPassSending('before-14'), '2027-11-01T09:00:00.000Z');
    });

    it('when the next step is months away (beyond the longest Node timer), then passes run on the (daily) poll only, and one runs at its instant', async () => {
      startAt('2027-04-01T11:58:20Z', { poll: 24 * 3_600_000 });
      await clock.tickAsync(10_000);
      assert.equal(reminders.passes.length, 1, 'no passes back to back from an overflowing timer');
      await clock.tickAsync(Date.parse('2027-06-18T08:00:30Z') - Date.now());
      assert.equal(reminders.firstPassSending('before-14'), '2027-06-18T08:00:00.000Z');
    });

    it('when the machine sleeps through 09:00, then the pass on waking decides from the clock and still sends that step', async () => {
      startAt('2027-06-18T07:59:30Z');
      await clock.tickAsync(0); // the timer for 09:00 is set, 30 s away
      clock.setSystemTime(new Date('2027-06-18T08:20:00Z')); // asleep: the wall clock moved on, no timer fired
      await clock.tickAsync(30_000);
      assert.equal(reminders.firstPassSending('before-14'), '2027-06-18T08:20:30.000Z');
    });

    it('when stopped, then no timer is left behind', async () => {
      startAt('2027-06-18T07:59:30Z');
      await clock.tickAsync(0);
      assert.equal(clock.countTimers(), 2, 'the poll and the timer for 09:00');
      await scheduler.stop();
      assert.equal(clock.countTimers(), 0);
    });
  });

  it('when a step falls due while a slow pass is under way, then a pass runs as soon as that one ends, not at the next poll', async () => {
    clock.setSystemTime(new Date('2027-06-18T07:59:30Z'));
    scheduler.start();
    await clock.tickAsync(2 * 60_000); // the pass started at 08:59:30 is still running at 09:00
    reminders.finishLatest();
    await clock.tickAsync(0);
    assert.equal(reminders.firstPassSending('before-14'), '2027-06-18T08:01:30.000Z');
    assert.equal(reminders.mostAtOnce, 1);
  });
});
