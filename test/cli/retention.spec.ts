import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { ConcernRecord } from '../../src/domain/concernRecord.js';
import { ConcernStore } from '../../src/storage/concernStore.js';
import { startEmbeddedTables } from '../../src/storage/embeddedAzurite.js';
import { openTables } from '../../src/storage/tables.js';
import { auditFor, concernRecord, raisedEvent } from '../support/records.js';

const run = promisify(execFile);
const ROOT = path.join(__dirname, '..', '..');
const OBSERVED = 'canary-cli: the observed text must never be printed';

describe('npm run retention', function () {
  this.timeout(90_000);

  it('when run as of an instant, then a dry run lists what it would anonymise and changes nothing, the real run anonymises it, and a second run finds nothing more', async () => {
    const emulator = await startEmbeddedTables(undefined); // its own storage: the command reads every concern
    try {
      const concerns = new ConcernStore((await openTables({ connectionString: emulator.connectionString })).concerns);
      const closed = (reference: string, closedAt: string, extra: Partial<ConcernRecord> = {}) => {
        const base = concernRecord();
        return concernRecord({
          reference,
          createdAt: '2018-01-10T09:00:00.000Z',
          status: 'closed',
          closedAt,
          outcome: 'noFurtherAction',
          intake: { ...base.intake, observed: OBSERVED },
          ...extra,
        });
      };
      const seeded = [
        closed('MS-2018-000001', '2018-02-01T10:00:00.000Z'),
        closed('MS-2018-000002', '2018-02-01T10:00:00.000Z', {
          legalHold: { reason: 'canary-hold', by: { aadObjectId: 'aad-lead', name: 'Lee' }, at: '2024-01-01T00:00:00.000Z' },
        }),
        closed('MS-2018-000003', '2024-02-01T10:00:00.000Z'),
        concernRecord({ reference: 'MS-2018-000004', createdAt: '2018-01-10T09:00:00.000Z' }),
      ];
      for (const record of seeded) await concerns.create(record, raisedEvent(record), [], auditFor(record));
      const retention = (...args: string[]) =>
        run(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src', 'cli', 'retention.ts'), ...args], {
          cwd: ROOT,
          env: { ...process.env, TABLES_CONNECTION_STRING: emulator.connectionString, NODE_ENV: 'development', PROTOCOL_CONFIG: '', NODE_OPTIONS: '' },
        });

      const dry = await retention('--at', '2025-01-01T00:00:00Z', '--dry-run');
      assert.match(dry.stdout, /^Retention pass as of 2025-01-01T00:00:00.000Z \(dry run: nothing is changed\)$/m);
      assert.match(dry.stdout, /^would anonymise\s+MS-2018-000001 {2}kept until 2024-02-01: adult: 6 years after closure$/m);
      assert.match(dry.stdout, /^legal hold\s+MS-2018-000002 {2}kept until 2024-02-01: adult: 6 years after closure \(left as it is\)$/m);
      assert.match(dry.stdout, /^1 to anonymise, 1 on legal hold, 1 not yet due, 0 anonymised before, 0 changed meanwhile\.$/m);
      assert.equal((await concerns.get(seeded[0]!.id))!.record.intake.observed, OBSERVED, 'the dry run changed nothing');

      const real = await retention('--at', '2025-01-01T00:00:00Z');
      assert.match(real.stdout, /^anonymised\s+MS-2018-000001 /m);
      assert.match(real.stdout, /^1 anonymised, 1 on legal hold, 1 not yet due, 0 anonymised before, 0 changed meanwhile\.$/m);
      assert.equal((await concerns.get(seeded[0]!.id))!.record.intake.observed, '');
      assert.equal((await concerns.get(seeded[1]!.id))!.record.intake.observed, OBSERVED);

      const again = await retention('--at', '2025-01-02T00:00:00Z');
      assert.match(again.stdout, /^0 anonymised, 1 on legal hold, 1 not yet due, 1 anonymised before, 0 changed meanwhile\.$/m);
      for (const output of [dry, real, again]) assert.ok(!/canary/i.test(output.stdout + output.stderr), 'only references and rules are printed');
    } finally {
      await emulator.close();
    }
  });

  it('when --at is in the future without --dry-run, or missing, then it refuses with the usage and exit code 2', async () => {
    const refused = (...args: string[]) =>
      run(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src', 'cli', 'retention.ts'), ...args], {
        cwd: ROOT,
        env: { ...process.env, NODE_OPTIONS: '' },
      }).then(
        () => assert.fail('it should have refused'),
        (error: { code: number; stderr: string }) => error,
      );
    const future = await refused('--at', '2999-01-01T00:00:00Z');
    assert.equal(future.code, 2);
    assert.match(future.stderr, /--at 2999-01-01T00:00:00Z is in the future: only a --dry-run may look ahead\.\nusage: npm run retention/);
    const missing = await refused();
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--at must be an ISO date and time/);
  });
});
