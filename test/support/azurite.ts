import { execFileSync } from 'node:child_process';
import { startEmbeddedTables, type EmbeddedTables } from '../../src/storage/embeddedAzurite.js';
import { openTables, type TableClients } from '../../src/storage/tables.js';

/** What a describe block of storage tests works with; filled in by usingAzurite's before hook. */
export interface AzuriteWorld {
  connectionString: string;
  tables: TableClients;
}

let shared: Promise<EmbeddedTables> | undefined;

// Registered when this module is first loaded, which mocha does while it reads the spec files:
// a hook at the top level of a loaded file belongs to the root suite, so this runs once, after
// every test of the run, and stops the one emulator the storage specs shared.
after(async () => {
  const emulator = shared;
  shared = undefined;
  if (emulator) await (await emulator).close();
});

/**
 * One in-memory Azurite Table service for every storage spec of the run, started by the first
 * describe block that asks for it (starting one takes about a second). Tests keep out of each
 * other's way by using fresh random keys, as the app does. Call at the top of a describe block,
 * then read the world in a test or a before hook.
 */
export function usingAzurite(): AzuriteWorld {
  const world = {} as AzuriteWorld;
  before(async () => {
    // Three storage specs in a row used to time out in this hook now and then, after the 8 idle
    // seconds of 'npm run audit:verify': the SDK reused pooled connections Azurite had closed
    // (storage/tableTransport.ts). Should a hook hang again, this says where and shows the connections.
    let step = 'waiting for the shared emulator to start';
    const watchdog = setTimeout(() => void reportStuck(step), 15_000);
    try {
      const emulator = shared && (await shared);
      step = 'checking the shared emulator answers';
      const ended = emulator?.ended();
      const fault = emulator && (ended ? `had stopped (${ended})` : await notAnswering(emulator.connectionString));
      if (fault) {
        // Said out loud: an emulator that stops or stalls under the run is a fault to find, not to hide.
        console.warn(`The storage specs' shared Azurite ${fault}; starting another.`);
        shared = undefined;
      }
      step = shared ? 'waiting for the shared emulator' : 'starting a shared emulator';
      shared ??= startEmbeddedTables(undefined);
      world.connectionString = (await shared).connectionString;
      step = `opening the tables on ${endpointOf(world.connectionString)}`;
      world.tables = await openTables({ connectionString: world.connectionString });
    } finally {
      clearTimeout(watchdog);
    }
  });
  return world;
}

const endpointOf = (connectionString: string) => /TableEndpoint=([^;]+)/.exec(connectionString)?.[1];

/** Prints, before mocha's timeout, the step a storage spec's before hook is stuck on and whether the emulator answers now. */
async function reportStuck(step: string): Promise<void> {
  const emulator = await Promise.race([shared, new Promise<undefined>((resolve) => setTimeout(resolve, 100))]).catch(() => undefined);
  const state = emulator ? (emulator.ended() ?? (await notAnswering(emulator.connectionString)) ?? 'answers HTTP') : 'not started';
  console.warn(`A storage spec's before hook is still ${step} after 15 s; the shared Azurite: ${state}.`);
  if (emulator) console.warn(connectionsTo(emulator.connectionString));
}

/**
 * Both ends of every TCP connection to the emulator, as the kernel sees them (`ss`): what is queued
 * unread on each side tells a client that never sent from a server that never read or answered.
 */
function connectionsTo(connectionString: string): string {
  const port = new URL(endpointOf(connectionString) ?? 'http://x').port;
  try {
    const lines = execFileSync('ss', ['-tnoH', 'state', 'all', `( dport = :${port} or sport = :${port} )`], { encoding: 'utf8', timeout: 3_000 })
      .trim()
      .split('\n');
    return `Connections to the shared Azurite on port ${port} (state, unread, unsent, local, peer): ${lines.length}\n${lines.slice(0, 40).join('\n')}`;
  } catch (error) {
    return `(could not list the connections to port ${port}: ${error instanceof Error ? error.message : String(error)})`;
  }
}

/** Undefined when the emulator answers an HTTP request within 3 s; otherwise what went wrong. */
async function notAnswering(connectionString: string): Promise<string | undefined> {
  const endpoint = endpointOf(connectionString);
  try {
    await fetch(`${endpoint}/Tables`, { signal: AbortSignal.timeout(3_000) });
    return undefined;
  } catch (error) {
    return `did not answer within 3 s (${error instanceof Error ? error.name : 'failed'})`;
  }
}
