import assert from 'node:assert/strict';
import { systemClock } from '../../src/domain/clock.js';
import { newOutboxEntry } from '../../src/domain/outbox.js';
import { createLogger } from '../../src/logger.js';
import { OutboxDispatcher, type DeliverEntry } from '../../src/messaging/outboxDispatcher.js';
import { ConcernStore } from '../../src/storage/concernStore.js';
import { OutboxStore } from '../../src/storage/outboxStore.js';
import { usingAzurite } from '../support/azurite.js';
import { concernRecord, raisedEvent } from '../support/records.js';

describe('the outbox dispatcher against Azurite', () => {
  const world = usingAzurite();

  it('when two dispatchers race over the same outbox, then every entry is delivered exactly once', async () => {
    const store = new ConcernStore(world.tables.concerns);
    const record = concernRecord();
    const entries = Array.from({ length: 12 }, (_, i) =>
      newOutboxEntry({ kind: 'leadCard', recipient: `race-${i}`, revision: 1, now: new Date(Date.now() - 1000) }),
    );
    await store.create(record, raisedEvent(record), entries);
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
});
