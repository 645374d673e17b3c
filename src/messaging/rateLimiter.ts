import { setTimeout as sleep } from 'node:timers/promises';

/** A limit of `count` sends in any window of `windowMs`. */
export interface RateLimit {
  count: number;
  windowMs: number;
}

/** Teams limits per bot per conversation, and per app per tenant (PRODUCT.md). */
export const TEAMS_CONVERSATION_LIMITS: RateLimit[] = [
  { count: 7, windowMs: 1_000 },
  { count: 60, windowMs: 30_000 },
];
export const TEAMS_TENANT_LIMITS: RateLimit[] = [{ count: 50, windowMs: 1_000 }];

/**
 * Sliding-window limiter: `acquire(key)` resolves when one more send to `key` (and to the tenant as a
 * whole) stays within every limit. State belongs to the instance, one per running app.
 */
export class RateLimiter {
  private readonly sent = new Map<string, number[]>();

  constructor(
    private readonly perKey: RateLimit[] = TEAMS_CONVERSATION_LIMITS,
    private readonly global: RateLimit[] = TEAMS_TENANT_LIMITS,
    private readonly now: () => number = () => Date.now(), // read at each call, so a test's fake clock applies
  ) {}

  async acquire(key: string): Promise<void> {
    for (;;) {
      const wait = Math.max(this.waitFor(`k:${key}`, this.perKey), this.waitFor('global', this.global));
      if (wait <= 0) break;
      await sleep(wait);
    }
    const at = this.now();
    this.record(`k:${key}`, at);
    this.record('global', at);
  }

  private waitFor(bucket: string, limits: RateLimit[]): number {
    const times = this.sent.get(bucket) ?? [];
    const now = this.now();
    let wait = 0;
    for (const limit of limits) {
      const recent = times.filter((t) => t > now - limit.windowMs);
      if (recent.length >= limit.count) wait = Math.max(wait, recent[recent.length - limit.count]! + limit.windowMs - now + 1);
    }
    return wait;
  }

  private record(bucket: string, at: number): void {
    const longest = Math.max(...this.perKey.map((l) => l.windowMs), ...this.global.map((l) => l.windowMs));
    const times = (this.sent.get(bucket) ?? []).filter((t) => t > at - longest);
    times.push(at);
    this.sent.set(bucket, times);
  }
}
