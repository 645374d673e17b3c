/**
 * What reaches Application Insights. A local HTTPS server plays Azure: the ingestion endpoint
 * (/v2.1/track) and the App Service managed-identity endpoint the app asks for a token. The app
 * runs in child processes (the exporter only speaks https, and a process trusts the stand-in's
 * certificate only if it starts with NODE_EXTRA_CA_CERTS).
 */
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { FakeConnector } from './support/fakeConnector.js';
import { TeamsClient } from './support/harness.js';
import { testProtocol } from './support/people.js';

const run = promisify(execFile);
const ROOT = path.join(__dirname, '..');
const CANARY_TAG = 'CANARY-7f3e9a';
const CANARY = `${CANARY_TAG}: two women seen sleeping at the car wash on Mill Lane`;
const CLIENT_ID = '0b0b0b0b-1111-2222-3333-444444444444';
const TOKEN = 'stand-in-entra-token';

interface Received {
  path: string;
  headers: Record<string, unknown>;
  body: string;
}

interface Envelope {
  name: string;
  data: { baseType: string; baseData: Record<string, any> };
}

/** Application Insights ingestion and the App Service identity endpoint, on one local HTTPS server. */
class FakeAzureMonitor {
  readonly received: Received[] = [];
  private server: https.Server | undefined;
  private dir = '';
  certFile = '';
  url = '';

