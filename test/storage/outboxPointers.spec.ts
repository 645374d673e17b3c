import assert from 'node:assert/strict';
import type { TableClient } from '@azure/data-tables';
import type { Clock } from '../../src/domain/clock.js';
import { newOutboxEntry } from '../../src/domain/outbox.js';
import { createLogger } from '../../src/logger.js';
import { DeliveryError, type DeliverEntry } from '../../src/messaging/delivery.js';
import { OutboxDispatcher } from '../../src/messaging/outboxDispatcher.js';
import { ConcernStore } from '../../src/storage/concernStore.js';
import { EVERY_DUE_PARTITION, writePointers } from '../../src/storage/outboxPointers.js';
import { OutboxStore, POINTER_GRACE_MS } from '../../src/storage/outboxStore.js';
import { usingAzurite } from '../support/azurite.js';
import { freshTable } from '../support/freshTable.js';
import { auditFor, concernRecord, raisedEvent } from '../support/records.js';

const T0 = new Date('2027-03-01T10:00:00Z');
const later = (ms: number) => new Date(T0.getTime() + ms);
/** The coordinator's notice about messages waiting for 'x' to install the app. */
const waitingNotice = () =>
  newOutboxEntry({ kind: 'waitingNotice', recipient: 'coordinator', now: T0, key: 'waiting', payload: { recipient: 'x', waitingFor: 'install' } });

async function pointers(table: TableClient): Promise<{ rowKey: string; nextAttemptAt: string }[]> {
  const found: { rowKey: string; nextAttemptAt: string }[] = [];
  const rows = table.listEntities<{ nextAttemptAt: string }>({
    queryOptions: { filter: `${EVERY_DUE_PARTITION} and RowKey ge 'outbox|' and RowKey lt 'outbox}'` },
  });
  for await (const row of rows) found.push({ rowKey: row.rowKey ?? '', nextAttemptAt: row.nextAttemptAt });
  return found;
}

