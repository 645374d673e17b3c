import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = path.join(__dirname, '..');

describe('the production build', function () {
  this.timeout(120_000);

  it('when the app is compiled with npm run build, then plain node runs it (no tsx) and it answers /healthz', async () => {
    // Inside the project (build/ is ignored), so the compiled app finds node_modules as dist/ would.
    mkdirSync(path.join(ROOT, 'build'), { recursive: true });
    const out = mkdtempSync(path.join(ROOT, 'build', 'dist-'));
    await run(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', out], { cwd: ROOT });
    const env = {
      ...process.env,
      PORT: '0',
      DATA_DIR: path.join(out, 'data'),
      PROTOCOL_CONFIG: path.join(ROOT, 'config', 'protocol.demo.json'),
      NODE_OPTIONS: '',
    };
    const child = spawn(process.execPath, [path.join(out, 'index.js')], { cwd: ROOT, env });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let text = '';
        child.stdout.on('data', (chunk: Buffer) => {
          text += chunk.toString();
          const found = /Bot listening on (http:\/\/[^/\s]+)/.exec(text);
          if (found) resolve(found[1]!);
        });
        child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
        child.on('exit', (code) => reject(new Error(`the built app exited with ${code}: ${text.slice(0, 500)}`)));
      });
      const health = await fetch(`${url}/healthz`);
      assert.equal(health.status, 200);
      assert.deepEqual(await health.json(), { status: 'ok' });
    } finally {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((resolve) => child.once('exit', resolve));
      }
      rmSync(out, { recursive: true, force: true });
    }
  });
});
