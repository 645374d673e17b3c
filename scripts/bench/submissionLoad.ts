/**
 * The clients of the submission benchmark, run in a worker thread so that making requests does not
 * take the app's event loop (in one thread the clients' own work would count as the app's latency).
 * Each client is a different member of staff in their own personal chat, as in a real burst.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { validIntake } from '../../test/support/harness.js';
import { TENANT } from '../../test/support/people.js';

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

function intakeSubmit(request: LoadRequest, client: number, submissionId: string) {
  const aadObjectId = `aad-bench-${request.label}-${client}`;
  return {
    type: 'invoke',
    name: 'adaptiveCard/action',
    id: randomUUID(),
    channelId: 'msteams',
    serviceUrl: request.serviceUrl,
    timestamp: new Date().toISOString(),
    from: { id: `29:${aadObjectId}`, name: `Bench Staff ${client}`, aadObjectId },
    recipient: { id: '28:bot', name: 'Concerns Bot' },
    conversation: { id: `a:personal-${aadObjectId}`, conversationType: 'personal', tenantId: TENANT },
    channelData: { tenant: { id: TENANT } },
    locale: 'en-GB',
    value: {
      action: { type: 'Action.Execute', verb: 'intake.submit', data: { verb: 'intake.submit', submissionId, ...validIntake() } },
      trigger: 'manual',
    },
  };
}

async function submit(request: LoadRequest, client: number, result: LoadResult): Promise<void> {
  const submissionId = randomUUID();
  result.submissionIds.push(submissionId);
  const at = performance.now();
  const response = await fetch(`${request.appUrl}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(intakeSubmit(request, client, submissionId)),
  });
  const text = await response.text();
  result.latencies.push(performance.now() - at);
  if (response.status !== 200 || text.includes('"attention"') || text.includes('InternalError')) result.failed += 1;
}

async function load(request: LoadRequest): Promise<LoadResult> {
  const result: LoadResult = { latencies: [], seconds: 0, failed: 0, submissionIds: [] };
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

if (parentPort) {
  const port = parentPort;
  load(workerData as LoadRequest).then(
    (result) => port.postMessage(result),
    (error: unknown) => port.postMessage({ error: String(error) }),
  );
}