describe('the outbox index: a pointer per pending entry in the due partition', () => {
  const world = usingAzurite();
  let table: TableClient;
  let outbox: OutboxStore;
  const clock: Clock & { at: Date } = { at: T0, now: () => clock.at };
  const dispatcher = (deliver: DeliverEntry) =>
    new OutboxDispatcher(
      [outbox],
      deliver,
      { waiting: () => Promise.resolve(), undeliverable: () => Promise.resolve() },
      clock,
      createLogger({ silent: true }),
    );

  beforeEach(async () => {
    table = await freshTable(world.connectionString);
    outbox = new OutboxStore(table);
    clock.at = T0;
  });

  it("when the rate limits hold a recipient back, then a poll leaves their entries out (unread) and still gives everyone else's", async () => {
    const record = concernRecord({ createdAt: T0.toISOString() });
    const entries = ['lead-a', 'lead-b', 'lead-b'].map((recipient, i) => newOutboxEntry({ kind: 'leadCard', recipient, revision: 1, now: T0, key: String(i) }));
    await new ConcernStore(table).create(record, raisedEvent(record), entries, auditFor(record));
    const { entries: due } = await outbox.due(T0, 100, (recipient) => recipient === 'lead-b');
    assert.deepEqual(
      due.map((e) => e.recipient),
      ['lead-a'],
    );
    assert.equal((await outbox.due(T0)).entries.length, 3, 'still due once the hold is over');
  });

  it('when a concern is created with its messages, then a poll finds them through their pointers, and once sent no pointer is left', async () => {
    const record = concernRecord({ createdAt: T0.toISOString() });
    const entries = ['lead-a', 'lead-b'].map((recipient) => newOutboxEntry({ kind: 'leadCard', recipient, revision: 1, now: T0 }));
    await new ConcernStore(table).create(record, raisedEvent(record), entries, auditFor(record));
    const { entries: due } = await outbox.due(T0);
    assert.deepEqual(due.map((e) => e.recipient).sort(), ['lead-a', 'lead-b']);
    const delivered: string[] = [];
    const summary = await dispatcher((entry) => {
      delivered.push(entry.recipient);
      return Promise.resolve({ activityId: 'a' });
    }).runOnce();
    assert.equal(summary.sent, 2);
    assert.deepEqual(await pointers(table), []);
    assert.deepEqual((await outbox.due(later(60 * 60_000))).entries, []);
  });

  it('when a pointer was written but its entry never was, then polls leave it for the grace period and then remove it', async () => {
    const entry = newOutboxEntry({ kind: 'leadCard', recipient: 'never', revision: 1, now: T0 });
    await writePointers(table, 'owner-1', [entry]);
    assert.deepEqual((await outbox.due(later(POINTER_GRACE_MS - 1000))).entries, []);
    assert.equal((await pointers(table)).length, 1, 'its entry may still be on its way');
    assert.deepEqual((await outbox.due(later(POINTER_GRACE_MS + 1000))).entries, []);
    assert.deepEqual(await pointers(table), [], 'removed once past the grace period');
  });

  it('when an attempt fails and is retried later, then its pointer moves with it: not polled before, delivered when due', async () => {
    await outbox.add('owner-2', [newOutboxEntry({ kind: 'leadCard', recipient: 'flaky', revision: 1, now: T0 })]);
    let fail = true;
    const deliver: DeliverEntry = () => (fail ? Promise.reject(new DeliveryError('busy', 503)) : Promise.resolve({ activityId: 'a' }));
    assert.equal((await dispatcher(deliver).runOnce()).retrying, 1);
    const [entry] = await outbox.list('owner-2');
    assert.equal(entry!.state, 'pending');
    assert.deepEqual(
      (await pointers(table)).map((p) => p.nextAttemptAt),
      [entry!.nextAttemptAt],
      'the pointer says when the retry is due',
    );
    assert.deepEqual((await outbox.due(T0)).entries, [], 'not before its retry');
    fail = false;
    clock.at = new Date(entry!.nextAttemptAt);
    assert.equal((await dispatcher(deliver).runOnce()).sent, 1);
    assert.deepEqual(await pointers(table), []);
  });

  it('when a recipient waiting for an install installs, then wake finds their entries through the pointers and makes them due', async () => {
    await outbox.add('owner-3', [newOutboxEntry({ kind: 'leadCard', recipient: 'newcomer', revision: 1, now: later(60 * 60_000) })]);
    assert.deepEqual((await outbox.due(T0)).entries, []);
    await outbox.wake('newcomer', T0);
    assert.deepEqual(
      (await outbox.due(T0)).entries.map((e) => e.recipient),
      ['newcomer'],
    );
  });

  it('when a waiting entry is re-armed at the moment its recipient installs, then wake still makes it due', async () => {
    await outbox.add('owner-5', [newOutboxEntry({ kind: 'waitingNotice', recipient: 'installing', now: later(60 * 60_000), key: 'waiting' })]);
    let marked = false;
    // Another message queues behind the same cause between wake's read of the entry and its write.
    const racing = new Proxy(table, {
      get(target, name) {
        if (name === 'updateEntity')
          return async (...args: Parameters<TableClient['updateEntity']>) => {
            if (!marked && args[0].partitionKey === 'owner-5') {
              marked = true;
              await outbox.rearm('owner-5', T0);
            }
            return target.updateEntity(...args);
          };
        const value = Reflect.get(target, name) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    await new OutboxStore(racing).wake('installing', T0);
    assert.ok(marked, 'the mark came between the read and the write');
    assert.deepEqual(
      (await outbox.due(T0)).entries.map((e) => e.recipient),
      ['installing'],
    );
  });

  it('when a dispatcher holds an entry under its lease and the recipient installs meanwhile, then wake leaves the lease alone, so no second instance sends it too', async () => {
    await outbox.add('owner-4', [newOutboxEntry({ kind: 'leadCard', recipient: 'installing', revision: 1, now: T0 })]);
    const [claimed] = (await outbox.due(T0)).entries;
    assert.ok(await outbox.claim(claimed!, later(60_000)), 'claimed by one instance');
    await outbox.wake('installing', T0);
    assert.deepEqual((await outbox.due(T0)).entries, [], 'not due to anyone else while the lease lasts');
  });

  it('when entries were written by an older version (no pointers), then the first poll gives them pointers, once', async () => {
    const entry = newOutboxEntry({ kind: 'leadCard', recipient: 'lead-old', revision: 1, now: T0 });
    await table.createEntity({ partitionKey: 'owner-old', ...entry }); // as the version before pointers wrote it
    assert.deepEqual(
      (await outbox.due(T0)).entries.map((e) => e.recipient),
      ['lead-old'],
    );
    await table.createEntity({ partitionKey: 'owner-later', ...newOutboxEntry({ kind: 'leadCard', recipient: 'lead-2', revision: 1, now: T0 }) });
    assert.deepEqual(
      (await new OutboxStore(table).due(T0)).entries.map((e) => e.recipient),
      ['lead-old'],
      'marked done: no table is scanned twice',
    );
  });

  it('when an entry already sent is added again, then no pointer is written for it; re-armed, it is polled again', async () => {
    const entry = waitingNotice();
    await outbox.add('waiting|x', [entry]);
    await dispatcher(() => Promise.resolve({ activityId: 'a' })).runOnce();
    await outbox.add('waiting|x', [entry]);
    assert.deepEqual(await pointers(table), []);
    await outbox.rearm('waiting|x', T0);
    assert.deepEqual(
      (await outbox.due(T0)).entries.map((e) => e.recipient),
      ['coordinator'],
    );
  });

  it('when an entry is re-armed while it is being sent, then it goes again once that send is recorded, as an update of the message sent', async () => {
    const entry = waitingNotice();
    await outbox.add('waiting|x', [entry]);
    const sends: (string | undefined)[] = [];
    const send = dispatcher(async (sending) => {
      sends.push(sending.activityId);
      // The count changed after this attempt read what to say: the coordinator must see the new count.
      if (sends.length === 1) await outbox.rearm('waiting|x', T0);
      return { activityId: 'a' };
    });
    await send.runOnce();
    await send.runOnce();
    assert.deepEqual(sends, [undefined, 'a'], 'posted, then updated in place');
    const [stored] = await outbox.list('waiting|x');
    assert.equal(stored?.state, 'sent');
    assert.deepEqual(await pointers(table), []);
    await send.runOnce();
    assert.equal(sends.length, 2, 'not sent a third time');
  });
});
