import assert from 'node:assert/strict';
import { tableClientFor } from '../../src/storage/tables.js';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { TableClient } from '@azure/data-tables';
import { walkAuditChains } from '../../src/storage/auditChain.js';
import { AuditLog, chainRowKey, hashRow, type AuditEvent, type ChainRow } from '../../src/storage/auditLog.js';
import { startEmbeddedTables } from '../../src/storage/embeddedAzurite.js';
import { usingAzurite } from '../support/azurite.js';

const run = promisify(execFile);
const ROOT = path.join(__dirname, '..', '..');

const DAY = '2027-05-04';
const event = (n: number, overrides: Partial<AuditEvent> = {}): AuditEvent => ({
  at: `${DAY}T09:${String(n % 60).padStart(2, '0')}:00.000Z`,
  actorId: `aad-${n}`,
  action: 'concern.viewed',
  concernId: randomUUID(),
  outcome: 'allowed',
  ...overrides,
});

describe('the audit hash chain, in Azurite', () => {
  const world = usingAzurite();

  /** A table of its own, so tampering here cannot upset any other test. */
  async function freshAuditTable(): Promise<TableClient> {
    const table = tableClientFor(world.connectionString, `audit${randomUUID().replaceAll('-', '').slice(0, 20)}`);
    await table.createTable();
    return table;
  }

  async function chainOf(table: TableClient): Promise<ChainRow[]> {
    const rows: ChainRow[] = [];
    for await (const row of table.listEntities<ChainRow>()) if (row.rowKey?.startsWith('chain|')) rows.push(row);
    return rows.sort((a, b) => a.seq - b.seq);
  }

  async function logWith(count: number) {
    const table = await freshAuditTable();
    const audit = new AuditLog(table);
    await Promise.all(Array.from({ length: count }, (_, i) => audit.append(event(i + 1))));
    return { table, audit, chain: await chainOf(table) };
  }

  it('when events are appended, then each row links to the hash of the one before it and the walk finds the chain intact', async () => {
    const { audit, chain } = await logWith(7);
    assert.deepEqual(
      chain.map((r) => r.seq),
      [1, 2, 3, 4, 5, 6, 7],
    );
    for (const [i, row] of chain.entries()) {
      assert.equal(row.prevHash, i === 0 ? '0'.repeat(64) : chain[i - 1]!.hash);
      const { hash, ...content } = row;
      assert.equal(hashRow(content), hash);
    }
    assert.equal((await audit.forDay(DAY)).length, 7, 'the day reads back its events, not the id markers beside them');
    assert.deepEqual(await walkAuditChains(audit.rows()), { days: 1, rows: 7, problems: [] });
  });

  it('when two app instances append to the same day at once, then every event gets its own place in one unbroken chain', async () => {
    const table = await freshAuditTable();
    const first = new AuditLog(table);
    const second = new AuditLog(table); // another instance: its own idea of the head, the same table
    await Promise.all(Array.from({ length: 60 }, (_, i) => (i % 2 ? first : second).append(event(i + 1))));
    const chain = await chainOf(table);
    assert.deepEqual(
      chain.map((r) => r.seq),
      Array.from({ length: 60 }, (_, i) => i + 1),
    );
    assert.equal(new Set(chain.map((r) => r.actorId)).size, 60, 'no event lost or written twice');
    assert.deepEqual((await walkAuditChains(first.rows())).problems, []);
  });

  it('when the same event is appended twice (a retry after a crash), then it is in the log once', async () => {
    const table = await freshAuditTable();
    const eventId = randomUUID();
    await new AuditLog(table).append(event(1), eventId);
    await new AuditLog(table).append(event(1), eventId);
    await new AuditLog(table).append(event(2));
    assert.deepEqual(
      (await chainOf(table)).map((r) => r.seq),
      [1, 2],
    );
  });

  it('when the same event is appended twice at the same moment in one process, then it is written once and both appends succeed', async () => {
    const table = await freshAuditTable();
    const audit = new AuditLog(table);
    const eventId = randomUUID();
    await Promise.all([audit.append(event(1), eventId), audit.append(event(1), eventId), audit.append(event(2))]);
    assert.deepEqual(
      (await chainOf(table)).map((r) => r.seq),
      [1, 2],
    );
  });

  it('when a row is changed in storage, then the walk names that row as changed', async () => {
    const { table, audit, chain } = await logWith(5);
    await table.updateEntity({ partitionKey: DAY, rowKey: chainRowKey(3), outcome: 'refused' }, 'Merge');
    const { problems } = await walkAuditChains(audit.rows());
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, new RegExp(`${DAY}: row 3 \\(${chain[2]!.at} concern.viewed by aad-\\d+\\) was changed`));
  });

  it('when a row is deleted from the middle, then the walk names the missing row', async () => {
    const { table, audit } = await logWith(5);
    await table.deleteEntity(DAY, chainRowKey(2));
    assert.deepEqual((await walkAuditChains(audit.rows())).problems, [`${DAY}: row 2 is missing (deleted)`]);
  });

  it('when a row is replaced by a forged one with a correct hash of its own, then the walk names the broken link', async () => {
    const { table, audit, chain } = await logWith(4);
    const original = chain[1]!;
    const forged = {
      seq: 2,
      eventId: randomUUID(),
      at: original.at,
      actorId: 'someone-else',
      action: original.action,
      outcome: original.outcome,
      prevHash: original.prevHash,
    };
    await table.upsertEntity({ partitionKey: DAY, rowKey: chainRowKey(2), ...forged, hash: hashRow(forged) }, 'Replace');
    const { problems } = await walkAuditChains(audit.rows());
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, /row 3 .* does not link to row 2 before it: one of the two was replaced or inserted/);
  });

  it('when a row is inserted by hand outside the chain, then the walk names it', async () => {
    const { table, audit } = await logWith(3);
    await table.createEntity({ partitionKey: DAY, rowKey: `${DAY}T10:00:00.000Z|manual`, actorId: 'x', action: 'concern.viewed', outcome: 'allowed' });
    assert.deepEqual((await walkAuditChains(audit.rows())).problems, [`${DAY}: row "${DAY}T10:00:00.000Z|manual" is not part of the chain (inserted)`]);
  });
});

