import type { Clock } from '../domain/clock.js';
import type { Logger } from '../logger.js';
import type { OutboxStore, StoredOutboxEntry } from '../storage/outboxStore.js';
import { newOutboxEntry } from './outboxEntry.js';
import { DEFAULT_RETRY, decideRetry, type RetryOptions } from './retryPolicy.js';

/** A failed send, with the connector's HTTP status when there was one. */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** Sends one entry to Teams; throws DeliveryError on failure. */
export type DeliverEntry = (entry: StoredOutboxEntry) => Promise<{ activityId?: string }>;

export interface DispatcherOptions {
  retry: RetryOptions;
  /** How long a claimed entry is reserved for one attempt before another dispatcher may try again. */
  leaseMs: number;
  concurrency: number;
  pollMs: number;
}

export const DEFAULT_DISPATCHER_OPTIONS: DispatcherOptions = { retry: DEFAULT_RETRY, leaseMs: 60_000, concurrency: 4, pollMs: 5_000 };

export interface PassSummary {
  sent: number;
  retrying: number;
  undeliverable: number;
  failed: number;
  skipped: number;
}

/**
 * Delivers the durable outbox: entries written with the change that caused them are sent after it,
 * with bounded concurrency, retried with backoff on 429 (after Retry-After), 412 and 5xx, never on
 * 403/404. When a message cannot be delivered the coordinators are told through the same outbox.
 */
export class OutboxDispatcher {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<PassSummary> | undefined;
  private rerun = false;

  constructor(
    private readonly store: OutboxStore,
    private readonly deliver: DeliverEntry,
    private readonly coordinatorIds: () => string[],
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly options: DispatcherOptions = DEFAULT_DISPATCHER_OPTIONS,
  ) {}

  /** Polls for due entries until stop(); delivers what was pending before a restart straight away. */
  start(): void {
    this.kick();
    this.timer = setInterval(() => this.kick(), this.options.pollMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.idle();
  }

  /** Asks for a pass soon (after a write); passes never overlap within one dispatcher. */
  kick(): void {
    if (this.running) {
      this.rerun = true;
      return;
    }
    this.running = this.runOnce().finally(() => {
      this.running = undefined;
      if (this.rerun) {
        this.rerun = false;
        this.kick();
      }
    });
    this.running.catch((error: unknown) => this.logger.error('outbox.pass_failed', { error: String(error) }));
  }

  /** Resolves when no pass is running or queued: for tests and for a clean shutdown. */
  async idle(): Promise<void> {
    while (this.running) await this.running.catch(() => undefined);
  }

  /** One pass over every due entry. Safe to run from several instances at once. */
  async runOnce(): Promise<PassSummary> {
    const summary: PassSummary = { sent: 0, retrying: 0, undeliverable: 0, failed: 0, skipped: 0 };
    const queue = await this.store.due(this.clock.now());
    const worker = async () => {
      for (let entry = queue.shift(); entry; entry = queue.shift()) summary[await this.attempt(entry)] += 1;
    };
    await Promise.all(Array.from({ length: Math.min(this.options.concurrency, queue.length) }, worker));
    return summary;
  }

  private async attempt(entry: StoredOutboxEntry): Promise<keyof PassSummary> {
    const now = this.clock.now();
    const etag = await this.store.claim(entry, new Date(now.getTime() + this.options.leaseMs));
    if (!etag) return 'skipped';
    const claimed = { ...entry, attempts: entry.attempts + 1 };
    try {
      const { activityId } = await this.deliver(claimed);
      await this.store.record(claimed, etag, { state: 'sent', lastStatus: 200, ...(activityId ? { activityId } : {}) });
      this.logger.info('outbox.sent', { kind: entry.kind, owner: entry.ownerId, attempts: claimed.attempts });
      return 'sent';
    } catch (error) {
      const status = error instanceof DeliveryError ? error.status : undefined;
      const retryAfterMs = error instanceof DeliveryError ? error.retryAfterMs : undefined;
      const decision = decideRetry(status, claimed.attempts, retryAfterMs, this.options.retry);
      this.logger.warn('outbox.send_failed', { kind: entry.kind, owner: entry.ownerId, status, attempts: claimed.attempts });
      if (decision.retry) {
        const nextAttemptAt = new Date(this.clock.now().getTime() + decision.delayMs);
        await this.store.record(claimed, etag, { state: 'pending', nextAttemptAt, ...(status ? { lastStatus: status } : {}) });
        return 'retrying';
      }
      await this.store.record(claimed, etag, { state: decision.outcome, ...(status ? { lastStatus: status } : {}) });
      await this.tellCoordinators(claimed, status);
      return decision.outcome;
    }
  }

  /** A message nobody will receive must not go unnoticed: the coordinators get a notice. */
  private async tellCoordinators(entry: StoredOutboxEntry, status: number | undefined): Promise<void> {
    if (entry.kind === 'coordinatorNotice') return; // no notice about a notice: it could loop
    const about = `${entry.kind}|${entry.recipient}|${status ?? 'network'}`;
    const notices = this.coordinatorIds().map((id) => newOutboxEntry('coordinatorNotice', id, entry.revision, this.clock.now(), about));
    await this.store.add(entry.ownerId, notices);
    this.rerun = true;
  }
}
