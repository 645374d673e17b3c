import type { Clock } from '../domain/clock.js';
import type { Logger } from '../logger.js';
import type { PassItem, ReminderService } from './reminderService.js';

/**
 * Runs the reminder and escalation pass every few minutes. Each pass decides from the clock alone
 * what is due and the ledger makes it exactly once, so a missed or repeated pass is harmless.
 * `housekeeping` runs after it on every tick (copying audit intents left behind by a failure).
 */
export class Scheduler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<PassItem[]> | undefined;

  constructor(
    private readonly reminders: ReminderService,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly intervalMs: number,
    private readonly housekeeping: () => Promise<void> = () => Promise.resolve(),
  ) {}

  start(): void {
    this.tick();
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  private tick(): void {
    if (this.running) return; // a slow pass is not overlapped by the next tick
    const pass = async () => {
      try {
        return await this.reminders.runPass(this.clock.now());
      } finally {
        await this.housekeeping().catch((error: unknown) => this.logger.error('scheduler.housekeeping_failed', { error: String(error).slice(0, 200) }));
      }
    };
    this.running = pass().finally(() => {
      this.running = undefined;
    });
    this.running.then(
      (items) => {
        const sent = items.filter((i) => i.sent);
        if (sent.length) this.logger.info('scheduler.pass', { sent: sent.length, items: sent.map((i) => i.subject) });
      },
      (error: unknown) => this.logger.error('scheduler.pass_failed', { error: String(error).slice(0, 200) }),
    );
  }
}
