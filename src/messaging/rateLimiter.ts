import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../logger.js';
import { LoneInstance, shareOf, type Place, type RateLimit, type TenantBudget } from './budgetShare.js';
import { ConnectorWatch } from './connectorWatch.js';
import { parseRetryAfter } from './retryPolicy.js';

export type { RateLimit } from './budgetShare.js';

/** Teams' limits per bot per conversation (PRODUCT.md): all of them hold at once. */
export const TEAMS_CONVERSATION_LIMITS: RateLimit[] = [
  { count: 7, windowMs: 1_000 },
  { count: 8, windowMs: 2_000 },
  { count: 60, windowMs: 30_000 },
  { count: 1_800, windowMs: 60 * 60_000 },
];
/** Teams' limit per app per tenant: one budget for every instance of the app together. */
export const TEAMS_TENANT_LIMITS: RateLimit[] = [{ count: 50, windowMs: 1_000 }];

/** How long a stall of the event loop widens the margin: long enough for sends delayed by it to leave every short window. */
const LAG_MEMORY_MS = 2_100;
/**
 * The least margin on a conversation's windows. One conversation's sends are few and bursty, so
 * their arrival at Teams jitters by more than the tenant's evenly paced stream does (a loaded
 * machine once delivered 8 within Teams' 2 seconds with the tenant's 75 ms): a wider margin here
 * costs little, as a conversation seldom gets 7 messages a second.
 */
const CONVERSATION_MARGIN_MS = 300;
/** When a 429 comes without Retry-After (Teams says it always has one), everyone waits this long. */
const PAUSE_WITHOUT_RETRY_AFTER_MS = 2_000;

export interface RateLimiterOptions {
  budget: TenantBudget;
  /**
   * Added to every window: a send reaches Teams a little sooner or later than it left, so windows
   * measured here exactly would sometimes be one send over at Teams. While this process's event
   * loop is being held up for longer (a wait that should have ended fired that late), that delay is
   * the margin: sends decided just before a stall leave after it, bunched with the next ones.
   */
  marginMs: number;
  /**
   * A send that would wait longer is not held (the outbox would time it out): RateLimited is thrown
   * and the entry is given back, due when the wait is over.
   */
  maxWaitMs: number;
  now: () => number;
  logger?: Logger;
}

/** A send under way: what was counted for it and has not yet been seen leaving, oldest first. */
interface Send {
  counted: { conversationId: string; at: number }[];
}

/** The send may not go for `waitMs`; nothing was sent. */
export class RateLimited extends Error {
  constructor(
    readonly waitMs: number,
    reason: string,
  ) {
    super(reason);
  }

  /** Only this conversation must wait; sends elsewhere may go. */
  get conversationOnly(): boolean {
    return this.message === CONVERSATION_LIMIT;
  }
}

const CONVERSATION_LIMIT = 'conversation limit';

/**
 * Keeps sends within Teams' limits. Per conversation, the sliding windows are kept in this process:
 * the outbox lets any instance claim any entry, so with N instances each keeps to its share (about
 * 1/N) of each conversation limit: safe without sharing state per conversation, and a burst to one
 * conversation is only a little slower. The tenant limit is shared the same way, with N read from
 * storage, and this instance's share is paced evenly rather than sent in bursts, so that sends from
 * several instances do not bunch up at Teams. A 429 from Teams (seen by the ConnectorWatch, even
 * when the SDK retries it itself) pauses every instance until Retry-After.
 */
export class RateLimiter {
  private readonly options: RateLimiterOptions;
  private readonly sent = new Map<string, number[]>();
  /** This instance's sends to any conversation, for its part of the tenant limit. */
  private tenantSent: number[] = [];
  /**
   * When the next evenly spaced send is due: a theoretical time (GCRA), moved on by one interval
   * per send, so a timer that fires a little late is made up rather than carried into every send after.
   */
  private nextSlot = -Infinity;
  private lastSweep = 0;
  /** The longest recent delay of this process's event loop, and when it was seen. */
  private lag = { ms: 0, at: -Infinity };
  /** The budget as last seen, for counting a send the SDK makes by itself. */
  private lastPlace: Place = { instances: 1, rank: 0 };
  private readonly watcher = new ConnectorWatch<Send>({
    requestStarted: (send, conversationId) => this.left(send, conversationId),
    throttled: (send, retryAfter, conversationId) => this.throttled(send, retryAfter, conversationId),
  });

  constructor(
    private readonly conversation: RateLimit[] = TEAMS_CONVERSATION_LIMITS,
    private readonly tenant: RateLimit[] = TEAMS_TENANT_LIMITS,
    options: Partial<RateLimiterOptions> = {},
  ) {
    // `now` is read at each call, so a test's fake clock applies.
    this.options = { budget: new LoneInstance(), marginMs: 75, maxWaitMs: 10_000, now: () => Date.now(), ...options };
  }

  /** Resolves when one more send to `conversationId` keeps within every limit; throws RateLimited when that is too far off. */
  async acquire(conversationId: string): Promise<void> {
    const { budget, now, maxWaitMs } = this.options;
    const started = now();
    for (;;) {
      const view = await budget.view();
      const at = now();
      const waits: Record<string, number> = {
        'paused by Teams': view.pausedUntil - at,
        'joining the other instances': view.notBefore - at,
        [CONVERSATION_LIMIT]: this.conversationWait(conversationId, view, at),
        'tenant limit': this.tenantWait(view, at),
      };
      const [reason, wait] = Object.entries(waits).reduce((a, b) => (b[1] > a[1] ? b : a));
      if (wait <= 0) {
        this.record(conversationId, at, view);
        this.watcher.current()?.counted.push({ conversationId, at });
        return;
      }
      if (at - started + wait > maxWaitMs) throw new RateLimited(Math.ceil(wait), reason);
      await sleep(wait);
      this.noteLateness(now() - (at + wait), now());
    }
  }

