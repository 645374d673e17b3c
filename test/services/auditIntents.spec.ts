import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { TableClient, TransactionAction } from '@azure/data-tables';
import { DEMO_PROTOCOL_PATH, loadProtocol } from '../../src/config.js';
import { INTENT_GRACE_MS, recoverAuditIntents, RELOOK_MS } from '../../src/services/auditIntents.js';
import { ConcernService } from '../../src/services/concernService.js';
import { Directory } from '../../src/services/directory.js';
import { auditEntity, auditIntentIndexEntity } from '../../src/storage/auditIntentIndex.js';
import { AuditLog } from '../../src/storage/auditLog.js';
import { ConcernExistsError, ConcernStore, toEntity } from '../../src/storage/concernStore.js';
import { CounterStore } from '../../src/storage/counterStore.js';
import { settleInTransactions } from '../../src/storage/tables.js';
import { usingAzurite } from '../support/azurite.js';
import { freshTable } from '../support/freshTable.js';
import { validIntake } from '../support/harness.js';
import { auditFor, concernRecord, raisedEvent } from '../support/records.js';

const protocol = loadProtocol(DEMO_PROTOCOL_PATH);
const lead = protocol.modernSlaveryLeads[0]!;
const MINUTE = 60_000;

/** The audit log as the process that died saw it: the concern's transaction committed, then nothing more reached the audit table. */
class DyingAuditLog extends AuditLog {
  override append(): Promise<void> {
    return Promise.reject(new Error('process died before the audit write'));
  }
}

