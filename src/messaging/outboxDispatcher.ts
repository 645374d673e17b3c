import { setTimeout as sleep } from 'node:timers/promises';
import type { Clock } from '../domain/clock.js';
import type { Logger } from '../logger.js';
import type { AttemptResult, Claim, OutboxStore, StoredOutboxEntry } from '../storage/outboxStore.js';
import { DeliveryError, type DeliverEntry, type DeliveryProblemHandler } from './delivery.js';
import { dueInTurns } from './dueInTurns.js';
import { RateLimited } from './rateLimiter.js';
import { RecipientHolds } from './recipientHolds.js';
import { withinTimeout } from './sendTimeout.js';
import { DEFAULT_RETRY, decideRetry, type RetryOptions } from './retryPolicy.js';

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
  /**
   * On shutdown, how long sends under way may take to finish before their claims are released.
   * App Service allows a stopping container a few seconds, so this is short.
   */
  drainMs: number;
}

export const DEFAULT_DISPATCHER_OPTIONS: DispatcherOptions = {
  retry: DEFAULT_RETRY,
  leaseMs: 60_000,
  sendTimeoutMs: 25_000,
  concurrency: 16, // sends under way at once; the rate limiter sets the pace (50 a second at ~200 ms a send needs 10 or more)
  pollMs: 5_000,
  waitForRecipientMs: 60 * 60_000,
  drainMs: 5_000,
};

/**
 * What a pass did with the entries it read. Released: abandoned at shutdown, due again at once.
 * Held back: by the rate limits (or a pause Teams asked for), due again when they allow.
 */
export type PassSummary = Record<'sent' | 'superseded' | 'retrying' | 'waiting' | 'undeliverable' | 'failed' | 'skipped' | 'released' | 'heldBack', number>;

const NOTHING_YET: PassSummary = { sent: 0, superseded: 0, retrying: 0, waiting: 0, undeliverable: 0, failed: 0, skipped: 0, released: 0, heldBack: 0 };

