/**
 * Concern submission under load, against a bare echo bot on the same stack in the same run (this
 * machine is shared and noisy, so only the ratio means much):
 *   - 20 members of staff submitting intake cards back to back for a few seconds: throughput, and
 *     the server's p50 and p99 (from the request arriving to the answer leaving the app);
 *   - 200 submitted at once by 200 people: how many were stored, how many refused, the slowest answer.
 * The clients run in a worker thread (bench/submissionLoad.ts), so their work is not the app's.
 */
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { Application, type TurnState } from '@microsoft/teams-ai';
import { createAdapter } from '../../src/bot/adapter.js';
import { createLogger } from '../../src/logger.js';
import { createServer } from '../../src/server.js';
import type { FakeConnector } from '../../test/support/fakeConnector.js';
import type { RunningApp } from '../../test/support/harness.js';
import type { LoadRequest, LoadResult } from './submissionLoad.js';

const CLIENTS = 20;
const DURATION_MS = 8_000;
const AT_ONCE = 200;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const ms = (n: number) => `${n.toFixed(0)} ms`;

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

/** Runs the clients in a worker thread; resolves with what they measured and the server's own times. */
async function load(server: http.Server, request: LoadRequest): Promise<LoadResult & { server: number[] }> {
  const timing = serverTimes(server);
  try {
    const result = await new Promise<LoadResult>((resolve, reject) => {
      const worker = new Worker(new URL('./submissionLoad.ts', `file://${__filename}`), { workerData: request, execArgv: ['--require', 'tsx/cjs'] });
      worker.once('message', (message: LoadResult | { error: string }) => ('error' in message ? reject(new Error(message.error)) : resolve(message)));
      worker.once('error', reject);
    });
    return { ...result, server: [...timing.times].sort((a, b) => a - b) };
  } finally {
    timing.stop();
  }
}

export async function benchSubmission(app: RunningApp, connector: FakeConnector): Promise<void> {
  const echo = await startEchoBot();
  try {
    console.log(`submission: waiting for ${CLIENTS} clients x ${DURATION_MS / 1000} s against a bare echo bot, then the same against the app ...`);
    const common = { serviceUrl: connector.url, clients: CLIENTS, durationMs: DURATION_MS };
    const baseline = await load(echo.server, { ...common, appUrl: echo.url, label: 'echo' });
    const measured = await load(app.server, { ...common, appUrl: app.url, label: 'load' });
    const rate = (r: LoadResult) => r.latencies.length / r.seconds;
    const ratio = rate(measured) / rate(baseline);
    console.log(
      `  echo bot: ${rate(baseline).toFixed(0)}/s, server p50 ${ms(percentile(baseline.server, 50))}, p99 ${ms(percentile(baseline.server, 99))}\n` +
        `  concern submission at ${CLIENTS} concurrent: ${rate(measured).toFixed(0)}/s, server p50 ${ms(percentile(measured.server, 50))}, p99 ${ms(percentile(measured.server, 99))}, failed ${measured.failed}` +
        ` -> ratio ${ratio.toFixed(2)} (target: at least 0.5), server p99 target under 100 ms`,
    );
    console.log('submission: waiting for the outbox to deliver what the load queued ...');
    await app.outbox.idle();

    console.log(`submission: waiting for ${AT_ONCE} raised at once by ${AT_ONCE} people ...`);
    const burst = await load(app.server, { ...common, clients: AT_ONCE, durationMs: 0, appUrl: app.url, label: 'burst' });
    const stored = (await Promise.all(burst.submissionIds.map((id) => app.stores.concerns.get(id)))).filter(Boolean).length;
    const slowest = Math.max(...burst.latencies);
    console.log(
      `  ${AT_ONCE} at once: ${stored} stored (target ${AT_ONCE}), ${burst.failed} refused or failed (target 0), slowest answer ${ms(slowest)} at the client, server p50 ${ms(percentile(burst.server, 50))} (target: every answer within 5 s)`,
    );
    console.log('submission: waiting for the outbox to deliver what the burst queued ...');
    await app.outbox.idle();
  } finally {
    await echo.close();
  }
}
