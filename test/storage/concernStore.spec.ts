import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { newOutboxEntry } from '../../src/domain/outbox.js';
import { ConcernExistsError, ConcernStore, StaleConcernError } from '../../src/storage/concernStore.js';
import { OutboxStore } from '../../src/storage/outboxStore.js';
import { usingAzurite } from '../support/azurite.js';
import { auditFor, concernRecord, raisedEvent } from '../support/records.js';

describe('concern store against Azurite', () => {
  const world = usingAzurite();

  it('when a concern is stored, then it reads back whole with its first event and outbox entries', async () => {
    const store = new ConcernStore(world.tables.concerns);
    const record = concernRecord();
    await store.create(
      record,
      raisedEvent(record),
      [newOutboxEntry({ kind: 'leadCard', recipient: 'aad-lead', revision: 1, now: new Date() })],
      auditFor(record),
    );
    const read = await store.get(record.id);
    assert.deepEqual(read?.record, record);
    assert.deepEqual(
      (await store.events(record.id)).map((e) => e.type),
      ['raised'],
    );
    assert.equal((await new OutboxStore(world.tables.concerns).list(record.id)).length, 1);
    assert.equal(await store.get(randomUUID()), undefined, 'a missing concern reads as undefined');
  });

  it('when the same concern id is stored twice, then the second is refused and nothing of it is written', async () => {
    const store = new ConcernStore(world.tables.concerns);
    const record = concernRecord();
    await store.create(record, raisedEvent(record), [], auditFor(record));
    await assert.rejects(
      store.create(
        { ...record, reference: 'MS-2027-999999' },
        raisedEvent(record),
        [newOutboxEntry({ kind: 'leadCard', recipient: 'x', revision: 1, now: new Date() })],
        auditFor(record),
      ),
      ConcernExistsError,
    );
    assert.equal((await store.get(record.id))?.record.reference, 'MS-2027-000001');
    assert.equal((await new OutboxStore(world.tables.concerns).list(record.id)).length, 0, 'the transaction wrote nothing');
  });

  it('when a concern is updated with a stale ETag, then the service answers 412 and the update is refused', async () => {
    const store = new ConcernStore(world.tables.concerns);
    const record = concernRecord();
    await store.create(record, raisedEvent(record), [], auditFor(record));
    const read = (await store.get(record.id))!;
    const acknowledged = { ...record, status: 'acknowledged' as const, revision: 2 };
    await store.update(acknowledged, read.etag, { ...raisedEvent(record), revision: 2, type: 'acknowledged' }, [], auditFor(record, 'concern.changed'));
    const closed = { ...record, status: 'closed' as const, revision: 2 };
    await assert.rejects(
      store.update(closed, read.etag, { ...raisedEvent(record), revision: 3, type: 'closed' }, [], auditFor(record, 'concern.changed')),
      StaleConcernError,
    );
    assert.equal((await store.get(record.id))?.record.status, 'acknowledged');
    // The raw client sees the same: a 412 from the emulator.
    await assert.rejects(
      world.tables.concerns.updateEntity({ partitionKey: record.id, rowKey: 'concern', status: 'x' }, 'Merge', { etag: read.etag }),
      (e: { statusCode?: number }) => e.statusCode === 412,
    );
  });
});
