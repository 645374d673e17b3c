/**
 * The clients of the submission benchmark, run in a worker thread so that making requests does not
 * take the app's event loop (in one thread the clients' own work would count as the app's latency).
 * Each client is a different member of staff, who installed the app beforehand, in their own
 * personal chat, as in a real burst.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { mapConcurrently } from '../../src/storage/tables.js';
import { validIntake } from '../../test/support/harness.js';
import { TENANT } from '../../test/support/people.js';

/** Installs before the load are set up 20 at a time: 200 one after another took seconds of the bench. */
const INSTALLING_AT_ONCE = 20;

export interface LoadRequest {
  appUrl: string;
  serviceUrl: string;
  clients: number;
  /** Each client submits back to back until this long has passed; 0: each submits once, all at once. */
  durationMs: number;
  /** The app under test, or the echo bot (for which the same card is sent). */
  label: string;
}

export interface LoadResult {
  latencies: number[];
  seconds: number;
  /** Answers other than 200, or a card that says something went wrong. */
  failed: number;
  submissionIds: string[];
}

/** An activity from client number `client`, a member of staff in their personal chat with the bot. */
function activity(request: LoadRequest, client: number, fields: Record<string, unknown>) {
  const aadObjectId = `aad-bench-${request.label}-${client}`;
  return {
    id: randomUUID(),
    channelId: 'msteams',
    serviceUrl: request.serviceUrl,
    timestamp: new Date().toISOString(),
    from: { id: `29:${aadObjectId}`, name: `Bench Staff ${client}`, aadObjectId },
    recipient: { id: '28:bot', name: 'Concerns Bot' },
    conversation: { id: `a:personal-${aadObjectId}`, conversationType: 'personal', tenantId: TENANT },
    channelData: { tenant: { id: TENANT } },
    locale: 'en-GB',
    ...fields,
  };
}

const intakeSubmit = (request: LoadRequest, client: number, submissionId: string) =>
  activity(request, client, {
    type: 'invoke',
    name: 'adaptiveCard/action',
    value: { action: { type: 'Action.Execute', verb: 'intake.submit', data: { verb: 'intake.submit', submissionId, ...validIntake() } }, trigger: 'manual' },
  });

const post = (request: LoadRequest, body: unknown) =>
  fetch(`${request.appUrl}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

async function submit(request: LoadRequest, client: number, result: LoadResult): Promise<void> {
  const submissionId = randomUUID();
  result.submissionIds.push(submissionId);
  const at = performance.now();
  const response = await post(request, intakeSubmit(request, client, submissionId));
  const text = await response.text();
  result.latencies.push(performance.now() - at);
  if (response.status !== 200 || text.includes('"attention"') || text.includes('InternalError')) result.failed += 1;
}

async function load(request: LoadRequest): Promise<LoadResult> {
  const result: LoadResult = { latencies: [], seconds: 0, failed: 0, submissionIds: [] };
  // Everyone installed the app some time before (as people do before they can chat with it): not timed.
  const install = (client: number) => post(request, activity(request, client, { type: 'installationUpdate', action: 'add' })).then((r) => r.text());
  await mapConcurrently(
    Array.from({ length: request.clients }, (_, client) => client),
    INSTALLING_AT_ONCE,
    install,
  );
  await ready();
  const started = performance.now();
  const until = started + request.durationMs;
  await Promise.all(
    Array.from({ length: request.clients }, async (_, client) => {
      do await submit(request, client, result);
      while (performance.now() < until);
    }),
  );
  result.seconds = (performance.now() - started) / 1000;
  return result;
}

/** Tells the bench the installs are done, and waits for it to start its clocks. */
function ready(): Promise<void> {
  return new Promise((resolve) => {
    parentPort?.once('message', () => resolve());
    parentPort?.postMessage('installed');
  });
}

if (parentPort) {
  const port = parentPort;
  load(workerData as LoadRequest).then(
    (result) => port.postMessage(result),
    (error: unknown) => port.postMessage({ error: String(error) }),
  );
}
