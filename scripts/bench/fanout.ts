/**
 * Fan-out under Teams' limits: 500 reminder-like messages (10 each to 50 conversations) through the
 * real delivery path (outbox, dispatcher, rate limiter, Teams SDK) to a stand-in connector that
 * enforces Teams' limits (per conversation 7 a second, 8 in 2 seconds, 60 in 30 seconds, 1,800 an
 * hour; 50 a second for the tenant) and answers 429 when one is broken. Run with one instance of the
 * app, then with three sharing the tenant's budget through storage. Targets: no 429, and messages
 * going at 90% or more of the tenant's 50 a second while they go.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { startEmbeddedTables } from '../../src/storage/embeddedAzurite.js';
import { FakeConnector, TEAMS_LIMITS } from '../../test/support/fakeConnector.js';
import { accepted, queueFanOut } from '../../test/support/fanOut.js';
import { startApp, type RunningApp } from '../../test/support/harness.js';

const CONVERSATIONS = 50;
const PER_CONVERSATION = 10;
/** The stand-in answers after this long, as Teams takes a while: an instant answer would flatter the figure. */
const LATENCY_MS = 100;
const TENANT_RATE = TEAMS_LIMITS.perTenant[0]!.count;
const GIVE_UP_AFTER_MS = 90_000;

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Prints the fan-out figures, one line per run, each next to its target. */
export async function benchFanout(): Promise<void> {
  for (const instances of [1, 3]) await fanOut(instances);
}

async function fanOut(instances: number): Promise<void> {
  const label = `fan-out, ${instances} instance${instances > 1 ? 's' : ''}`;
  console.log(`${label}: waiting for Azurite, the stand-in connector and the app to start ...`);
  const tables = await startEmbeddedTables(undefined);
  const connector = new FakeConnector({ limits: TEAMS_LIMITS, latencyMs: LATENCY_MS });
  await connector.start();
  const apps: RunningApp[] = [];
  try {
    for (let i = 0; i < instances; i++) apps.push(await startApp(tables));
    console.log(`${label}: waiting for ${CONVERSATIONS * PER_CONVERSATION} messages to be queued in the outbox ...`);
    const recipients = Array.from({ length: CONVERSATIONS }, (_, i) => `aad-bench-${i}`);
    const queued = await queueFanOut(apps[0]!.stores, connector, recipients, () => PER_CONVERSATION);

    const due = Date.now();
    const started = performance.now();
    for (const app of apps) app.outbox.kick();
    let lastReport = performance.now();
    while (accepted(connector).length < queued) {
      if (performance.now() - started > GIVE_UP_AFTER_MS) throw new Error(`${label}: only ${accepted(connector).length} of ${queued} arrived`);
      await sleep(100);
      if (performance.now() - lastReport >= 2_000) {
        lastReport = performance.now();
        console.log(
          `${label}: waiting for the stand-in to receive ${queued} messages: ${accepted(connector).length} so far, ${connector.throttled} refused with 429, ${seconds(performance.now() - started)}`,
        );
      }
    }

    const times = accepted(connector)
      .map((call) => call.at)
      .sort((a, b) => a - b);
    const rate = (from: number) => (times.length - 1 - from) / ((times.at(-1)! - times[from]!) / 1000);
    const percent = (perSecond: number) => `${perSecond.toFixed(1)} a second = ${((100 * perSecond) / TENANT_RATE).toFixed(0)}% of the tenant's ${TENANT_RATE}`;
    const refused = `${connector.throttled} refused with 429 (target 0${instances > 1 ? ': together within the limits' : ''})`;
    const timing = `first after ${seconds(times[0]! - due)}, all in ${seconds(times.at(-1)! - due)}`;
    console.log(
      instances === 1
        ? `${label}: ${queued} messages to ${CONVERSATIONS} conversations, stand-in answering in ${LATENCY_MS} ms: ${refused}; from first to last ${percent(rate(0))} (target at least 90%); ${timing}`
        : // The others wait about 2.6 s to join (see SharedTenantBudget): the rate from first to last includes that.
          `${label}: ${refused}; from first to last ${percent(rate(0))}, including about 2.6 s while they join the shared budget; ` +
            `messages ${Math.round(times.length * 0.4)} to ${times.length}, all three sending: ${percent(rate(Math.round(times.length * 0.4)))}; ${timing}`,
    );
  } finally {
    await Promise.all(apps.map((app) => app.close()));
    await connector.stop();
    await tables.close();
  }
}
