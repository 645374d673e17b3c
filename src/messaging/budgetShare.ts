/** A limit of `count` sends in any window of `windowMs`. */
export interface RateLimit {
  count: number;
  windowMs: number;
}

/** Where this instance stands among those sending: how many there are, and its place among them (0-based). */
export interface Place {
  instances: number;
  rank: number;
}

/** What the instances of the app agree on through storage (see tenantBudget.ts). */
export interface BudgetView extends Place {
  /** Teams answered someone 429: nobody sends before this (epoch ms). */
  pausedUntil: number;
  /** This instance has just joined: it waits until the others have counted it (epoch ms). */
  notBefore: number;
}

export interface TenantBudget {
  view(): Promise<BudgetView>;
  /** Teams asked for a pause: every instance honours it. */
  pause(until: number): Promise<void>;
  close(): Promise<void>;
}

/** The budget of an app that runs as one instance: the whole of every limit, pauses kept in memory. */
export class LoneInstance implements TenantBudget {
  private pausedUntil = 0;
  view(): Promise<BudgetView> {
    return Promise.resolve({ instances: 1, rank: 0, pausedUntil: this.pausedUntil, notBefore: 0 });
  }
  pause(until: number): Promise<void> {
    this.pausedUntil = Math.max(this.pausedUntil, until);
    return Promise.resolve();
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * One instance's part of a limit shared between instances: the sends of a window dealt out in
 * turn, so 50 between three is 17, 17 and 16, and together never more than the whole. An instance
 * that counts more instances than there are (one has just left) only ever gets less. With more
 * instances than sends in a window, each gets one send in a proportionally longer window.
 */
export function shareOf(limit: RateLimit, place: Place): RateLimit {
  const { instances, rank } = place;
  if (instances > limit.count) return { count: 1, windowMs: limit.windowMs * Math.ceil(instances / limit.count) };
  return { count: Math.floor(limit.count / instances) + (rank < limit.count % instances ? 1 : 0), windowMs: limit.windowMs };
}