describe('npm run audit:verify', function () {
  this.timeout(60_000);

  it('when the audit log is intact it says so and exits 0; when a row was changed it names the row and exits 1', async () => {
    const emulator = await startEmbeddedTables(undefined); // its own storage: the command reads the whole audit table
    try {
      const table = tableClientFor(emulator.connectionString, 'audit');
      await table.createTable();
      const audit = new AuditLog(table);
      for (let n = 1; n <= 3; n++) await audit.append(event(n));
      await audit.append({ ...event(4), at: '2027-05-05T08:00:00.000Z' });
      const verify = () =>
        run(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src', 'cli', 'auditVerify.ts')], {
          cwd: ROOT,
          env: { ...process.env, TABLES_CONNECTION_STRING: emulator.connectionString, NODE_ENV: 'development', NODE_OPTIONS: '' },
        });
      const intact = await verify();
      assert.match(intact.stdout, /Audit log: 4 rows over 2 days\.\nEvery chain is intact/);

      await table.updateEntity({ partitionKey: DAY, rowKey: chainRowKey(2), reason: 'edited later' }, 'Merge');
      const tampered = await verify().then(
        () => assert.fail('audit:verify should exit 1 when a row was changed'),
        (error: { code: number; stdout: string }) => error,
      );
      assert.equal(tampered.code, 1);
      assert.match(tampered.stdout, new RegExp(`PROBLEM ${DAY}: row 2 \\(.*\\) was changed after it was written\\n1 problem\\(s\\) found\\.`));
    } finally {
      await emulator.close();
    }
  });
});