  async start(): Promise<void> {
    this.dir = mkdtempSync(path.join(tmpdir(), 'fake-azure-monitor-'));
    this.certFile = path.join(this.dir, 'cert.pem');
    const keyFile = path.join(this.dir, 'key.pem');
    // A throwaway certificate for 127.0.0.1, made for this run only.
    await run('openssl', [
      ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1'],
      ...['-keyout', keyFile, '-out', this.certFile, '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'],
    ]);
    this.server = https.createServer({ key: readFileSync(keyFile), cert: readFileSync(this.certFile) }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const bytes = Buffer.concat(chunks);
        const body = (req.headers['content-encoding'] === 'gzip' ? gunzipSync(bytes) : bytes).toString('utf8');
        this.received.push({ path: req.url ?? '', headers: req.headers, body });
        res.writeHead(200, { 'content-type': 'application/json' });
        if (req.url?.startsWith('/msi/token')) {
          const expiresOn = String(Math.floor(Date.now() / 1000) + 3600);
          res.end(
            JSON.stringify({ access_token: TOKEN, expires_on: expiresOn, resource: 'https://monitor.azure.com', token_type: 'Bearer', client_id: CLIENT_ID }),
          );
        } else {
          const items = (JSON.parse(body) as unknown[]).length;
          res.end(JSON.stringify({ itemsReceived: items, itemsAccepted: items, errors: [] }));
        }
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `https://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** The environment that points the app at this server (and, with an identity, at its token endpoint). */
  env(withIdentity: boolean): Record<string, string> {
    return {
      NODE_EXTRA_CA_CERTS: this.certFile,
      APPLICATIONINSIGHTS_CONNECTION_STRING: `InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=${this.url}/`,
      ...(withIdentity ? { AZURE_CLIENT_ID: CLIENT_ID, IDENTITY_ENDPOINT: `${this.url}/msi/token`, IDENTITY_HEADER: 'stand-in-header' } : {}),
    };
  }

  ingestion(): Received[] {
    return this.received.filter((r) => r.path.startsWith('/v2.1/track'));
  }

  envelopes(): Envelope[] {
    return this.ingestion().flatMap((r) => JSON.parse(r.body) as Envelope[]);
  }

  ofType(baseType: string): Record<string, any>[] {
    return this.envelopes()
      .filter((e) => e.data.baseType === baseType)
      .map((e) => e.data.baseData);
  }

  clear(): void {
    this.received.length = 0;
  }
}

/** Runs a TypeScript entry point in a child node with the app's environment plus `env`. */
function startNode(entry: string, args: string[], env: Record<string, string>): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, ['--import', 'tsx', entry, ...args], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'development', NODE_OPTIONS: '', ...env },
  });
}

function exitOf(child: ChildProcessWithoutNullStreams): Promise<{ code: number | null; output: string }> {
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, output })));
}

describe('Application Insights', function () {
  this.timeout(90_000);
  const azure = new FakeAzureMonitor();
  before(() => azure.start());
  after(() => azure.stop());
  beforeEach(() => azure.clear());

  it('when log records carry concern text, names or places, then Application Insights gets the events and ids with the same redaction as the logs', async () => {
    const records = [
      [
        'info',
        'concern.raised',
        {
          concernId: 'c-0001',
          reference: 'MS-2027-000123',
          observed: CANARY,
          place: CANARY,
          name: CANARY,
          nrmReference: CANARY,
          intake: { observed: CANARY, place: CANARY },
          reporter: { aadObjectId: 'aad-1', name: CANARY },
          by: { aadObjectId: 'aad-1', name: CANARY },
          concern: { id: 'c-0001', text: CANARY },
        },
      ],
      ['warn', 'concern.refused', { concernId: 'c-0001', note: CANARY, body: CANARY }],
      ['error', 'concern.failed', { concernId: 'c-0001', detail: CANARY, data: { text: CANARY } }],
    ];
    const sender = startNode(path.join(__dirname, 'support', 'telemetrySender.ts'), [JSON.stringify(records)], azure.env(false));
    const { code, output } = await exitOf(sender);
    assert.equal(code, 0, output);

    for (const received of azure.received) assert.ok(!received.body.includes(CANARY_TAG), `the canary reached Application Insights: ${received.body}`);
    const traces = azure.ofType('MessageData');
    assert.deepEqual(
      traces.map((t) => [t.message, t.severityLevel]),
      [
        ['concern.raised', 'Information'],
        ['concern.refused', 'Warning'],
        ['concern.failed', 'Error'],
      ],
    );
    const raised = traces[0]!.properties as Record<string, string>;
    assert.equal(raised.concernId, 'c-0001');
    assert.equal(raised.reference, 'MS-2027-000123', 'a concern reference is not secret');
    assert.equal(raised.observed, '[redacted]');
    assert.equal(raised.intake, '[redacted]', 'a whole intake goes');
    assert.deepEqual(JSON.parse(raised.concern!), { id: 'c-0001', text: '[redacted]' });
    assert.equal(raised.reporter, '[redacted]');
    assert.deepEqual(JSON.parse(raised.by!), { aadObjectId: 'aad-1', name: '[redacted]' }, 'one level down: the name goes, the id stays');
  });

  it('when the app serves requests and replies in Teams, then only the log events and each request’s method, path, status and time are sent, with the identity’s token', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'telemetry-app-'));
    const protocolFile = path.join(dataDir, 'protocol.json');
    writeFileSync(protocolFile, JSON.stringify(testProtocol()));
    const connector = new FakeConnector();
    await connector.start();
    const app = startNode(path.join(ROOT, 'src', 'index.ts'), [], { ...azure.env(true), PORT: '0', DATA_DIR: dataDir, PROTOCOL_CONFIG: protocolFile });
    const exited = exitOf(app);
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let text = '';
        app.stdout.on('data', (chunk: Buffer) => {
          text += chunk.toString();
          const found = /Bot listening on (http:\/\/[^/\s]+)/.exec(text);
          if (found) resolve(found[1]!);
        });
        void exited.then(({ code, output }) => reject(new Error(`the app exited with ${code}: ${output.slice(0, 800)}`)));
      });

      const health = await fetch(`${url}/healthz?who=${encodeURIComponent(CANARY)}`, { headers: { 'x-note': CANARY_TAG } });
      assert.equal(health.status, 200);
      const teams = new TeamsClient(url, connector);
      const posted = await teams.message('staff', CANARY);
      assert.equal(posted.status, 200);
      assert.ok(connector.calls.length > 0, 'the bot answered through the connector (an outgoing call)');
      assert.equal((await fetch(`${url}/${encodeURIComponent(CANARY)}`)).status, 404);

      app.kill('SIGTERM');
      const { code, output } = await exited;
      assert.equal(code, 0, output);
    } finally {
      if (app.exitCode === null) app.kill('SIGKILL');
      await connector.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }

    for (const received of azure.received) {
      assert.ok(!`${received.path} ${JSON.stringify(received.headers)} ${received.body}`.includes(CANARY_TAG), `the canary reached Azure: ${received.body}`);
    }
    const tokenRequests = azure.received.filter((r) => r.path.startsWith('/msi/token'));
    assert.ok(tokenRequests.length > 0, 'a token was asked for');
    for (const request of tokenRequests) {
      const query = new URL(request.path, azure.url).searchParams;
      assert.equal(query.get('resource'), 'https://monitor.azure.com', 'a token for Azure Monitor');
      assert.equal(query.get('client_id'), CLIENT_ID, "the app's user-assigned identity");
    }
    assert.ok(azure.ingestion().length > 0);
    for (const request of azure.ingestion()) assert.equal(request.headers.authorization, `Bearer ${TOKEN}`);

    const kinds = new Set(azure.envelopes().map((e) => e.data.baseType));
    assert.deepEqual(
      [...kinds].filter((kind) => !['MessageData', 'RequestData', 'MetricData'].includes(kind)),
      [],
      'no dependencies, exceptions or events: the connector and table calls are not recorded',
    );
    const events = azure.ofType('MessageData').map((t) => t.message as string);
    assert.ok(events.includes('app.started') && events.includes('app.stopping'), events.join(', '));
    const requests = azure.ofType('RequestData').map((r) => [r.name, r.url, r.responseCode]);
    assert.deepEqual(
      requests.sort(),
      [
        ['GET /healthz', '/healthz', '200'],
        ['GET other', 'other', '404'],
        ['POST /api/messages', '/api/messages', '200'],
      ],
      'method, path without its query, status; an unknown path is only "other"',
    );
    for (const request of azure.ofType('RequestData')) assert.deepEqual(request.properties, {}, 'no headers or other request details');
  });
});