  /**
   * Runs a send to Teams (which acquires inside it), watching it on the wire: each request is
   * counted when it actually leaves, and a 429 it meets, even one the SDK retries by itself,
   * pauses everyone.
   */
  watch<T>(send: () => Promise<T>): Promise<T> {
    return this.watcher.run({ counted: [] }, send);
  }

  /** This instance stops sending: it leaves the shared budget (if that fails, its lease lapses by itself). */
  async close(): Promise<void> {
    try {
      await this.options.budget.close();
    } catch (error) {
      this.options.logger?.warn('teams.budget_leave_failed', { error: String(error).slice(0, 200) });
    }
  }

  private conversationWait(conversationId: string, place: Place, at: number): number {
    return windowWait(this.sent.get(conversationId) ?? [], this.conversation, place, this.conversationMargin(at), at);
  }

  /** Evenly spaced, `count` sends per window-and-margin; and never more than `count` in one, whatever the timers do. */
  private tenantWait(place: Place, at: number): number {
    const interval = this.tenantInterval(place, at);
    const paced = this.nextSlot - interval / 2 - at; // half an interval's tolerance absorbs late timers
    return Math.max(paced, windowWait(this.tenantSent, this.tenant, place, this.margin(at), at));
  }

  private tenantInterval(place: Place, at: number): number {
    return Math.max(...this.tenant.map((limit) => shareOf(limit, place)).map(({ count, windowMs }) => (windowMs + this.margin(at)) / count));
  }

  /** The margin, or the event loop's recent delay when that was longer. */
  private margin(at: number): number {
    return Math.max(this.options.marginMs, this.recentLag(at));
  }

  /** The event loop's delay noted within the last LAG_MEMORY_MS, or 0. */
  private recentLag(at: number): number {
    return at - this.lag.at < LAG_MEMORY_MS ? this.lag.ms : 0;
  }

  private conversationMargin(at: number): number {
    return Math.max(CONVERSATION_MARGIN_MS, this.margin(at));
  }

  private noteLateness(lateMs: number, at: number): void {
    if (lateMs > this.recentLag(at)) this.lag = { ms: lateMs, at };
  }

  private record(conversationId: string, at: number, place: Place): void {
    this.lastPlace = place;
    this.nextSlot = Math.max(this.nextSlot, at) + this.tenantInterval(place, at);
    const longestTenant = longestWindow(this.tenant, place) + this.margin(at);
    this.tenantSent = [...this.tenantSent.filter((t) => t > at - longestTenant), at];
    const longest = longestWindow(this.conversation, place) + this.conversationMargin(at);
    const times = (this.sent.get(conversationId) ?? []).filter((t) => t > at - longest);
    times.push(at);
    this.sent.set(conversationId, times);
    // Conversations quiet for longer than every window are forgotten, so the map does not grow for ever.
    if (at - this.lastSweep > longest) {
      this.lastSweep = at;
      for (const [key, sent] of this.sent) if (sent.at(-1)! <= at - longest) this.sent.delete(key);
    }
  }

  /**
   * A request of `send` is leaving: the send counted when it was let through is moved to now (the
   * SDK may have taken a while), so the windows hold what reaches Teams when it does. A request
   * nothing was counted for (the SDK retrying by itself) is counted now.
   */
  private left(send: Send, conversationId: string): void {
    const at = this.options.now();
    const counted = send.counted.shift();
    if (!counted) return this.record(conversationId, at, this.lastPlace);
    const moveLater = (times: number[] | undefined) => {
      const i = times?.lastIndexOf(counted.at) ?? -1;
      if (!times || i < 0 || at <= counted.at) return;
      times[i] = at;
      times.sort((a, b) => a - b);
    };
    moveLater(this.tenantSent);
    moveLater(this.sent.get(counted.conversationId));
  }

  private throttled(send: Send, retryAfter: string | undefined, conversationId: string): void {
    const at = this.options.now();
    const waitMs = parseRetryAfter(retryAfter, new Date(at)) ?? PAUSE_WITHOUT_RETRY_AFTER_MS;
    this.options.logger?.warn('teams.throttled', { retryAfterMs: waitMs, pausedUntil: new Date(at + waitMs).toISOString() });
    // The SDK sends the refused request again when the pause ends, past the limiter: its place is kept now, and moved when it leaves.
    this.record(conversationId, at + waitMs, this.lastPlace);
    send.counted.push({ conversationId, at: at + waitMs });
    this.options.budget
      .pause(at + waitMs)
      .catch((error: unknown) => this.options.logger?.error('teams.pause_not_shared', { error: String(error).slice(0, 200) }));
  }
}

/** How long until one more send keeps within every limit, given the times of the sends counted so far. */
function windowWait(times: number[], limits: RateLimit[], place: Place, margin: number, at: number): number {
  let wait = 0;
  for (const limit of limits) {
    const { count, windowMs } = shareOf(limit, place);
    const window = windowMs + margin;
    const recent = times.filter((t) => t > at - window);
    if (recent.length >= count) wait = Math.max(wait, recent[recent.length - count]! + window - at);
  }
  return wait;
}

/** The longest of these limits' windows, as this instance's share of them. */
function longestWindow(limits: RateLimit[], place: Place): number {
  return Math.max(...limits.map((limit) => shareOf(limit, place).windowMs));
}
