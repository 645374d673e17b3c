import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startEmbeddedTables, type EmbeddedTables } from '../src/storage/embeddedAzurite.js';

const run = promisify(execFile);
const ROOT = path.join(__dirname, '..');

/** Starts the built app with plain node; resolves with its URL, or rejects with what it printed if it exits first. */
function startBuilt(dir: string, env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, [path.join(dir, 'dist', 'index.js')], { cwd: dir, env });
  let text = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const url = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const found = /Bot listening on (http:\/\/[^/\s]+)/.exec(text);
      if (found) resolve(found[1]!);
    });
    child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
    void exited.then((code) => reject(new Error(`the built app exited with ${code}: ${text.slice(0, 800)}`)));
  });
  url.catch(() => undefined);
  return {
    url,
    exited,
    output: () => text,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}

describe('the production build, installed without development dependencies', function () {
  this.timeout(240_000);
  let dir: string;
  let emulator: EmbeddedTables;

  // As the README's Deploy section does it: compile, then a production-only install beside dist/,
  // outside this project so nothing can be found in its node_modules by accident.
  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'msp-prod-'));
    await run(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', path.join(dir, 'dist')], { cwd: ROOT });
    for (const file of ['package.json', 'package-lock.json']) cpSync(path.join(ROOT, file), path.join(dir, file));
    cpSync(path.join(ROOT, 'config'), path.join(dir, 'config'), { recursive: true });
    await run('npm', ['ci', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: dir, env: { ...process.env, NODE_OPTIONS: '' } });
    emulator = await startEmbeddedTables(undefined);
  });
  after(async () => {
    await emulator?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const baseEnv = () => ({
    ...process.env,
    PORT: '0',
    NODE_OPTIONS: '',
    NODE_ENV: 'development',
    PROTOCOL_CONFIG: '',
    TABLES_ENDPOINT: '',
    MicrosoftAppId: '',
  });

  it('when installed with npm ci --omit=dev, then tsx, azurite and the test tools are not there', () => {
    for (const tool of ['tsx', 'azurite', 'mocha', 'typescript'])
      assert.equal(existsSync(path.join(dir, 'node_modules', tool)), false, `${tool} was installed`);
    assert.equal(existsSync(path.join(dir, 'node_modules', 'botbuilder')), true);
  });

  it('when started with plain node against table storage, then it answers /healthz and handles a Teams message', async () => {
    const app = startBuilt(dir, { ...baseEnv(), TABLES_CONNECTION_STRING: emulator.connectionString });
    try {
      const url = await app.url;
      const health = await fetch(`${url}/healthz`);
      assert.equal(health.status, 200);
      assert.deepEqual(await health.json(), { status: 'ok' });
      // A message the bot answers (help) exercises the SDK, the cards and storage, all from the production install.
      const message = await fetch(`${url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          type: 'message',
          id: 'm-1',
          text: 'help',
          channelId: 'msteams',
          serviceUrl: 'http://127.0.0.1:9/',
          from: { id: 'u-1', aadObjectId: 'aad-nobody' },
          recipient: { id: 'bot' },
          conversation: { id: 'a:personal-nobody', conversationType: 'personal', tenantId: 'not-the-council' },
          channelData: { tenant: { id: 'not-the-council' } },
        }),
      });
      assert.ok(message.status < 500, `the message got ${message.status}`);
    } finally {
      await app.stop();
    }
  });

  it('when started without storage settings, then it says the embedded emulator is a development tool and what to set instead', async () => {
    const app = startBuilt(dir, { ...baseEnv(), TABLES_CONNECTION_STRING: '', DATA_DIR: path.join(dir, 'data') });
    assert.equal(await app.exited, 1);
    assert.match(app.output(), /azurite\) is not installed: it is a development dependency\. Set TABLES_ENDPOINT .* or TABLES_CONNECTION_STRING/);
  });
});
