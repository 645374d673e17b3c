import assert from 'node:assert/strict';
import sinon from 'sinon';
import { RateLimiter } from '../../src/messaging/rateLimiter.js';

/**
 * The limiter with the Teams limits (7 a second and 60 in 30 seconds per conversation, 50 a second
 * per tenant), on a fake clock that drives both its idea of "now" and its waits.
 */
describe('the Teams rate limiter', () => {
  let clock: sinon.SinonFakeTimers;
  let start: number;
  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: new Date('2027-07-02T08:00:00Z') });
    start = Date.now();
  });
  afterEach(() => clock.restore());

  /** Asks for `count` sends to a conversation at once; each records the fake time it was let through, in ms from the start. */
  function sendMany(limiter: RateLimiter, conversation: string, count: number): number[] {
    const sentAt: number[] = [];
    for (let i = 0; i < count; i++) void limiter.acquire(conversation).then(() => sentAt.push(Date.now() - start));
    return sentAt;
  }

  it('when 8 messages go to one conversation at once, then 7 go straight away and the 8th waits until the second is over', async () => {
    const sentAt = sendMany(new RateLimiter(), 'conversation-a', 8);
    await clock.tickAsync(0);
    assert.deepEqual(sentAt, [0, 0, 0, 0, 0, 0, 0]);
    await clock.tickAsync(999);
    assert.equal(sentAt.length, 7, 'still waiting just before a second has passed');
    await clock.tickAsync(2);
    assert.equal(sentAt.length, 8);
    assert.ok(sentAt[7]! >= 1_000 && sentAt[7]! <= 1_001, `the 8th went at ${sentAt[7]} ms`);
  });

  it('when 61 messages go to one conversation, then 60 go within 30 seconds at 7 a second and the 61st waits for 30 seconds after the first', async () => {
    const sentAt = sendMany(new RateLimiter(), 'conversation-a', 61);
    await clock.tickAsync(29_999);
    assert.equal(sentAt.length, 60, 'sixty in the first 30 seconds');
    for (let i = 7; i < 60; i++) assert.ok(sentAt[i]! - sentAt[i - 7]! >= 1_000, `no more than 7 in any second (send ${i + 1} at ${sentAt[i]} ms)`);
    assert.ok(sentAt[59]! < 10_000, `at 7 a second the 60th goes within 9 seconds, not at ${sentAt[59]} ms`);
    await clock.tickAsync(2);
    assert.equal(sentAt.length, 61);
    assert.ok(sentAt[60]! >= 30_000 && sentAt[60]! <= 30_001, `the 61st went at ${sentAt[60]} ms`);
  });

  it('when 60 conversations each get one message at once, then 50 go straight away and the other 10 wait for the tenant limit', async () => {
    const limiter = new RateLimiter();
    const sentAt = Array.from({ length: 60 }, (_, i) => sendMany(limiter, `conversation-${i}`, 1));
    await clock.tickAsync(0);
    assert.equal(sentAt.filter((s) => s.length).length, 50);
    await clock.tickAsync(999);
    assert.equal(sentAt.filter((s) => s.length).length, 50, 'the other 10 wait out the second');
    await clock.tickAsync(2);
    assert.equal(sentAt.filter((s) => s.length).length, 60);
    assert.ok(
      sentAt.flat().every((t) => t === 0 || (t >= 1_000 && t <= 1_001)),
      sentAt.flat().join(' '),
    );
  });

  it('when one conversation is held back by its own limit, then another conversation still gets its messages at once', async () => {
    const limiter = new RateLimiter();
    const busy = sendMany(limiter, 'conversation-busy', 20);
    const quiet = sendMany(limiter, 'conversation-quiet', 7);
    await clock.tickAsync(0);
    assert.equal(busy.length, 7, 'the busy conversation waits after its 7th');
    assert.deepEqual(quiet, [0, 0, 0, 0, 0, 0, 0], 'the quiet one is not held up behind it');
  });
});
