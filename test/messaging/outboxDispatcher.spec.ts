import assert from 'node:assert/strict';
import { systemClock } from '../../src/domain/clock.js';
import { newOutboxEntry } from '../../src/domain/outbox.js';
import { createLogger } from '../../src/logger.js';
import { DeliveryError, type DeliverEntry } from '../../src/messaging/delivery.js';
import { DEFAULT_DISPATCHER_OPTIONS, OutboxDispatcher } from '../../src/messaging/outboxDispatcher.js';
import { ConcernStore } from '../../src/storage/concernStore.js';
import { OutboxStore } from '../../src/storage/outboxStore.js';
import { usingAzurite } from '../support/azurite.js';
import { auditFor, concernRecord, raisedEvent } from '../support/records.js';

describe('the outbox dispatcher against Azurite', () => {
  const world = usingAzurite();

  it('when two dispatchers race over the same outbox, then every entry is delivered exactly once', async () => {
    const store = new ConcernStore(world.tables.concerns);
    const record = concernRecord();
    const entries = Array.from({ length: 12 }, (_, i) =>
      newOutboxEntry({ kind: 'leadCard', recipient: `race-${i}`, revision: 1, now: new Date(Date.now() - 1000) }),
    );
    await store.create(record, raisedEvent(record), entries, auditFor(record));
    const delivered: string[] = [];
    const deliver: DeliverEntry = async (entry) => {
      delivered.push(entry.recipient);
      await new Promise((resolve) => setTimeout(resolve, 5));
      return { activityId: 'a' };
    };
    const outbox = new OutboxStore(world.tables.concerns);
    const make = () =>
      new OutboxDispatcher(
        [outbox],
        deliver,
        { waiting: () => Promise.resolve(), undeliverable: () => Promise.resolve() },
        systemClock,
        createLogger({ silent: true }),
      );
    await Promise.all([make().runOnce(), make().runOnce(), make().runOnce()]);
    assert.equal(delivered.filter((r) => r.startsWith('race-')).length, 12);
    assert.equal(new Set(delivered).size, delivered.length, 'nothing delivered twice');
    assert.ok((await outbox.list(record.id)).every((e) => e.state === 'sent'));
  });

  describe('when the app stops', () => {
    const noProblems = { waiting: () => Promise.resolve(), undeliverable: () => Promise.resolve() };

    async function concernWithEntries(count: number) {
      const record = concernRecord();
      const entries = Array.from({ length: count }, (_, i) =>
        newOutboxEntry({ kind: 'leadCard', recipient: `stop-${i}`, revision: 1, now: new Date(Date.now() - 1000) }),
      );
      await new ConcernStore(world.tables.concerns).create(record, raisedEvent(record), entries, auditFor(record));
      return record;
    }

    it('then a send under way that finishes within the drain time is recorded as sent, and no new send starts', async () => {
      const record = await concernWithEntries(3);
      const outbox = new OutboxStore(world.tables.concerns);
      const started: string[] = [];
      let finish: () => void = () => undefined;
      const deliver: DeliverEntry = (entry) => {
        started.push(entry.recipient);
        return new Promise((resolve) => (finish = () => resolve({ activityId: 'a' })));
      };
      const dispatcher = new OutboxDispatcher([outbox], deliver, noProblems, systemClock, createLogger({ silent: true }), {
        ...DEFAULT_DISPATCHER_OPTIONS,
        concurrency: 1,
        drainMs: 5_000,
      });
      dispatcher.kick();
      while (!started.length) await new Promise((resolve) => setTimeout(resolve, 5));
      const stopping = dispatcher.stop();
      setTimeout(() => finish(), 50);
      await stopping;
      const entries = await outbox.list(record.id);
      assert.equal(started.length, 1, 'nothing new was started once stopping began');
      assert.deepEqual(entries.map((e) => e.state).sort(), ['pending', 'pending', 'sent']);
    });

    it('then a send still going when the drain time is up gives its claim back: due at once, the attempt not counted', async () => {
      const record = await concernWithEntries(1);
      const outbox = new OutboxStore(world.tables.concerns);
      let started = false;
      const hanging: DeliverEntry = () => {
        started = true;
        return new Promise(() => undefined); // the connector never answers
      };
      const dispatcher = new OutboxDispatcher([outbox], hanging, noProblems, systemClock, createLogger({ silent: true }), {
        ...DEFAULT_DISPATCHER_OPTIONS,
        drainMs: 100,
      });
      dispatcher.kick();
      while (!started) await new Promise((resolve) => setTimeout(resolve, 5));
      const stoppedAt = Date.now();
      await dispatcher.stop();
      assert.ok(Date.now() - stoppedAt < 2_000, 'stop did not wait for the lease or the send timeout');
      const [entry] = await outbox.list(record.id);
      assert.equal(entry!.state, 'pending');
      assert.equal(entry!.attempts, 0);
      assert.ok(Date.parse(entry!.nextAttemptAt) <= Date.now(), 'due again now, not after the 60 s lease');
      // Another instance picks it up straight away.
      const delivered: string[] = [];
      const other = new OutboxDispatcher(
        [outbox],
        (e) => {
          delivered.push(e.recipient);
          return Promise.resolve({ activityId: 'b' });
        },
        noProblems,
        systemClock,
        createLogger({ silent: true }),
      );
      await other.runOnce();
      assert.ok(delivered.includes('stop-0'));
    });
  });

  describe('when Teams throttles or refuses', () => {
    const noProblems = { waiting: () => Promise.resolve(), undeliverable: () => Promise.resolve() };

    async function oneEntry() {
      const record = concernRecord();
      const entry = newOutboxEntry({ kind: 'leadCard', recipient: `fault-${record.id}`, revision: 1, now: new Date(Date.now() - 1000) });
      await new ConcernStore(world.tables.concerns).create(record, raisedEvent(record), [entry], auditFor(record));
      return record;
    }

    it('then a 429 is logged as a warning with the wait Teams asked for', async () => {
      const record = await oneEntry();
      const lines: string[] = [];
      const logger = createLogger({ destination: { write: (line: string) => void lines.push(line) } });
      const throttled: DeliverEntry = () => Promise.reject(new DeliveryError('throttled', 429, 30_000));
      const outbox = new OutboxStore(world.tables.concerns);
      await new OutboxDispatcher([outbox], throttled, noProblems, systemClock, logger).runOnce();
      const warning = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.event === 'outbox.throttled' && l.owner === record.id);
      assert.ok(warning, 'a throttling warning');
      assert.equal(warning.level, 'warn');
      assert.equal(warning.retryAfterMs, 30_000);
      assert.ok(Number(warning.waitMs) >= 30_000);
    });

    it('then a 412 is tried 3 times in all and no more', async () => {
      const record = await oneEntry();
      let attempts = 0;
      const precondition: DeliverEntry = (entry) => {
        if (entry.ownerId === record.id) attempts += 1;
        return Promise.reject(new DeliveryError('precondition failed', 412));
      };
      const outbox = new OutboxStore(world.tables.concerns);
      const dispatcher = new OutboxDispatcher([outbox], precondition, noProblems, systemClock, createLogger({ silent: true }), {
        ...DEFAULT_DISPATCHER_OPTIONS,
        retry: { ...DEFAULT_DISPATCHER_OPTIONS.retry, baseDelayMs: 1, maxDelayMs: 1 },
      });
      for (let pass = 0; pass < 6; pass++) {
        await dispatcher.runOnce();
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      assert.equal(attempts, 3);
      assert.equal((await outbox.list(record.id))[0]!.state, 'failed');
    });
  });
});
