import type { Clock } from '../domain/clock.js';
import type { Logger } from '../logger.js';
import type { PassItem, ReminderService } from './reminderService.js';

/**
 * Runs the reminder and escalation pass every few minutes. Each pass decides from the clock alone
 * what is due and the ledger makes it exactly once, so a missed or repeated pass is harmless.
 */
export class Scheduler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<PassItem[]> | undefined;

  constructor(
    private readonly reminders: ReminderService,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly intervalMs: number,
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
    this.running = this.reminders.runPass(this.clock.now()).finally(() => {
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
