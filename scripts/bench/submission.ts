/**
 * Concern submission under load, against a bare echo bot on the same stack in the same run (this
 * machine is shared and noisy, so only the ratio means much):
 *   - 20 members of staff submitting intake cards back to back for a few seconds: throughput, and
 *     the server's p50 and p99 (from the request arriving to the answer leaving the app);
 *   - 200 submitted at once by 200 people: how many were stored, how many refused, the slowest answer.
 * The clients run in a worker thread (bench/submissionLoad.ts), so their work is not the app's.
 */
import { tableClientFor } from '../../src/storage/tables.js';
import diagnostics from 'node:diagnostics_channel';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { Application, type TurnState } from '@microsoft/teams-ai';
import { createAdapter } from '../../src/bot/adapter.js';
import { createLogger } from '../../src/logger.js';
import { createServer } from '../../src/server.js';
import { startEmbeddedTables } from '../../src/storage/embeddedAzurite.js';
import { FakeConnector } from '../../test/support/fakeConnector.js';
import { startApp, TeamsClient } from '../../test/support/harness.js';
import type { LoadRequest, LoadResult } from './submissionLoad.js';
import { ms } from './timing.js';

const CLIENTS = 20;
const DURATION_MS = 6_000;
const AT_ONCE = 200;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

/** The same HTTP server, adapter and SDK with one handler that answers the click with a tiny card. */
async function startEchoBot(): Promise<{ url: string; server: http.Server; close: () => Promise<void> }> {
  const adapter = createAdapter(undefined);
  const bot = new Application<TurnState>({ adapter, startTypingTimer: false });
  bot.adaptiveCards.actionExecute('intake.submit', () =>
    Promise.resolve({ type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: 'echo' }] } as never),
  );
  const server = createServer(adapter, bot, createLogger({ silent: true }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, server, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** Times every request on the server, from its arrival to the last byte of the answer. */
function serverTimes(server: http.Server): { times: number[]; stop: () => void } {
  const times: number[] = [];
  const onRequest = (_request: http.IncomingMessage, response: http.ServerResponse) => {
    const at = performance.now();
    response.once('finish', () => times.push(performance.now() - at));
  };
  server.on('request', onRequest);
  return { times, stop: () => server.off('request', onRequest) };
}

/** Counts the HTTP requests this process makes to Azurite (every Table call is one). */
function tableCalls(connectionString: string): { count: () => number; stop: () => void } {
  const host = /TableEndpoint=http:\/\/([^/]+)\//.exec(connectionString)?.[1];
  let calls = 0;
  const onStart = (message: unknown) => {
    if ((message as { request: http.ClientRequest }).request.getHeader('host') === host) calls += 1;
  };
  diagnostics.subscribe('http.client.request.start', onStart);
  return { count: () => calls, stop: () => diagnostics.unsubscribe('http.client.request.start', onStart) };
}

/**
 * Runs the clients in a worker thread; resolves with what they measured, the server's own times
 * and the Table calls made meanwhile (the installs before the load are neither timed nor counted).
 */
async function load(
  server: http.Server,
  request: LoadRequest,
  connectionString = '',
): Promise<LoadResult & { server: number[]; tableCalls: number; busyMs: number; busyShare: number }> {
  const timing = serverTimes(server);
  const calls = tableCalls(connectionString);
  let callsBefore = 0;
  // How long the app's thread (the clients have their own) was busy while loaded: its CPU cost per request.
  let loopBefore = performance.eventLoopUtilization();
  try {
    const result = await new Promise<LoadResult>((resolve, reject) => {
      const worker = new Worker(new URL('./submissionLoad.ts', `file://${__filename}`), { workerData: request, execArgv: ['--require', 'tsx/cjs'] });
      worker.on('message', (message: LoadResult | { error: string } | 'installed') => {
        if (message === 'installed') {
          timing.times.length = 0;
          callsBefore = calls.count();
          loopBefore = performance.eventLoopUtilization();
          worker.postMessage('go');
        } else if ('error' in message) reject(new Error(message.error));
        else resolve(message);
      });
      worker.once('error', reject);
    });
    const loop = performance.eventLoopUtilization(loopBefore);
    return {
      ...result,
      server: [...timing.times].sort((a, b) => a - b),
      tableCalls: calls.count() - callsBefore,
      busyMs: loop.active,
      busyShare: loop.utilization,
    };
  } finally {
    timing.stop();
    calls.stop();
  }
}

/** How many small writes a second Azurite takes on this machine now, from 20 writers: the ceiling any figure here lives under. */
async function azuriteWritesPerSecond(connectionString: string): Promise<number> {
  const table = tableClientFor(connectionString, 'benchceiling');
  await table.createTable();
  let writes = 0;
  const until = performance.now() + 3_000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, writer) => {
      while (performance.now() < until) await table.upsertEntity({ partitionKey: `w${writer}`, rowKey: String(writes++), at: Date.now() }, 'Replace');
    }),
  );
  await table.deleteTable();
  return writes / ((performance.now() - started) / 1000);
}