/** A send given up because the app is stopping. */
class Abandoned extends Error {}

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
  private stopping = false;
  /** Recipients (or everyone) the rate limits hold back: their entries wait untouched until then. */
  private readonly holds = new RecipientHolds(() => this.clock.now().getTime(), () => this.kick()); // prettier-ignore
  /** Rejects when the drain time is up: every send still under way is abandoned and its claim released. */
  private abandoned!: Promise<never>;
  private abandonSends!: () => void;

  constructor(
    private readonly stores: OutboxStore[],
    private readonly deliver: DeliverEntry,
    private readonly problems: DeliveryProblemHandler,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly options: DispatcherOptions = DEFAULT_DISPATCHER_OPTIONS,
  ) {
    this.armAbandon();
  }

  private armAbandon(): void {
    this.abandoned = new Promise<never>((_, reject) => {
      this.abandonSends = () => reject(new Abandoned('shutting down'));
    });
    this.abandoned.catch(() => undefined); // only ever raced, never awaited alone
  }

  /** Polls for due entries until stop(); delivers what was pending before a restart straight away. */
  start(): void {
    if (this.stopping) {
      this.stopping = false;
      this.armAbandon();
    }
    this.kick();
    this.timer = setInterval(() => this.kick(), this.options.pollMs);
    this.timer.unref();
  }

  /**
   * Stops cleanly: no new entry is started, sends under way get `drainMs` to finish and be recorded,
   * and any still going after that are abandoned with their claims released, so that another
   * instance sends them at once instead of waiting for the lease to run out.
   */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.holds.stop();
    this.timer = undefined;
    this.stopping = true;
    const timer = setTimeout(() => this.abandonSends(), this.options.drainMs);
    try {
      await this.idle();
    } finally {
      clearTimeout(timer);
    }
  }

  /** Asks for a pass soon (after a write); passes never overlap within one dispatcher. */
  kick(): void {
    if (this.stopping) return;
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

  /** One pass over every due entry, after any a write asked for (the summary counts them all). Safe to run from several instances at once. */
  async runOnce(): Promise<PassSummary> {
    const summary: PassSummary = { ...NOTHING_YET };
    // Passes never overlap within one dispatcher: any under way (a write asked for it) is waited for, and counted here.
    for (let under = this.running; under; under = this.running) {
      for (const [key, count] of Object.entries((await under.catch(() => undefined)) ?? {})) summary[key as keyof PassSummary] += count;
    }
    const now = this.clock.now();
    const { queue, more } = await dueInTurns(this.stores, now, (recipient) => this.holds.isHeld(recipient));
    const read = queue.length;
    let held = 0;
    const worker = async () => {
      for (let entry = queue.shift(); entry && !this.stopping; entry = queue.shift()) {
        if (this.holds.isHeld(entry.recipient)) {
          held += 1;
          continue;
        }
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
    summary.heldBack += held;
    // More are due than one pass reads: the next pass follows at once, unless all it read are held (their hold's end asks for one).
    if (more && held < read) this.rerun = true;
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
    const claim = await store.claim(entry, new Date(now.getTime() + this.options.leaseMs));
    if (!claim) return 'skipped';
    const claimed = { ...entry, attempts: entry.attempts + 1 };

    let delivered: { activityId?: string; superseded?: boolean } | undefined;
    let failure: unknown;
    try {
      delivered = await withinTimeout(this.deliver(claimed), this.options.sendTimeoutMs, this.abandoned);
    } catch (error) {
      failure = error;
    }
    if (failure instanceof Abandoned || failure instanceof RateLimited) {
      // Given back with the attempt not counted: abandoned at shutdown (due at once), or held back by the rate limits, unsent (due when they allow).
      const heldBack = failure instanceof RateLimited ? failure.waitMs : undefined;
      if (failure instanceof RateLimited) this.holds.hold(failure.conversationOnly ? entry.recipient : undefined, failure.waitMs);
      await store.release(entry, claim, new Date(this.clock.now().getTime() + (heldBack ?? 0)));
      if (heldBack === undefined) this.logger.info('outbox.released', { kind: entry.kind, owner: entry.ownerId });
      else this.logger.warn('outbox.held_back', { kind: entry.kind, owner: entry.ownerId, reason: failure.message, waitMs: heldBack });
      return heldBack === undefined ? 'released' : 'heldBack';
    }

    if (delivered?.superseded) {
      await this.recordResult(store, claimed, claim, { state: 'superseded' });
      return 'superseded';
    }
    if (delivered) {
      await this.recordResult(store, claimed, claim, { state: 'sent', lastStatus: 200, ...(delivered.activityId ? { activityId: delivered.activityId } : {}) });
      this.logger.info('outbox.sent', { kind: entry.kind, owner: entry.ownerId, attempts: claimed.attempts });
      return 'sent';
    }

    const status = failure instanceof DeliveryError ? failure.status : undefined;
    this.logger.warn('outbox.send_failed', { kind: entry.kind, owner: entry.ownerId, status, attempts: claimed.attempts });
    if (failure instanceof DeliveryError && failure.waitingFor) {
      const nextAttemptAt = new Date(this.clock.now().getTime() + this.options.waitForRecipientMs);
      await this.recordResult(store, claimed, claim, { state: 'pending', nextAttemptAt, lastStatus: 404 });
      const waitingFor = failure.waitingFor;
      await this.report(() => this.problems.waiting(claimed, waitingFor));
      return 'waiting';
    }
    const retryAfterMs = failure instanceof DeliveryError ? failure.retryAfterMs : undefined;
    const decision = decideRetry(status, claimed.attempts, retryAfterMs, this.options.retry);
    if (decision.retry) {
      // Throttling is what operators need to see: the wait Teams asked for (or ours) is in the warning.
      if (status === 429) this.logger.warn('outbox.throttled', { kind: entry.kind, owner: entry.ownerId, retryAfterMs, waitMs: decision.delayMs });
      const nextAttemptAt = new Date(this.clock.now().getTime() + decision.delayMs);
      await this.recordResult(store, claimed, claim, { state: 'pending', nextAttemptAt, ...(status ? { lastStatus: status } : {}) });
      return 'retrying';
    }
    await this.recordResult(store, claimed, claim, { state: decision.outcome, ...(status ? { lastStatus: status } : {}) });
    await this.report(() => this.problems.undeliverable(claimed, status === undefined ? 'network' : `${status}`));
    return decision.outcome;
  }

  /**
   * Writes an attempt's outcome, retrying a few times: if a delivered message could not be recorded
   * as sent, it would be sent again once the lease runs out.
   */
  private async recordResult(store: OutboxStore, entry: StoredOutboxEntry, claim: Claim, result: AttemptResult): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await store.record(entry, claim, result);
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
