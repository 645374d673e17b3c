import { setTimeout as sleep } from 'node:timers/promises';
import type { Clock } from '../domain/clock.js';
import type { UndeliveredReason, WaitingFor } from '../domain/outbox.js';
import type { Logger } from '../logger.js';
import type { OutboxStore, StoredOutboxEntry } from '../storage/outboxStore.js';
import { DEFAULT_RETRY, decideRetry, type RetryOptions } from './retryPolicy.js';

/**
 * Who hears about messages that cannot go out is service work; the dispatcher only reports them.
 * Both are called after the entry's own state is recorded.
 */
export interface DeliveryProblemHandler {
  /** An attempt found the recipient unreachable for now (not installed, channel not linked); `entry.attempts` says which. */
  waiting(entry: StoredOutboxEntry, waitingFor: WaitingFor): Promise<void>;
  /** The message will not be delivered (blocked, gone, or retries used up). */
  undeliverable(entry: StoredOutboxEntry, reason: UndeliveredReason): Promise<void>;
}

/** A failed send, with the connector's HTTP status when there was one. */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly retryAfterMs?: number,
    /** The recipient has not installed the app, or the group has no linked channel yet. */
    readonly waitingFor?: WaitingFor,
  ) {
    super(message);
  }
}

/** Sends one entry to Teams (or finds it superseded); throws DeliveryError on failure. */
export type DeliverEntry = (entry: StoredOutboxEntry) => Promise<{ activityId?: string; superseded?: boolean }>;

export interface DispatcherOptions {
  retry: RetryOptions;
  /** How long a claimed entry is reserved for one attempt before another dispatcher may try again. */
  leaseMs: number;
  /** A send that takes longer is abandoned and retried; shorter than the lease, so no one else sends it meanwhile. */
  sendTimeoutMs: number;
  concurrency: number;
  pollMs: number;
  /** How often to look again for a recipient who has not installed the app (installing wakes it at once). */
  waitForRecipientMs: number;
}

export const DEFAULT_DISPATCHER_OPTIONS: DispatcherOptions = {
  retry: DEFAULT_RETRY,
  leaseMs: 60_000,
  sendTimeoutMs: 25_000,
  concurrency: 4,
  pollMs: 5_000,
  waitForRecipientMs: 60 * 60_000,
};

export interface PassSummary {
  sent: number;
  superseded: number;
  retrying: number;
  waiting: number;
  undeliverable: number;
  failed: number;
  skipped: number;
}

/**
 * Delivers the durable outbox: entries written with the change that caused them are sent after it,
 * with bounded concurrency, retried with backoff on 429 (after Retry-After), 412 and 5xx, never on
 * 403/404. When a message cannot be delivered the coordinators are told through the same outbox.
 * Entries live beside their aggregates in several tables; one dispatcher serves them all.
 */
export class OutboxDispatcher {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<PassSummary> | undefined;
  private rerun = false;

  constructor(
    private readonly stores: OutboxStore[],
    private readonly deliver: DeliverEntry,
    private readonly problems: DeliveryProblemHandler,
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

  /** A recipient became reachable (installed the app, or a channel was linked): try their messages now. */
  async wake(recipient: string): Promise<void> {
    for (const store of this.stores) await store.wake(recipient, this.clock.now());
    this.kick();
  }

  /** One pass over every due entry. Safe to run from several instances at once. */
  async runOnce(): Promise<PassSummary> {
    const summary: PassSummary = { sent: 0, superseded: 0, retrying: 0, waiting: 0, undeliverable: 0, failed: 0, skipped: 0 };
    const now = this.clock.now();
    const queue = (await Promise.all(this.stores.map((store) => store.due(now)))).flat();
    const worker = async () => {
      for (let entry = queue.shift(); entry; entry = queue.shift()) {
        try {
          summary[await this.attempt(entry)] += 1;
        } catch (error) {
          // A storage failure on one entry must not stop the others; the entry's lease expires and it is tried again.
          this.logger.error('outbox.attempt_failed', { kind: entry.kind, owner: entry.ownerId, error: String(error).slice(0, 200) });
          summary.skipped += 1;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.options.concurrency, queue.length) }, worker));
    return summary;
  }

  private storeFor(entry: StoredOutboxEntry): OutboxStore {
    const store = this.stores.find((s) => s.source === entry.source);
    if (!store) throw new Error(`no outbox store for ${entry.source}`);
    return store;
  }

  private async attempt(entry: StoredOutboxEntry): Promise<keyof PassSummary> {
    const store = this.storeFor(entry);
    const now = this.clock.now();
    const etag = await store.claim(entry, new Date(now.getTime() + this.options.leaseMs));
    if (!etag) return 'skipped';
    const claimed = { ...entry, attempts: entry.attempts + 1 };

    let delivered: { activityId?: string; superseded?: boolean } | undefined;
    let failure: unknown;
    try {
      delivered = await this.withTimeout(this.deliver(claimed));
    } catch (error) {
      failure = error;
    }

    if (delivered?.superseded) {
      await this.recordResult(store, claimed, etag, { state: 'superseded' });
      return 'superseded';
    }
    if (delivered) {
      await this.recordResult(store, claimed, etag, { state: 'sent', lastStatus: 200, ...(delivered.activityId ? { activityId: delivered.activityId } : {}) });
      this.logger.info('outbox.sent', { kind: entry.kind, owner: entry.ownerId, attempts: claimed.attempts });
      return 'sent';
    }

    const status = failure instanceof DeliveryError ? failure.status : undefined;
    this.logger.warn('outbox.send_failed', { kind: entry.kind, owner: entry.ownerId, status, attempts: claimed.attempts });
    if (failure instanceof DeliveryError && failure.waitingFor) {
      const nextAttemptAt = new Date(this.clock.now().getTime() + this.options.waitForRecipientMs);
      await this.recordResult(store, claimed, etag, { state: 'pending', nextAttemptAt, lastStatus: 404 });
      const waitingFor = failure.waitingFor;
      await this.report(() => this.problems.waiting(claimed, waitingFor));
      return 'waiting';
    }
    const retryAfterMs = failure instanceof DeliveryError ? failure.retryAfterMs : undefined;
    const decision = decideRetry(status, claimed.attempts, retryAfterMs, this.options.retry);
    if (decision.retry) {
      const nextAttemptAt = new Date(this.clock.now().getTime() + decision.delayMs);
      await this.recordResult(store, claimed, etag, { state: 'pending', nextAttemptAt, ...(status ? { lastStatus: status } : {}) });
      return 'retrying';
    }
    await this.recordResult(store, claimed, etag, { state: decision.outcome, ...(status ? { lastStatus: status } : {}) });
    await this.report(() => this.problems.undeliverable(claimed, status === undefined ? 'network' : `${status}`));
    return decision.outcome;
  }

  private async withTimeout<T>(work: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new DeliveryError('send timed out', undefined)), this.options.sendTimeoutMs);
    });
    try {
      return await Promise.race([work, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Writes an attempt's outcome, retrying a few times: if a delivered message could not be recorded
   * as sent, it would be sent again once the lease runs out.
   */
  private async recordResult(store: OutboxStore, entry: StoredOutboxEntry, etag: string, result: Parameters<OutboxStore['record']>[2]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await store.record(entry, etag, result);
        return;
      } catch (error) {
        if (attempt >= 3) throw error;
        await sleep(200 * attempt);
      }
    }
  }

  /** A message nobody will receive must not go unnoticed: the notices it causes go out in this same pass. */
  private async report(tell: () => Promise<void>): Promise<void> {
    await tell();
    this.rerun = true;
  }
}
