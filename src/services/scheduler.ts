import type { Clock } from '../domain/clock.js';
import type { Logger } from '../logger.js';
import type { PassItem, ReminderService } from './reminderService.js';

/** Node's setTimeout fires at once (with a warning) for longer delays, so a longer wait is made of such pieces. */
const LONGEST_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * Runs the reminder and escalation pass on a steady poll (escalations fall due at any minute, and
 * the poll is the backstop) and, besides, at the instant the next reminder step falls due, so
 * reminders go out at 09:00 rather than at the next poll. Each pass decides from the clock alone
 * what is due and the ledger makes it exactly once, so a missed, early or repeated pass is harmless.
 * `housekeeping` runs after every pass (copying audit intents left behind by a failure, the daily
 * retention pass).
 */
export class Scheduler {
  private poll: NodeJS.Timeout | undefined;
  private nextReminder: NodeJS.Timeout | undefined;
  private running: Promise<PassItem[]> | undefined;
  private stopped = false;

  constructor(
    private readonly reminders: Pick<ReminderService, 'runPass' | 'nextReminderDue'>,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly intervalMs: number,
    private readonly housekeeping: () => Promise<void> = () => Promise.resolve(),
  ) {}

  start(): void {
    this.stopped = false;
    this.tick();
    this.poll = setInterval(() => this.tick(), this.intervalMs);
    this.poll.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.poll);
    clearTimeout(this.nextReminder);
    this.poll = this.nextReminder = undefined;
    await this.running?.catch(() => undefined);
  }

  private tick(): void {
    if (this.running) return; // a slow pass is not overlapped; the pass after it catches up from the clock
    const now = this.clock.now();
    const pass = async () => {
      try {
        return await this.reminders.runPass(now);
      } finally {
        await this.housekeeping().catch((error: unknown) => this.logger.error('scheduler.housekeeping_failed', { error: String(error).slice(0, 200) }));
      }
    };
    this.running = pass().finally(() => {
      this.running = undefined;
      // From the instant this pass decided at: a step that fell due while it ran (or while the timer
      // waited behind it) is already past, so the timer fires at once and the next pass sends it.
      if (!this.stopped) this.waitUntil(this.reminders.nextReminderDue(now));
    });
    this.running.then(
      (items) => {
        const sent = items.filter((i) => i.sent);
        if (sent.length) this.logger.info('scheduler.pass', { sent: sent.length, items: sent.map((i) => i.subject) });
      },
      (error: unknown) => this.logger.error('scheduler.pass_failed', { error: String(error).slice(0, 200) }),
    );
  }

  /** A timer for `due`, measured against the clock each time it is set, so a long wait is made of pieces. */
  private waitUntil(due: Date): void {
    clearTimeout(this.nextReminder);
    const wait = Math.max(0, due.getTime() - this.clock.now().getTime());
    this.nextReminder = wait > LONGEST_TIMEOUT_MS ? setTimeout(() => this.waitUntil(due), LONGEST_TIMEOUT_MS) : setTimeout(() => this.tick(), wait);
    this.nextReminder.unref();
  }
}
