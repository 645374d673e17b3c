import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { ConcernRecord } from '../../src/domain/concernRecord.js';
import { parseIntake } from '../../src/domain/concern.js';
import { createLogger } from '../../src/logger.js';
import { newOutboxEntry } from '../../src/domain/outbox.js';
import { OutboxDispatcher, type DeliverEntry } from '../../src/messaging/outboxDispatcher.js';
import { ActivityLedger } from '../../src/storage/activityLedger.js';
import { AuditLog } from '../../src/storage/auditLog.js';
import { ConcernExistsError, ConcernStore, StaleConcernError } from '../../src/storage/concernStore.js';
import { ConversationStore } from '../../src/storage/conversationStore.js';
import { CounterStore } from '../../src/storage/counterStore.js';
import { startEmbeddedTables, type EmbeddedTables } from '../../src/storage/embeddedAzurite.js';
import { OutboxStore } from '../../src/storage/outboxStore.js';
import { ProtocolStore } from '../../src/storage/protocolStore.js';
import { openTables, type TableClients } from '../../src/storage/tables.js';
import { systemClock } from '../../src/domain/clock.js';
import { validIntake } from '../support/harness.js';

function concern(overrides: Partial<ConcernRecord> = {}): ConcernRecord {
  const parsed = parseIntake(validIntake());
  if (!parsed.ok) throw new Error('fixture');
  const now = new Date().toISOString();
  return {
    id: randomUUID(), reference: 'MS-2027-000001', reporter: { aadObjectId: 'aad-staff', name: 'Sam' }, createdAt: now, updatedAt: now,
    intake: parsed.intake, status: 'new', group: 'housing', notifiedGroups: ['housing'], guidance: [], urgent: false, treatedAsChild: false,
    revision: 1, actions: [], ...overrides,
  };
}
const raisedEvent = (c: ConcernRecord) => ({ revision: 1, type: 'raised' as const, by: c.reporter, at: c.createdAt, detail: 'Concern raised' });

