import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import net from 'node:net';

/** The account key every Azurite instance uses; public, documented, and only valid for the emulator. */
const AZURITE_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface EmbeddedTables {
  connectionString: string;
  /** Undefined while the emulator runs; how it ended (exit code or signal) once it has stopped. */
  ended(): string | undefined;
  close(): Promise<void>;
}

/** A free loopback port, found by letting the OS pick one. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

async function waitUntilListening(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Azurite exited with code ${child.exitCode} before it was ready`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`Azurite did not start on port ${port} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Azurite is a development dependency: a production install (npm ci --omit=dev) does not have it. */
function azuriteTableService(): string {
  try {
    return require.resolve('azurite/dist/src/table/main.js');
  } catch {
    throw new Error(
      'The embedded storage emulator (azurite) is not installed: it is a development dependency. Set TABLES_ENDPOINT (Azure, with the managed identity) or TABLES_CONNECTION_STRING (an emulator you run).',
    );
  }
}

/**
 * Starts Azurite's Table service (the official Azure Tables emulator, from npm) as a child process
 * on loopback: on disk under `dataDir`, so a restart loses nothing, or in memory when `dataDir` is
 * undefined (tests). It runs in its own process so that the emulator and the bot never share an
 * event loop or an HTTP parser (an HTTP library that swapped Node's parser once broke its filters).
 */
export async function startEmbeddedTables(dataDir: string | undefined): Promise<EmbeddedTables> {
  const azurite = azuriteTableService();
  const port = await freePort();
  const storageArgs = dataDir ? ['--location', dataDir] : ['--inMemoryPersistence'];
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const child = spawn(
    process.execPath,
    [azurite, '--tableHost', '127.0.0.1', '--tablePort', String(port), '--disableTelemetry', '--silent', '--skipApiVersionCheck', ...storageArgs],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const killChild = () => child.kill('SIGKILL');
  process.once('exit', killChild); // never leave an emulator running after the app
  try {
    await waitUntilListening(port, child, 20_000);
  } catch (error) {
    killChild();
    throw error;
  }
  let ended: string | undefined;
  child.once('exit', (code, signal) => (ended = signal ? `signal ${signal}` : `exit code ${code}`));
  return {
    ended: () => ended,
    connectionString: `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${AZURITE_KEY};TableEndpoint=http://127.0.0.1:${port}/devstoreaccount1;`,
    close: async () => {
      process.removeListener('exit', killChild);
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
