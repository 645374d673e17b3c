import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { protocolSchema } from '../../src/domain/protocol.js';
import { startEmbeddedTables } from '../../src/storage/embeddedAzurite.js';
import { giveRole } from '../support/roster.js';
import { testProtocol } from '../support/people.js';

const run = promisify(execFile);
const ROOT = path.join(__dirname, '..', '..');

describe('npm run people -- --export', function () {
  this.timeout(90_000);

  it('when run, then it prints the roles as they are now as a protocol-file fragment: the file seeds them once, later changes show, the file is not read again', async () => {
    const emulator = await startEmbeddedTables(undefined);
    const dir = mkdtempSync(path.join(tmpdir(), 'people-cli-'));
    const file = path.join(dir, 'protocol.json');
    writeFileSync(file, JSON.stringify(testProtocol()));
    const people = (...args: string[]) =>
      run(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src', 'cli', 'people.ts'), ...args], {
        cwd: ROOT,
        env: { ...process.env, TABLES_CONNECTION_STRING: emulator.connectionString, NODE_ENV: 'development', PROTOCOL_CONFIG: file, NODE_OPTIONS: '' },
      });
    try {
      const first = JSON.parse((await people('--export')).stdout) as Record<string, unknown>;
      const expected = testProtocol();
      assert.deepEqual(first, {
        modernSlaveryLeads: expected.modernSlaveryLeads,
        deputies: expected.deputies,
        coordinators: expected.coordinators,
        groups: expected.groups,
      });
      // The fragment is a valid protocol file's people: pasted into a file, it loads.
      assert.ok(protocolSchema.safeParse({ tenantId: 'x', deadline: '2027-07-02', ...first }).success);

      await giveRole(emulator, 'housing.member', { aadObjectId: 'aad-new', name: 'Nova New' });
      writeFileSync(file, JSON.stringify({ ...testProtocol(), deputies: [] }));
      const later = JSON.parse((await people('--export')).stdout) as { groups: { id: string; members: { name: string }[] }[]; deputies: unknown[] };
      assert.ok(later.groups.find((g) => g.id === 'housing')!.members.some((m) => m.name === 'Nova New'));
      assert.equal(later.deputies.length, 1, 'the edited file is not read again');
    } finally {
      await emulator.close();
    }
  });

  it('when run without --export, then it says what it needs and exits with 2', async () => {
    const refused = await run(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src', 'cli', 'people.ts')], {
      cwd: ROOT,
      env: { ...process.env, NODE_OPTIONS: '' },
    }).then(
      () => assert.fail('it should have refused'),
      (error: { code: number; stderr: string }) => error,
    );
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /usage: npm run people -- --export/);
  });
});