/**
 * Runs on its own Azurite and app, and stops them without waiting for the Lead cards the load
 * queued: Teams lets a conversation have about 5 a second, so a few thousand would take minutes,
 * which is delivery's figure (the fan-out section), not submission's.
 */
export async function benchSubmission(): Promise<void> {
  console.log('submission: waiting for Azurite, the stand-in connector, the app and a bare echo bot to start ...');
  const tables = await startEmbeddedTables(undefined);
  const connector = new FakeConnector();
  await connector.start();
  const app = await startApp(tables);
  const echo = await startEchoBot();
  try {
    const teams = new TeamsClient(app.url, connector);
    for (const key of ['lead', 'lead2', 'deputy', 'coordinator'] as const) await teams.install(key);
    console.log(`submission: waiting for ${CLIENTS} clients x ${DURATION_MS / 1000} s against the echo bot, then the same against the app ...`);
    const common = { serviceUrl: connector.url, clients: CLIENTS, durationMs: DURATION_MS };
    const baseline = await load(echo.server, { ...common, appUrl: echo.url, label: 'echo' });
    const measured = await load(app.server, { ...common, appUrl: app.url, label: 'load' }, tables.connectionString);
    const rate = (r: LoadResult) => r.latencies.length / r.seconds;
    const ratio = rate(measured) / rate(baseline);
    const busy = (r: { busyMs: number; busyShare: number; latencies: number[] }) =>
      `${(r.busyMs / r.latencies.length).toFixed(2)} ms a request (busy ${(100 * r.busyShare).toFixed(0)}% of the time)`;
    console.log(
      `  echo bot: ${rate(baseline).toFixed(0)}/s, server p50 ${ms(percentile(baseline.server, 50))}, p99 ${ms(percentile(baseline.server, 99))}\n` +
        `  concern submission at ${CLIENTS} concurrent: ${rate(measured).toFixed(0)}/s, server p50 ${ms(percentile(measured.server, 50))}, p99 ${ms(percentile(measured.server, 99))}, failed ${measured.failed}` +
        ` -> ratio ${ratio.toFixed(2)} (target: at least 0.5), server p99 target under 100 ms\n` +
        `  Table calls per concern while loading (its own, and delivery's beside it): ${(measured.tableCalls / measured.latencies.length).toFixed(1)} (was about 20)\n` +
        `  the app's own thread: echo bot ${busy(baseline)}, concern submission ${busy(measured)}`,
    );
    console.log('submission: waiting for 3 s of plain writes to Azurite, the ceiling under these figures ...');
    console.log(`  Azurite here takes ${(await azuriteWritesPerSecond(tables.connectionString)).toFixed(0)} single writes/s from ${CLIENTS} writers`);

    console.log(`submission: waiting for ${AT_ONCE} raised at once by ${AT_ONCE} people ...`);
    const burst = await load(app.server, { ...common, clients: AT_ONCE, durationMs: 0, appUrl: app.url, label: 'burst' });
    const stored = (await Promise.all(burst.submissionIds.map((id) => app.stores.concerns.get(id)))).filter(Boolean).length;
    console.log(
      `  ${AT_ONCE} at once: ${stored} stored (target ${AT_ONCE}), ${burst.failed} refused or asked to send again (target 0), slowest answer ${ms(Math.max(...burst.latencies))} at the client, server p50 ${ms(percentile(burst.server, 50))} (target: every answer within 5 s)`,
    );
  } finally {
    console.log('submission: waiting for the app to stop (sends under way finish; the queued Lead cards are left) ...');
    await echo.close();
    await app.close();
    await connector.stop();
    await tables.close();
  }
}
