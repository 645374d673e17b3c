import { randomUUID } from 'node:crypto';
import type { TableClient } from '@azure/data-tables';
import type { Logger } from '../logger.js';
import { SendBudgetStore, type SenderRow } from '../storage/sendBudgetStore.js';
import type { BudgetView, TenantBudget } from './budgetShare.js';
import { RateLimiter, TEAMS_CONVERSATION_LIMITS, TEAMS_TENANT_LIMITS, type RateLimiterOptions } from './rateLimiter.js';

export interface SharedBudgetOptions {
  instanceId: string;
  /**
   * How old this instance's idea of the others may get before it sends: how long a pause Teams
   * asked of one instance may take to reach the others, and (with settleMs) how long a newcomer waits.
   */
  refreshMs: number;
  /** How long an instance counts as sending after its last heartbeat (it renews it while it sends). */
  leaseMs: number;
  /**
   * How long sends made at an old, larger share stay in Teams' short windows (2 seconds, and the
   * limiter's margin): a newcomer waits this long after the others have counted it, and an
   * instance that stops still counts for this long, so that old sends and new shares never add up.
   */
  settleMs: number;
  now: () => number;
}

const DEFAULT_SHARED_BUDGET: Omit<SharedBudgetOptions, 'instanceId' | 'now'> = { refreshMs: 500, leaseMs: 15_000, settleMs: 2_100 };

/** Rows of instances gone for longer than this, with no pause in force, are tidied away. */
const FORGET_AFTER_MS = 60 * 60_000;

/**
 * The tenant's sending budget, shared by every instance through a small table instead of one row
 * every send would have to update. Each instance keeps a heartbeat row (renewed every refreshMs
 * while it sends, lapsing some seconds after it stops) and reads the whole partition at the same
 * time: the live rows are the N instances, and it keeps to its share of each limit (the sends of a
 * window dealt out in turn by instance id, so three share 50 as 17, 17 and 16).
 *
 * A newcomer sends nothing until every other instance has re-read the table and counted it, and
 * what they sent at their old, larger share has left Teams' short windows (settleMs); an instance
 * that stops still counts for as long. A 429 is written to the instance's own row as "paused
 * until", and every instance honours the latest pause in the partition. Reads are cached for
 * refreshMs, renewed in the background half-way through, so a send waits on storage only when the
 * instance has been idle.
 *
 * Underuse is possible: an instance that has just gone quiet still counts until its lease lapses.
 * Overuse only in one rare case: the 30-second and hourly per-conversation windows are longer than
 * settleMs, so a conversation already near one of those limits when instances come or go can go
 * over it; Teams' 429 then pauses everyone, and the message is sent again after.
 */
export class SharedTenantBudget implements TenantBudget {
  private current: (BudgetView & { readAt: number }) | undefined;
  private refreshing: Promise<BudgetView> | undefined;
  /** Until when our own row counts as live, as last written. */
  private liveUntil = 0;
  private pausedUntil = 0;
  private pauseWrites: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: SendBudgetStore,
    private readonly options: SharedBudgetOptions,
  ) {}

  async view(): Promise<BudgetView> {
    const age = this.current ? this.options.now() - this.current.readAt : Infinity;
    if (age >= this.options.refreshMs / 2) {
      const refreshing = (this.refreshing ??= this.refresh().finally(() => (this.refreshing = undefined)));
      if (age >= this.options.refreshMs || !this.current) return refreshing;
      refreshing.catch(() => undefined); // a failed background read is retried, and awaited, by the next send
    }
    return this.current!;
  }

  async pause(until: number): Promise<void> {
    if (until <= this.pausedUntil) return;
    this.pausedUntil = until;
    if (this.current) this.current.pausedUntil = Math.max(this.current.pausedUntil, until);
    // Written one after another, so that an earlier pause never lands after (and over) a later one.
    const write = this.pauseWrites.then(() => this.store.pause(this.options.instanceId, new Date(this.pausedUntil)));
    this.pauseWrites = write.catch(() => undefined);
    await write;
  }

  async close(): Promise<void> {
    await this.pauseWrites;
    if (this.liveUntil > this.options.now()) await this.store.leave(this.options.instanceId, new Date(this.options.now() + this.options.settleMs));
    this.liveUntil = 0;
    this.current = undefined;
  }

  private async refresh(): Promise<BudgetView> {
    const { instanceId, leaseMs, refreshMs, now } = this.options;
    const started = now();
    const rows = await this.store.heartbeat(instanceId, new Date(started + leaseMs));
    const done = now();
    const live = [...new Set([instanceId, ...rows.filter((row) => row.expiresAt.getTime() > done).map((row) => row.instanceId)])].sort();
    const others = live.length - 1;
    const joining = started >= this.liveUntil;
    this.liveUntil = started + leaseMs;
    this.pausedUntil = Math.max(this.pausedUntil, ...rows.map((row) => row.pausedUntil?.getTime() ?? 0));
    const view = {
      instances: live.length,
      rank: live.indexOf(instanceId),
      pausedUntil: this.pausedUntil,
      // Every other instance sends on a read begun less than refreshMs before: from then on, one that counts us.
      notBefore: joining && others > 0 ? done + refreshMs + this.options.settleMs : (this.current?.notBefore ?? 0),
      readAt: started,
    };
    this.current = view;
    await this.forgetLongGone(rows, done);
    return view;
  }

  private async forgetLongGone(rows: SenderRow[], at: number): Promise<void> {
    const gone = rows.filter((row) => Math.max(row.expiresAt.getTime(), row.pausedUntil?.getTime() ?? 0) < at - FORGET_AFTER_MS);
    for (const row of gone) await this.store.remove(row);
  }
}

/**
 * The rate limiter of one running instance of the app, sharing the tenant's budget with the
 * others through the `sendbudget` table.
 */
export function sharedRateLimiter(
  table: TableClient,
  logger: Logger | undefined,
  options: Partial<SharedBudgetOptions> & Partial<Omit<RateLimiterOptions, 'budget'>> = {},
): RateLimiter {
  const now = options.now ?? (() => Date.now());
  const budget = new SharedTenantBudget(new SendBudgetStore(table), { ...DEFAULT_SHARED_BUDGET, instanceId: randomUUID(), now, ...options });
  return new RateLimiter(TEAMS_CONVERSATION_LIMITS, TEAMS_TENANT_LIMITS, { ...(logger ? { logger } : {}), ...options, now, budget });
}
