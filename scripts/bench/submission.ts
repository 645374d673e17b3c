/**
 * Concern submission under load, against a bare echo bot on the same stack in the same run (this
 * machine is shared and noisy, so only the ratio means much):
 *   - 20 clients submitting intake cards back to back for a few seconds: throughput, p50 and p99;
 *   - 200 submitted at once: how many were stored, how many refused, and the slowest answer.
 * Latency is measured at the client over loopback, so it is the server's time plus a little.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Application, type TurnState } from '@microsoft/teams-ai';
import { createAdapter } from '../../src/bot/adapter.js';
import { createLogger } from '../../src/logger.js';
import { createServer } from '../../src/server.js';
import type { FakeConnector } from '../../test/support/fakeConnector.js';
import { TeamsClient, validIntake, type RunningApp } from '../../test/support/harness.js';

const CLIENTS = 20;
const DURATION_MS = 8_000;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const ms = (n: number) => `${n.toFixed(0)} ms`;

/** The same HTTP server, adapter and SDK with one handler that answers the click with a tiny card. */
async function startEchoBot(): Promise<{ url: string; close: () => Promise<void> }> {
  const adapter = createAdapter(undefined);
  const bot = new Application<TurnState>({ adapter, startTypingTimer: false });
  bot.adaptiveCards.actionExecute('intake.submit', () =>
    Promise.resolve({ type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: 'echo' }] } as never),
  );
  const server = createServer(adapter, bot, createLogger({ silent: true }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** `CLIENTS` clients submitting back to back for `DURATION_MS`: requests per second and latencies. */
async function load(teams: TeamsClient): Promise<{ perSecond: number; p50: number; p99: number; failed: number }> {
  const latencies: number[] = [];
  let failed = 0;
  const until = performance.now() + DURATION_MS;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (performance.now() < until) {
        const at = performance.now();
        const result = await teams.execute('staff', 'intake.submit', { submissionId: randomUUID(), ...validIntake() });
        latencies.push(performance.now() - at);
        if (result.status !== 200) failed += 1;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { perSecond: latencies.length / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), failed };
}

export async function benchSubmission(app: RunningApp, connector: FakeConnector): Promise<void> {
  const echo = await startEchoBot();
  try {
    console.log(`submission: waiting for ${CLIENTS} clients x ${DURATION_MS / 1000} s against a bare echo bot, then the same against the app ...`);
    const baseline = await load(new TeamsClient(echo.url, connector));
    const teams = new TeamsClient(app.url, connector);
    const measured = await load(teams);
    await app.outbox.idle();
    const ratio = measured.perSecond / baseline.perSecond;
    console.log(
      `  echo bot: ${baseline.perSecond.toFixed(0)}/s, p50 ${ms(baseline.p50)}, p99 ${ms(baseline.p99)}\n` +
        `  concern submission at ${CLIENTS} concurrent: ${measured.perSecond.toFixed(0)}/s, p50 ${ms(measured.p50)}, p99 ${ms(measured.p99)}, failed ${measured.failed}` +
        ` -> ratio ${ratio.toFixed(2)} (target: at least 0.5), p99 target under 100 ms`,
    );

    console.log('submission: waiting for 200 raised at once ...');
    const ids = Array.from({ length: 200 }, () => randomUUID());
    const times: number[] = [];
    const results = await Promise.all(
      ids.map(async (id) => {
        const at = performance.now();
        const result = await teams.execute('staff', 'intake.submit', { submissionId: id, ...validIntake() });
        times.push(performance.now() - at);
        return result;
      }),
    );
    const stored = (await Promise.all(ids.map((id) => app.stores.concerns.get(id)))).filter(Boolean).length;
    const refused = results.filter((r) => r.status !== 200 || JSON.stringify(r.body).includes('"attention"')).length;
    times.sort((a, b) => a - b);
    console.log(
      `  200 at once: ${stored} stored (target 200), ${refused} refused or failed (target 0), slowest answer ${ms(times.at(-1)!)}, p50 ${ms(percentile(times, 50))} (target: every answer within 5 s)`,
    );
    console.log('submission: waiting for the outbox to deliver what the load queued ...');
    await app.outbox.idle();
  } finally {
    await echo.close();
  }
}
