import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { statisticsRow } from '../../src/domain/statistics.js';
import { ConcernStore } from '../../src/storage/concernStore.js';
import { startEmbeddedTables } from '../../src/storage/embeddedAzurite.js';
import { StatisticsStore } from '../../src/storage/statisticsStore.js';
import { openTables } from '../../src/storage/tables.js';
import { testProtocol } from '../support/people.js';
import { auditFor, concernRecord, raisedEvent } from '../support/records.js';

const run = promisify(execFile);
const ROOT = path.join(__dirname, '..', '..');

describe('npm run figures:rebuild', function () {
  this.timeout(90_000);

  it('when the projection rows are lost or wrong, then the command rebuilds them from the concern records and says what it did', async () => {
    const emulator = await startEmbeddedTables(undefined);
    const dir = mkdtempSync(path.join(tmpdir(), 'figures-cli-'));
    const file = path.join(dir, 'protocol.json');
    writeFileSync(file, JSON.stringify(testProtocol()));
    try {
      const tables = await openTables({ connectionString: emulator.connectionString });
      const concerns = new ConcernStore(tables.concerns);
      const records = [concernRecord(), concernRecord({ treatedAsChild: true }), concernRecord({ caseDetails: { ageYears: 30, outcomes: {} } })];
      for (const record of records) await concerns.create(record, raisedEvent(record), [], auditFor(record));
      // One row lost, one changed by hand, one left as it was.
      await tables.concerns.deleteEntity(records[0]!.id, 'stats');
      await tables.concerns.updateEntity({ partitionKey: records[1]!.id, rowKey: 'stats', stats: '{"wrong":true}' }, 'Merge');

      const { stdout } = await run(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src', 'cli', 'figuresRebuild.ts')], {
        cwd: ROOT,
        env: { ...process.env, TABLES_CONNECTION_STRING: emulator.connectionString, NODE_ENV: 'development', PROTOCOL_CONFIG: file, NODE_OPTIONS: '' },
      });
      assert.match(
        stdout,
        /^Statistics projection rebuilt from 3 concern records in [\d.]+ s: 2 rows written, 1 already right, 0 without a concern removed, 0 changed by the app meanwhile/,
      );
      const stored = new Map((await new StatisticsStore(tables.concerns).all()).map((row) => [row.concernId, row.json]));
      for (const record of records) assert.equal(stored.get(record.id), JSON.stringify(statisticsRow(record)));
    } finally {
      await emulator.close();
    }
  });
});
