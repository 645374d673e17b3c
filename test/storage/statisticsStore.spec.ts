import assert from 'node:assert/strict';
import { tableClientFor } from '../../src/storage/tables.js';
import { randomUUID } from 'node:crypto';
import { TableClient } from '@azure/data-tables';
import type { IndexedRow } from '../../src/domain/figures.js';
import { StatisticsStore, type StatisticsSnapshot } from '../../src/storage/statisticsStore.js';
import { usingAzurite } from '../support/azurite.js';

describe('the statistics store in Azurite', function () {
  this.timeout(60_000);
  const world = usingAzurite();
  let table: TableClient;
  let store: StatisticsStore;

  before(async () => {
    table = tableClientFor(world.connectionString, `stats${randomUUID().replace(/-/g, '').slice(0, 12)}`);
    await table.createTable();
    store = new StatisticsStore(table);
  });

  const row = (i: number): IndexedRow => ({
    raisedAt: new Date(Date.UTC(2027, 0, 1) + i * 60_000).toISOString(),
    raisedOn: '2027-01-01',
    status: 'new',
    group: 'housing',
    ageBand: 'under16',
    child: true,
    types: ['sexual'],
    ageYears: i % 18,
    outcomes: {},
  });
  const snapshot = (rows: number, epoch = 'first'): StatisticsSnapshot => ({
    epoch,
    syncedTo: Date.UTC(2027, 0, 2),
    timeZone: 'Europe/London',
    version: 1,
    rows: Array.from({ length: rows }, (_, i) => [randomUUID(), row(i)]),
  });

  it('when a snapshot is bigger than one entity holds, then it is saved in parts and read back whole', async () => {
    const saved = snapshot(80_000);
    await store.writeSnapshot(saved);
    const head = await store.head();
    assert.ok(head && head.parts > 1, `saved in ${head?.parts} parts`);
    assert.deepEqual(await store.readSnapshot(), saved);
  });

  it('when a new snapshot is saved, then the head points at it and the previous parts are gone', async () => {
    const before = (await store.head())!;
    const saved = snapshot(10, 'rebuilt');
    await store.writeSnapshot(saved);
    const head = (await store.head())!;
    assert.notEqual(head.generation, before.generation);
    assert.equal(head.epoch, 'rebuilt');
    assert.deepEqual(await store.readSnapshot(), saved);
    const parts: string[] = [];
    for await (const entity of table.listEntities({ queryOptions: { filter: "PartitionKey eq 'statistics'" } })) parts.push(entity.rowKey!);
    assert.deepEqual(parts.sort(), ['head', `part|${head.generation}|00000`]);
  });
});
