import assert from 'node:assert/strict';
import sinon from 'sinon';
import { LoneInstance, shareOf, type BudgetView, type TenantBudget } from '../../src/messaging/budgetShare.js';
import { RateLimited, RateLimiter } from '../../src/messaging/rateLimiter.js';
import { busiestWindow } from '../support/rateWindows.js';

/** A budget as storage would report it to the instance at `rank` of `instances` sending together. */
const sharedBy = (instances: number, rank: number): TenantBudget => ({
  view: (): Promise<BudgetView> => Promise.resolve({ instances, rank, pausedUntil: 0, notBefore: 0 }),
  pause: () => Promise.resolve(),
  close: () => Promise.resolve(),
});

/**
 * The limiter with Teams' limits (per conversation 7 a second, 8 in 2 seconds, 60 in 30 seconds and
 * 1,800 an hour; 50 a second for the tenant), on a fake clock that drives both "now" and its waits.
 * Every window is kept longer than Teams' (the margin), for sends that arrive a little late: the
 * tenant's by 75 ms, a conversation's by 300 ms (its few, bursty sends jitter more).
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
  function sendMany(limiter: RateLimiter, conversation: string, count: number, refused: number[] = []): number[] {
    const sentAt: number[] = [];
    for (let i = 0; i < count; i++) {
      limiter.acquire(conversation).then(
        () => sentAt.push(Date.now() - start),
        (error: unknown) => refused.push(error instanceof RateLimited ? error.waitMs : -1),
      );
    }
    return sentAt;
  }

  it('when 8 messages go to one conversation at once, then 7 go within a moment and the 8th waits until a second (and the margin) after the first', async () => {
    const sentAt = sendMany(new RateLimiter(), 'conversation-a', 8);
    await clock.tickAsync(200);
    assert.equal(sentAt.length, 7);
    await clock.tickAsync(1_299 - 200);
    assert.equal(sentAt.length, 7, 'still waiting just before the window is over');
    await clock.tickAsync(2);
    assert.equal(sentAt.length, 8);
    assert.ok(sentAt[7]! >= 1_300 && sentAt[7]! <= 1_301, `the 8th went at ${sentAt[7]} ms`);
  });

  it('when 70 messages go to one conversation, then no second holds more than 7, no 2 seconds more than 8, no 30 seconds more than 60', async () => {
    const sentAt = sendMany(new RateLimiter(undefined, undefined, { maxWaitMs: Infinity }), 'conversation-a', 70);
    await clock.tickAsync(45_000);
    assert.equal(sentAt.length, 70);
    assert.equal(busiestWindow(sentAt, 1_000), 7);
    assert.equal(busiestWindow(sentAt, 2_000), 8);
    assert.equal(busiestWindow(sentAt, 30_000), 60);
    assert.ok(sentAt[60]! - sentAt[0]! >= 30_300, `the 61st went ${sentAt[60]! - sentAt[0]!} ms after the first`);
  });

  it('when 60 conversations each get one message at once, then they go evenly spaced, about 47 a second and never 50 in one', async () => {
    const limiter = new RateLimiter();
    const perConversation = Array.from({ length: 60 }, (_, i) => sendMany(limiter, `conversation-${i}`, 1));
    await clock.tickAsync(1_000);
    const firstSecond = perConversation.flat().length;
    assert.ok(firstSecond >= 47 && firstSecond <= 49, `${firstSecond} in the first second`);
    await clock.tickAsync(400);
    const times = perConversation.flat().sort((a, b) => a - b);
    assert.equal(times.length, 60);
    assert.ok(busiestWindow(times, 1_000) <= 49, `${busiestWindow(times, 1_000)} in the busiest second`);
    assert.equal(busiestWindow(times, 1_075), 50, 'a window with the margin holds 50, never more');
    for (let i = 1; i < times.length; i++) assert.ok(times[i]! - times[i - 1]! >= 10, `sends ${i} and ${i + 1} ${times[i]! - times[i - 1]!} ms apart`);
  });

  it('when one conversation is held back by its own limit, then another conversation still gets its messages', async () => {
    const limiter = new RateLimiter();
    const busy = sendMany(limiter, 'conversation-busy', 20);
    const quiet = sendMany(limiter, 'conversation-quiet', 7);
    await clock.tickAsync(400);
    assert.equal(busy.length, 7, 'the busy conversation waits after its 7th');
    assert.equal(quiet.length, 7, 'the quiet one is not held up behind it');
  });

  it('when a send would wait longer than the limiter may hold it, then it is refused with the wait and not counted', async () => {
    const limiter = new RateLimiter(undefined, undefined, { maxWaitMs: 500 });
    const refused: number[] = [];
    const sentAt = sendMany(limiter, 'conversation-a', 8, refused);
    await clock.tickAsync(200);
    assert.equal(sentAt.length, 7);
    assert.equal(refused.length, 1);
    assert.ok(refused[0]! > 1_000 && refused[0]! <= 1_300, `told to wait ${refused[0]} ms`);
    await clock.tickAsync(1_000);
    sendMany(limiter, 'conversation-a', 1);
    await clock.tickAsync(0);
    assert.equal(sentAt.length, 7, 'the refused send did not take a place');
  });

  it('when three instances share the budget, then the last of them keeps to its third of each limit', async () => {
    const limiter = new RateLimiter(undefined, undefined, { budget: sharedBy(3, 2), maxWaitMs: Infinity });
    const one = sendMany(limiter, 'conversation-a', 4);
    const many = Array.from({ length: 40 }, (_, i) => sendMany(limiter, `conversation-${i}`, 1));
    await clock.tickAsync(10_000);
    assert.equal(busiestWindow(one, 2_000), 2, '8 in 2 seconds dealt out as 3, 3 and 2');
    const all = [...one, ...many.flat()];
    assert.equal(all.length, 44);
    assert.ok(busiestWindow(all, 1_000) <= 16, '50 a second dealt out as 17, 17 and 16');
  });

  it('when Teams has asked for a pause, then nothing goes until it is over', async () => {
    const budget = new LoneInstance();
    await budget.pause(Date.now() + 3_000);
    const sentAt = sendMany(new RateLimiter(undefined, undefined, { budget }), 'conversation-a', 1);
    await clock.tickAsync(2_999);
    assert.equal(sentAt.length, 0);
    await clock.tickAsync(1);
    assert.deepEqual(sentAt, [3_000]);
  });

  it('when instances share a limit, then its sends are dealt out in turn, and together they never have more than the whole', () => {
    const tenant = { count: 50, windowMs: 1_000 };
    assert.deepEqual(
      [0, 1, 2].map((rank) => shareOf(tenant, { instances: 3, rank }).count),
      [17, 17, 16],
    );
    assert.deepEqual(
      shareOf({ count: 7, windowMs: 1_000 }, { instances: 8, rank: 0 }),
      { count: 1, windowMs: 2_000 },
      'more instances than sends: a longer window',
    );
    for (const limit of [tenant, { count: 7, windowMs: 1_000 }, { count: 8, windowMs: 2_000 }]) {
      for (let instances = 1; instances <= 20; instances++) {
        const perWindow = Array.from({ length: instances }, (_, rank) => shareOf(limit, { instances, rank })).reduce(
          (sum, share) => sum + (share.count * limit.windowMs) / share.windowMs,
          0,
        );
        assert.ok(perWindow <= limit.count, `${instances} instances share ${limit.count}: ${perWindow}`);
        // One instance counting one more (another just left, or is joining) gets no more than before.
        for (let rank = 0; rank < instances; rank++) {
          const now = shareOf(limit, { instances, rank });
          for (const counted of [shareOf(limit, { instances: instances + 1, rank }), shareOf(limit, { instances: instances + 1, rank: rank + 1 })]) {
            assert.ok(counted.count / counted.windowMs <= now.count / now.windowMs);
          }
        }
      }
    }
  });
});
