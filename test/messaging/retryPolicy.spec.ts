import assert from 'node:assert/strict';
import { decideRetry, parseRetryAfter } from '../../src/messaging/retryPolicy.js';

describe('retry decisions for proactive sends', () => {
  it('when Teams says 403 or 404, then the send is never retried', () => {
    assert.deepEqual(decideRetry(403, 1, undefined), { retry: false, outcome: 'undeliverable' });
    assert.deepEqual(decideRetry(404, 1, undefined), { retry: false, outcome: 'undeliverable' });
  });
  it('when Teams says 429 with Retry-After, then the wait is at least that long', () => {
    const decision = decideRetry(429, 1, 30_000);
    assert.ok(decision.retry && decision.delayMs >= 30_000);
  });
  it('when 5xx repeats, then the wait grows and it gives up after the last attempt', () => {
    const first = decideRetry(503, 1, undefined);
    const third = decideRetry(503, 3, undefined);
    assert.ok(first.retry && third.retry && third.delayMs > first.delayMs);
    assert.deepEqual(decideRetry(500, 8, undefined), { retry: false, outcome: 'failed' });
  });
  it('when Teams answers 412, then there are at most 3 attempts in all', () => {
    assert.ok(decideRetry(412, 1, undefined).retry);
    assert.ok(decideRetry(412, 2, undefined).retry);
    assert.deepEqual(decideRetry(412, 3, undefined), { retry: false, outcome: 'failed' });
  });
  it('when Retry-After is an HTTP date, then it is read as the time until then', () => {
    const now = new Date('2027-01-01T10:00:00Z');
    assert.equal(parseRetryAfter('Fri, 01 Jan 2027 10:00:05 GMT', now), 5_000);
    assert.equal(parseRetryAfter('2', now), 2_000);
  });
});