describe('storage repositories against Azurite', () => {
  let emulator: EmbeddedTables;
  let tables: TableClients;

  before(async () => {
    emulator = await startEmbeddedTables(undefined);
    tables = await openTables(emulator.connectionString);
  });
  after(async () => emulator.close());

  it('when a concern is stored, then it reads back whole with its first event and outbox entries', async () => {
    const store = new ConcernStore(tables.concerns);
    const record = concern();
    await store.create(record, raisedEvent(record), [newOutboxEntry({ kind: 'leadCard', recipient: 'aad-lead', revision: 1, now: new Date() })]);
    const read = await store.get(record.id);
    assert.deepEqual(read?.record, record);
    assert.deepEqual((await store.events(record.id)).map((e) => e.type), ['raised']);
    assert.equal((await new OutboxStore(tables.concerns).list(record.id)).length, 1);
    assert.equal(await store.get(randomUUID()), undefined, 'a missing concern reads as undefined');
  });

  it('when the same concern id is stored twice, then the second is refused and nothing of it is written', async () => {
    const store = new ConcernStore(tables.concerns);
    const record = concern();
    await store.create(record, raisedEvent(record), []);
    await assert.rejects(store.create({ ...record, reference: 'MS-2027-999999' }, raisedEvent(record), [newOutboxEntry({ kind: 'leadCard', recipient: 'x', revision: 1, now: new Date() })]), ConcernExistsError);
    assert.equal((await store.get(record.id))?.record.reference, 'MS-2027-000001');
    assert.equal((await new OutboxStore(tables.concerns).list(record.id)).length, 0, 'the transaction wrote nothing');
  });

  it('when a concern is updated with a stale ETag, then the service answers 412 and the update is refused', async () => {
    const store = new ConcernStore(tables.concerns);
    const record = concern();
    await store.create(record, raisedEvent(record), []);
    const read = (await store.get(record.id))!;
    const acknowledged = { ...record, status: 'acknowledged' as const, revision: 2 };
    await store.update(acknowledged, read.etag, { ...raisedEvent(record), revision: 2, type: 'acknowledged' }, []);
    const closed = { ...record, status: 'closed' as const, revision: 2 };
    await assert.rejects(store.update(closed, read.etag, { ...raisedEvent(record), revision: 3, type: 'closed' }, []), StaleConcernError);
    assert.equal((await store.get(record.id))?.record.status, 'acknowledged');
    // The raw client sees the same: a 412 from the emulator.
    await assert.rejects(tables.concerns.updateEntity({ partitionKey: record.id, rowKey: 'concern', status: 'x' }, 'Merge', { etag: read.etag }), (e: { statusCode?: number }) => e.statusCode === 412);
  });

  it('when reference numbers are taken by many writers at once, then each gets a different number', async () => {
    const counters = new CounterStore(tables.counters);
    const numbers = await Promise.all(Array.from({ length: 20 }, () => counters.next('concern', '2027')));
    assert.equal(new Set(numbers).size, 20);
    assert.deepEqual([...numbers].sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('when two dispatchers race over the same outbox, then every entry is delivered exactly once', async () => {
    const store = new ConcernStore(tables.concerns);
    const record = concern();
    const entries = Array.from({ length: 12 }, (_, i) => newOutboxEntry({ kind: 'leadCard', recipient: `race-${i}`, revision: 1, now: new Date(Date.now() - 1000) }));
    await store.create(record, raisedEvent(record), entries);
    const delivered: string[] = [];
    const deliver: DeliverEntry = async (entry) => {
      delivered.push(entry.recipient);
      await new Promise((resolve) => setTimeout(resolve, 5));
      return { activityId: 'a' };
    };
    const outbox = new OutboxStore(tables.concerns);
    const make = () => new OutboxDispatcher([outbox], deliver, () => [], systemClock, createLogger({ silent: true }));
    await Promise.all([make().runOnce(), make().runOnce(), make().runOnce()]);
    assert.equal(delivered.filter((r) => r.startsWith('race-')).length, 12);
    assert.equal(new Set(delivered).size, delivered.length, 'nothing delivered twice');
    assert.ok((await outbox.list(record.id)).every((e) => e.state === 'sent'));
  });

  it('when a draft far longer than one Table property is saved, then it reads back whole, and racing saves get distinct versions', async () => {
    const store = new ProtocolStore(tables.templates);
    const author = { aadObjectId: 'aad-x', name: 'X' };
    const long = 'Ω'.repeat(150_000); // well over 64 KiB in one string
    const save = (text: string) =>
      store.saveVersion('support', 'pathway', { template: 'pathway', text }, author, new Date(), (current) => {
        const record = { ...current, status: 'drafting' as const, revision: current.revision + 1, latestVersion: current.latestVersion + 1 };
        return { record, event: { revision: record.revision, type: 'saved' as const, by: author, at: new Date().toISOString(), detail: 'saved' } };
      });
    await save(long);
    const read = await store.version('support', 'pathway', 1);
    assert.equal(read?.content.template === 'pathway' ? read.content.text : '', long);
    await Promise.all([save('a'), save('b'), save('c')]);
    assert.deepEqual((await store.versions('support', 'pathway')).map((v) => v.version), [4, 3, 2, 1]);
    assert.equal((await store.status('support', 'pathway')).record.latestVersion, 4);
  });

  it('when a reminder step is recorded twice, then the second is refused by the ledger (409) and writes nothing', async () => {
    const store = new ProtocolStore(tables.templates);
    const entry = newOutboxEntry({ kind: 'reminder', recipient: 'aad-lead', now: new Date(), key: 'before-7', payload: { group: 'housing', template: 'strategy', step: 'before-7' } });
    assert.equal(await store.recordReminder('nrm', 'strategy', 'before-7', new Date(), [entry]), true);
    assert.equal(await store.recordReminder('nrm', 'strategy', 'before-7', new Date(), [{ ...entry, rowKey: `${entry.rowKey}-2` }]), false);
    assert.deepEqual((await store.remindersSent('nrm', 'strategy')).map((r) => r.step), ['before-7']);
    assert.equal((await new OutboxStore(tables.templates).list('nrm|strategy')).length, 1);
  });

  it('when the audit log is written, then events read back by concern and by day, in order', async () => {
    const audit = new AuditLog(tables.audit);
    const id = randomUUID();
    await audit.append({ at: '2027-03-01T10:00:00.000Z', actorId: 'a', action: 'concern.viewed', concernId: id, outcome: 'allowed' });
    await audit.append({ at: '2027-03-01T09:00:00.000Z', actorId: 'b', action: 'concern.refused', concernId: id, outcome: 'refused', reason: 'not a lead' });
    const events = await audit.forConcern(id);
    assert.deepEqual(events.map((e) => e.actorId), ['b', 'a']);
    assert.equal((await audit.forDay('2027-03-01')).length, 2);
  });

  it('when an activity is seen twice, then the ledger says so the second time', async () => {
    const ledger = new ActivityLedger(tables.activities);
    assert.equal(await ledger.firstSeen('conv/with#odd?chars', 'act-1'), true);
    assert.equal(await ledger.firstSeen('conv/with#odd?chars', 'act-1'), false);
    assert.equal(await ledger.firstSeen('conv/with#odd?chars', 'act-2'), true);
  });

  it('when a conversation reference is saved again with a new service URL, then the new one is kept', async () => {
    const store = new ConversationStore(tables.conversations);
    await store.savePersonal('aad-x', { serviceUrl: 'https://old.example/', reference: { conversation: { id: 'a:1' } } }, new Date());
    await store.savePersonal('aad-x', { serviceUrl: 'https://new.example/', reference: { conversation: { id: 'a:1' } } }, new Date());
    assert.equal((await store.personal('aad-x'))?.serviceUrl, 'https://new.example/');
    const key = await store.saveChannel('19:abc@thread.tacv2', { serviceUrl: 'https://s/', reference: {} }, new Date());
    assert.equal((await store.channel(key))?.serviceUrl, 'https://s/');
  });
});
