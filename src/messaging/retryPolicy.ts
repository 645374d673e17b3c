/** What to do after a failed send, from the HTTP status the Teams connector answered with. */
export type RetryDecision = { retry: true; delayMs: number } | { retry: false; outcome: 'undeliverable' | 'failed' };

export interface RetryOptions {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryOptions = { maxAttempts: 8, baseDelayMs: 2_000, maxDelayMs: 15 * 60_000 };

/** A 412 from Teams (a precondition, e.g. a conversation being set up) rarely clears: three attempts in all. */
export const MAX_ATTEMPTS_AFTER_412 = 3;

/**
 * Teams: 429 carries Retry-After and must be honoured; 412 and 5xx are transient; 403 (bot blocked,
 * user not in roster, app disabled) and 404 (conversation gone) will not get better, so they are
 * never retried. A network error (no status) is treated as transient.
 */
export function decideRetry(status: number | undefined, attempts: number, retryAfterMs: number | undefined, options = DEFAULT_RETRY): RetryDecision {
  if (status === 403 || status === 404) return { retry: false, outcome: 'undeliverable' };
  const transient = status === undefined || status === 429 || status === 412 || status >= 500;
  if (!transient) return { retry: false, outcome: 'failed' };
  if (attempts >= (status === 412 ? Math.min(MAX_ATTEMPTS_AFTER_412, options.maxAttempts) : options.maxAttempts)) return { retry: false, outcome: 'failed' };
  const backoff = Math.min(options.baseDelayMs * 2 ** Math.max(0, attempts - 1), options.maxDelayMs);
  return { retry: true, delayMs: Math.max(backoff, retryAfterMs ?? 0) };
}

/** Retry-After is either seconds or an HTTP date. */
export function parseRetryAfter(header: string | undefined | null, now: Date): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}