describe('a concern and its audit rows, when the process dies between the two writes', () => {
  const world = usingAzurite();
  const T0 = new Date();
  /** The clock of the app that makes the changes. */
  const clock = { at: T0, now: () => clock.at };
  let table: TableClient;

  beforeEach(async () => {
    // Its own concerns table, so a pass sees only this test's rows (and the backfill marker is this test's).
    table = await freshTable(world.connectionString);
    clock.at = T0;
  });

  function service(audit: AuditLog) {
    return new ConcernService({
      concerns: new ConcernStore(table),
      counters: new CounterStore(world.tables.counters),
      leadRefreshIds: () => Promise.resolve([]),
      audit,
      directory: new Directory(protocol),
      timeZone: protocol.timeZone,
      clock,
      outboxWritten: () => undefined,
    });
  }

  /** A recovery pass, as the scheduler of an instance runs it, `minutes` after T0. */
  const passAt = (minutes: number, audit = new AuditLog(world.tables.audit)) =>
    recoverAuditIntents({ concerns: new ConcernStore(table), audit, clock: { now: () => new Date(T0.getTime() + minutes * MINUTE) } });

  const actions = async (audit: AuditLog, concernId: string, action: string) => (await audit.forConcern(concernId)).filter((e) => e.action === action);
  const raise = async (audit: AuditLog) => {
    const result = await service(audit).raise({ aadObjectId: `aad-${randomUUID()}`, name: 'Sam' }, randomUUID(), validIntake());
    assert.equal(result.kind, 'created');
    return result.kind === 'created' ? result.concern : assert.fail('not created');
  };

  it('when the audit write is lost after a concern is stored, then the raiser is still told it was raised, and the next pass writes its "raised" row exactly once', async () => {
    const audit = new AuditLog(world.tables.audit);
    const concern = await raise(new DyingAuditLog(world.tables.audit));
    assert.equal((await actions(audit, concern.id, 'concern.raised')).length, 0, 'the audit write was lost');

    assert.equal(await passAt(2), 1);
    assert.equal(await passAt(7), 0, 'nothing left to recover');
    const rows = await actions(audit, concern.id, 'concern.raised');
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.actorId, concern.reporter.aadObjectId);
  });

  it('when a recovery pass runs at the same moment as the normal write, then the "raised" row is still written once', async () => {
    const audit = new AuditLog(world.tables.audit);
    const [concern] = await Promise.all([raise(audit), passAt(2)]);
    await passAt(7);
    assert.equal((await actions(audit, concern.id, 'concern.raised')).length, 1);
  });

  it('when two instances recover at the same moment, then every intent left behind is written once and neither pass fails', async () => {
    const dying = new DyingAuditLog(world.tables.audit);
    const concerns = await Promise.all(Array.from({ length: 30 }, () => raise(dying)));
    const [first, second] = await Promise.all([passAt(2), passAt(2)]);
    assert.ok(first + second >= 30, 'between them, every intent was copied');
    const audit = new AuditLog(world.tables.audit);
    for (const concern of concerns) assert.equal((await actions(audit, concern.id, 'concern.raised')).length, 1);
    assert.deepEqual(await new ConcernStore(table).auditIntents.due(new Date(T0.getTime() + 60 * MINUTE)), [], 'no index row is left');
  });

  it('when a Lead\'s change is stored but its audit write is lost, then the next pass writes the "changed" row', async () => {
    const audit = new AuditLog(world.tables.audit);
    const concern = await raise(audit);
    await passAt(0); // the app's pass at start
    clock.at = new Date(T0.getTime() + 10 * MINUTE);
    const acknowledged = await service(new DyingAuditLog(world.tables.audit)).act(lead, concern.id, 1, 'acknowledge', {});
    assert.equal(acknowledged.kind, 'ok');
    assert.equal((await actions(audit, concern.id, 'concern.changed')).length, 0);
    assert.equal(await passAt(10.5), 0, 'looked at a minute after the change, not before');
    assert.equal(await passAt(12), 1);
    assert.deepEqual(
      (await actions(audit, concern.id, 'concern.changed')).map((e) => [e.actorId, e.reason]),
      [[lead.aadObjectId, 'acknowledged']],
    );
  });

  it('when many concerns are stored and copied as normal, then one pass clears their index rows, and later passes no longer read the table', async () => {
    const audit = new AuditLog(world.tables.audit);
    await Promise.all(Array.from({ length: 40 }, () => raise(audit)));
    const index = new ConcernStore(table).auditIntents;
    assert.equal((await index.due(new Date(T0.getTime() + 2 * MINUTE))).length, 40, 'one index row per change, left by the normal copy');
    assert.equal(await passAt(2), 0, 'every intent had been copied');
    assert.deepEqual(await index.due(new Date(T0.getTime() + 60 * MINUTE)), [], 'nothing left for a later pass to read');

    // An intent written without its index row (as no version of the app now writes one): a pass
    // that scanned the table would find and copy it; one that reads only the index does not.
    const stray = concernRecord();
    const intent = auditFor(stray);
    await table.createEntity(auditEntity(stray.id, intent));
    assert.equal(await passAt(10), 0);
    assert.equal(await audit.has(intent.eventId, intent.event.at), false, 'the pass did not scan the concerns');
  });

  it('when a change never lands after its index row was written (the same card created twice), then its row is looked at every half hour for a day, then dropped, and nothing is written to the audit log', async () => {
    const audit = new AuditLog(world.tables.audit);
    const store = new ConcernStore(table);
    const record = concernRecord({ createdAt: T0.toISOString(), updatedAt: T0.toISOString() });
    const stored = auditFor(record);
    const neverStored = auditFor(record);
    await store.create(record, raisedEvent(record), [], stored);
    await assert.rejects(store.create(record, raisedEvent(record), [], neverStored), ConcernExistsError);

    const waiting = async (minutes: number) => (await store.auditIntents.due(new Date(T0.getTime() + minutes * MINUTE))).map((r) => r.eventId);
    assert.equal(await passAt(2), 1, 'the stored intent (never copied here) is copied');
    // Its transaction may still be held up by failing storage: kept, but moved on, so later passes do not read it again and again.
    assert.deepEqual(await waiting(2), [], 'moved on from the range due');
    assert.deepEqual(await waiting(2 + RELOOK_MS / MINUTE), [neverStored.eventId], 'due again half an hour on');
    const day = INTENT_GRACE_MS / MINUTE;
    await passAt(day); // a day after it was first due, less a minute: still kept
    assert.deepEqual(await waiting(day + RELOOK_MS / MINUTE), [neverStored.eventId], 'kept within the grace');
    assert.equal(await passAt(day + RELOOK_MS / MINUTE), 0);
    assert.deepEqual(await waiting(2 * day), [], 'dropped after it');
    assert.equal(await audit.has(neverStored.eventId, neverStored.event.at), false);
    assert.equal((await actions(audit, record.id, 'concern.raised')).length, 1);
  });

  it('when a change lands after its row was first looked at (storage held it up), then its intent is still copied', async () => {
    const audit = new AuditLog(world.tables.audit);
    const record = concernRecord({ createdAt: T0.toISOString(), updatedAt: T0.toISOString() });
    const late = auditFor(record);
    // The write-ahead row went in; the concern's own transaction is held up past the first passes.
    await table.createEntity(auditIntentIndexEntity(record.id, late, T0));
    assert.equal(await passAt(2), 0);
    assert.equal(await passAt(40), 0, 'still not stored after the passes of the next 40 minutes');
    await table.createEntity(auditEntity(record.id, late)); // the held-up transaction lands, and its copy fails
    assert.equal(await passAt(40 + RELOOK_MS / MINUTE), 1);
    assert.equal(await audit.has(late.eventId, late.event.at), true);
  });

  it('when more intents were left behind than a page holds (an outage), then one pass copies them all', async () => {
    await passAt(0); // the app's pass at start
    const records = Array.from({ length: 6 }, () => concernRecord({ createdAt: T0.toISOString(), updatedAt: T0.toISOString() }));
    const intents = records.flatMap((record) => Array.from({ length: 100 }, () => ({ concernId: record.id, intent: auditFor(record) })));
    // As 600 changes whose copies all failed leave them: each intent with its index row.
    const rows = intents.flatMap(({ concernId, intent }): TransactionAction[] => [
      ['create', auditEntity(concernId, intent)],
      ['upsert', auditIntentIndexEntity(concernId, intent, T0), 'Replace'],
    ]);
    await settleInTransactions(table, rows);

    assert.equal(await passAt(2), 600);
    const audit = new AuditLog(world.tables.audit);
    const copied = await Promise.all(intents.map(({ intent }) => audit.has(intent.eventId, intent.event.at)));
    assert.equal(copied.filter(Boolean).length, 600);
  });

  it('when a store holds intents from before the index, then the first pass indexes and copies each once, and marks the store indexed', async () => {
    const audit = new AuditLog(world.tables.audit);
    const old = concernRecord({ createdAt: T0.toISOString(), updatedAt: T0.toISOString() });
    const intent = auditFor(old);
    // As an older version stored a concern whose audit copy failed: no index row.
    await table.createEntity(toEntity(old));
    await table.createEntity(auditEntity(old.id, intent));

    assert.equal(await passAt(0), 1);
    assert.equal(await passAt(5), 0);
    assert.equal((await actions(audit, old.id, 'concern.raised')).length, 1);
    assert.equal(await new ConcernStore(table).auditIntents.indexOnce(T0), 0, 'the marker is stored: no instance scans again');
  });
});
