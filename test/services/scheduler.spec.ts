import assert from 'node:assert/strict';
import sinon from 'sinon';
import type { Logger } from '../../src/logger.js';
import type { PassItem, ReminderService } from '../../src/services/reminderService.js';
import { Scheduler } from '../../src/services/scheduler.js';

const INTERVAL = 5 * 60_000;

/** Stands in for the reminder service: records each pass and lets the test decide when it ends and how. */
class FakeReminders {
  readonly passes: { at: Date; finish: (items: PassItem[]) => void; fail: (error: Error) => void; done: boolean }[] = [];
  running = 0;
  mostAtOnce = 0;

  runPass(now: Date): Promise<PassItem[]> {
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
    scheduler = new Scheduler(reminders as unknown as ReminderService, { now: () => new Date() }, logger, INTERVAL);
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
    const withHousekeeping = new Scheduler(reminders as unknown as ReminderService, { now: () => new Date() }, logger, INTERVAL, () => {
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
});
