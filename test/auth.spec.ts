import assert from 'node:assert/strict';
import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import jwt from 'jsonwebtoken';
import sinon from 'sinon';
import { createApp, type App } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { startEmbeddedTables, type EmbeddedTables } from '../src/storage/embeddedAzurite.js';
import { FakeConnector } from './support/fakeConnector.js';

const APP_ID = '6f1d2a3b-0000-4000-8000-00000000b07a';
const DEMO_TENANT = '00000000-0000-0000-0000-0000000000001';
/** The Agents Playground's default user, who holds every role in the demo protocol. */
const DEMO_USER = '00000000-0000-0000-0000-0000000000020';
const BOT_FRAMEWORK = 'https://api.botframework.com';
const KID = 'bot-framework-test-key';

/**
 * A local stand-in for login.botframework.com: the OpenID metadata document and the key set it
 * points to, holding one RSA public key made by the test and endorsed for Teams, as the real one is.
 */
async function startKeyServer(publicKey: KeyObject): Promise<{ metadataUrl: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const documents: Record<string, unknown> = {
      '/v1/.well-known/openidconfiguration': {
        issuer: BOT_FRAMEWORK,
        jwks_uri: `${base}/v1/.well-known/keys`,
        id_token_signing_alg_values_supported: ['RS256'],
      },
      '/v1/.well-known/keys': { keys: [{ ...publicKey.export({ format: 'jwk' }), kid: KID, use: 'sig', endorsements: ['msteams'] }] },
    };
    const document = documents[req.url ?? ''];
    res.writeHead(document ? 200 : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify(document ?? {}));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    metadataUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/.well-known/openidconfiguration`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('who may post to /api/messages: Bot Framework tokens, checked against keys made in the test', () => {
  const botFrameworkKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const otherKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  let keyServer: Awaited<ReturnType<typeof startKeyServer>>;
  let tables: EmbeddedTables;
  let connector: FakeConnector;
  let app: App;
  let appUrl: string;
  const logLines: string[] = [];
  let consoleErrors: sinon.SinonStub;

  before(async () => {
    keyServer = await startKeyServer(botFrameworkKeys.publicKey);
    tables = await startEmbeddedTables(undefined);
    connector = new FakeConnector();
    await connector.start();
    // The real configuration path, as a deployment reads it: a SingleTenant bot in the demo protocol's tenant.
    const config = loadConfig({
      MicrosoftAppId: APP_ID,
      MicrosoftAppType: 'SingleTenant',
      MicrosoftAppPassword: 'not-a-real-secret',
      MicrosoftAppTenantId: DEMO_TENANT,
      TABLES_CONNECTION_STRING: tables.connectionString,
      PORT: '0',
    });
    app = await createApp(
      { ...config, host: '127.0.0.1' },
      {
        logger: createLogger({ destination: { write: (line: string) => void logLines.push(line) } }),
        schedulerIntervalMs: 0,
        openIdMetadataUrl: keyServer.metadataUrl,
      },
    );
    appUrl = await app.listen();
  });
  after(async () => {
    await app?.close();
    await connector?.stop();
    await tables?.close();
    await keyServer?.close();
  });
  beforeEach(() => {
    connector.clear();
    logLines.length = 0;
    // The SDK prints some refusals to the console itself; kept here, to be checked, not shown.
    consoleErrors = sinon.stub(console, 'error');
  });
  afterEach(() => sinon.restore());

  /** An Action.Execute click on the welcome card's "Raise a concern": answered in the HTTP response, no outbound call. */
  function openIntake(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      type: 'invoke',
      name: 'adaptiveCard/action',
      value: { action: { type: 'Action.Execute', verb: 'intake.open', data: { verb: 'intake.open' } }, trigger: 'manual' },
      id: randomUUID(),
      channelId: 'msteams',
      serviceUrl: connector.url,
      timestamp: new Date().toISOString(),
      from: { id: '29:demo-user', name: 'Demo User', aadObjectId: DEMO_USER },
      recipient: { id: `28:${APP_ID}`, name: 'Concerns Bot' },
      conversation: { id: 'a:personal-demo-user', conversationType: 'personal', tenantId: DEMO_TENANT },
      channelData: { tenant: { id: DEMO_TENANT } },
      locale: 'en-GB',
      ...overrides,
    };
  }

  /** The claims the Bot Framework puts in a token for this bot and this activity's service URL; override any. */
  function claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return { iss: BOT_FRAMEWORK, aud: APP_ID, serviceurl: connector.url, exp: Math.floor(Date.now() / 1000) + 300, ...overrides };
  }

  /** A signed token, by default as the Bot Framework issues one; override any claim, the header or the key. */
  function token(
    overrides: Record<string, unknown> = {},
    header: Pick<jwt.SignOptions, 'algorithm' | 'keyid'> = {},
    key: jwt.Secret = botFrameworkKeys.privateKey,
  ): string {
    return jwt.sign(claims(overrides), key, { algorithm: 'RS256', keyid: KID, ...header });
  }

  async function post(authorization: string | undefined, activity = openIntake()): Promise<{ status: number; text: string }> {
    const response = await fetch(`${appUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization === undefined ? {} : { authorization }) },
      body: JSON.stringify(activity),
    });
    return { status: response.status, text: await response.text() };
  }

  /** Refused: 401 with an empty body (nothing says which check failed), the bot did nothing, and nothing of the token was logged. */
  function assertRefused(result: { status: number; text: string }, authorization?: string) {
    assert.equal(result.status, 401);
    assert.equal(result.text, '', 'no reason goes back to the caller');
    assert.equal(connector.calls.length, 0, 'the bot sent nothing');
    assert.ok(
      logLines.some((line) => line.includes('"http.unauthorized"')),
      'the refusal is logged',
    );
    assert.ok(!logLines.some((line) => line.includes('turn.')), 'no turn ran');
    const printed = [...logLines, ...consoleErrors.getCalls().map((call) => call.args.map(String).join(' '))].join('\n');
    assert.doesNotMatch(printed, /forged-by-someone|evil\.example/, 'nothing the caller wrote in the token is logged');
    const sent = authorization?.replace(/^Bearer\s*/, '');
    if (sent) assert.ok(!printed.includes(sent), 'the token is not logged');
  }

  it('when Teams posts with a token signed by the published key, for this bot and this service URL, then the turn runs and the card comes back', async () => {
    const result = await post(`Bearer ${token()}`);
    assert.equal(result.status, 200);
    const answer = JSON.parse(result.text) as { type: string; value: unknown };
    assert.equal(answer.type, 'application/vnd.microsoft.card.adaptive');
    assert.match(JSON.stringify(answer.value), /Raise a modern slavery concern/);
  });

  it('when there is no Authorization header, then 401', async () => {
    assertRefused(await post(undefined));
  });

  it('when the Authorization header is garbage, "Bearer" with nothing after it, or another scheme, then 401 each time', async () => {
    for (const header of ['garbage', 'Bearer ', 'Bearer not.a.jwt', 'Basic dXNlcjpwYXNz']) {
      logLines.length = 0;
      assertRefused(await post(header), header);
    }
  });

  it('when the token is unsigned (alg "none"), then 401, not 500', async () => {
    const unsigned = jwt.sign(claims(), null, { algorithm: 'none', keyid: KID });
    assertRefused(await post(`Bearer ${unsigned}`), unsigned);
  });

  it('when the token is HS256, signed with the public key as the HMAC secret, then 401, not 500', async () => {
    // The SDK verifies with the key set's key as a PKCS#1 PEM: the classic confusion signs with exactly that text.
    const publicPem = botFrameworkKeys.publicKey.export({ format: 'pem', type: 'pkcs1' }).toString();
    const forged = token({}, { algorithm: 'HS256' }, publicPem);
    assertRefused(await post(`Bearer ${forged}`), forged);
  });

  it("when the token is signed with another private key under the published key's id, then 401, not 500", async () => {
    const forged = token({}, {}, otherKeys.privateKey);
    assertRefused(await post(`Bearer ${forged}`), forged);
  });

  it('when the token names a key id the key set does not have, then 401', async () => {
    const forged = token({}, { keyid: 'forged-by-someone' }, otherKeys.privateKey);
    assertRefused(await post(`Bearer ${forged}`), forged);
  });

  it('when the token has expired, then 401', async () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = token({ iat: now - 7200, exp: now - 3600 });
    assertRefused(await post(`Bearer ${expired}`), expired);
  });

  it('when the token is for another bot (wrong audience), then 401 and the audience it named is not logged or sent back', async () => {
    const other = token({ aud: 'forged-by-someone' });
    assertRefused(await post(`Bearer ${other}`), other);
  });

  it('when the token comes from another issuer, then 401', async () => {
    const other = token({ iss: 'https://evil.example' });
    assertRefused(await post(`Bearer ${other}`), other);
  });

  it("when a genuine token is replayed with another service URL in the activity, then 401 (the bot's reply cannot be sent elsewhere)", async () => {
    const genuine = token();
    assertRefused(await post(`Bearer ${genuine}`, openIntake({ serviceUrl: 'https://evil.example/' })), genuine);
  });

  it('when a key endorsed only for Teams signs an activity from another channel, then 401', async () => {
    const genuine = token();
    assertRefused(await post(`Bearer ${genuine}`, openIntake({ channelId: 'webchat' })), genuine);
  });

  it('when the token claims to be from Azure AD (the emulator path) but another key signed it, then 401, not 500', async () => {
    const forged = token({ ver: '1.0', appid: APP_ID, iss: 'https://sts.windows.net/d6d49420-f39b-4df7-a1dc-d59a935871db/' }, {}, otherKeys.privateKey);
    assertRefused(await post(`Bearer ${forged}`), forged);
  });

  it('when the token is another bot calling this one as a skill, then 401', async () => {
    const skill = token({ ver: '1.0', appid: 'forged-by-someone' });
    assertRefused(await post(`Bearer ${skill}`), skill);
  });
});
