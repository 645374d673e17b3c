import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ConfigError, DEMO_PROTOCOL_PATH, loadConfig, loadProtocol } from '../src/config.js';
import { GROUP_IDS } from '../src/domain/groups.js';
import { rolesOf } from '../src/domain/protocol.js';

const run = promisify(execFile);
const dir = mkdtempSync(path.join(tmpdir(), 'protocol-'));
function protocolFile(content: unknown): string {
  const file = path.join(dir, `${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

describe('configuration', () => {
  it('when nothing is set, then the bot runs on loopback with embedded storage and the demo protocol', () => {
    const config = loadConfig({});
    assert.equal(config.port, 3978);
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.credentials, undefined);
    assert.ok('embeddedDataDir' in config.storage && config.storage.embeddedDataDir.endsWith('.data'));
    assert.equal(config.protocol.timeZone, 'Europe/London');
    assert.deepEqual(
      config.protocol.groups.map((g) => g.id),
      [...GROUP_IDS],
    );
  });

  it("when the demo protocol is loaded, then the Agents Playground's default user holds every role", () => {
    const roles = rolesOf(loadProtocol(DEMO_PROTOCOL_PATH), '00000000-0000-0000-0000-0000000000020');
    assert.ok(roles.modernSlaveryLead && roles.coordinator);
    assert.equal(roles.leadOf.length, 7);
  });

  it('when the shipped example protocol is loaded, then it is valid and has the seven groups', () => {
    const protocol = loadProtocol(path.join(__dirname, '..', 'config', 'protocol.example.json'));
    assert.deepEqual(
      protocol.groups.map((g) => g.id),
      [...GROUP_IDS],
    );
  });

  it('when a value is wrong, then the error names the key', () => {
    assert.throws(
      () => loadConfig({ PORT: 'eighty' }),
      (e: Error) => e instanceof ConfigError && /PORT/.test(e.message),
    );
    assert.throws(() => loadConfig({ MicrosoftAppType: 'MultiTenant' }), /MicrosoftAppType/);
  });

  it('when NODE_ENV is production and there are no app credentials, then it refuses to start', () => {
    assert.throws(() => loadConfig({ NODE_ENV: 'production' }), /MicrosoftAppId: is required when NODE_ENV=production/);
  });

  describe('storage in production', () => {
    const TENANT = '00000000-0000-0000-0000-0000000000001';
    const bot = { NODE_ENV: 'production', MicrosoftAppId: 'app', MicrosoftAppType: 'UserAssignedMsi', MicrosoftAppTenantId: TENANT };

    it('when NODE_ENV is production and no storage is set, then it refuses to start rather than keep concerns in the embedded emulator', () => {
      assert.throws(() => loadConfig(bot), /TABLES_ENDPOINT: is required when NODE_ENV=production/);
    });

    it('when NODE_ENV is production and storage is an http endpoint, then it refuses to start, naming the setting', () => {
      assert.throws(() => loadConfig({ ...bot, TABLES_ENDPOINT: 'http://council.table.core.windows.net' }), /TABLES_ENDPOINT: must be an https:\/\/ endpoint/);
    });

    it('when NODE_ENV is production and a connection string (an account key) is set, then it refuses to start', () => {
      const key = 'DefaultEndpointsProtocol=https;AccountName=x;AccountKey=abc;EndpointSuffix=core.windows.net';
      assert.throws(
        () => loadConfig({ ...bot, TABLES_ENDPOINT: 'https://x.table.core.windows.net', TABLES_CONNECTION_STRING: key }),
        /TABLES_CONNECTION_STRING: must not be set/,
      );
    });

    it('when NODE_ENV is production with an https endpoint and the managed identity, then storage is reached by the identity, with no key', () => {
      const config = loadConfig({ ...bot, TABLES_ENDPOINT: 'https://x.table.core.windows.net', AZURE_CLIENT_ID: 'client-1' });
      assert.deepEqual(config.storage, { endpoint: 'https://x.table.core.windows.net', clientId: 'client-1' });
    });
  });

  describe('Application Insights', () => {
    const connectionString = 'InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://uksouth-1.in.applicationinsights.azure.com/';
    const production = {
      NODE_ENV: 'production',
      MicrosoftAppId: 'app',
      MicrosoftAppType: 'UserAssignedMsi',
      MicrosoftAppTenantId: '00000000-0000-0000-0000-0000000000001',
      TABLES_ENDPOINT: 'https://x.table.core.windows.net',
    };

    it('when no connection string is set, then nothing is sent to Application Insights', () => {
      assert.equal(loadConfig({}).telemetry, undefined);
    });

    it('when the connection string is set with the managed identity, then telemetry goes there as the identity', () => {
      const config = loadConfig({ ...production, APPLICATIONINSIGHTS_CONNECTION_STRING: connectionString, AZURE_CLIENT_ID: 'client-1' });
      assert.deepEqual(config.telemetry, { connectionString, clientId: 'client-1' });
    });

    it('when NODE_ENV is production and the connection string is set without the identity, then it refuses to start (the component takes no keys)', () => {
      assert.throws(
        () => loadConfig({ ...production, APPLICATIONINSIGHTS_CONNECTION_STRING: connectionString }),
        /AZURE_CLIENT_ID: is required with APPLICATIONINSIGHTS_CONNECTION_STRING/,
      );
    });
  });

  it('when app credentials are given, then it listens on every interface and needs the tenant and secret', () => {
    assert.throws(() => loadConfig({ MicrosoftAppId: 'app' }), /MicrosoftAppTenantId/);
    const config = loadConfig({ MicrosoftAppId: 'app', MicrosoftAppPassword: 's', MicrosoftAppTenantId: '00000000-0000-0000-0000-0000000000001' });
    assert.equal(config.host, '0.0.0.0');
    assert.throws(() => loadConfig({ MicrosoftAppId: 'app', MicrosoftAppPassword: 's', MicrosoftAppTenantId: 'another' }), /does not match tenantId/);
  });

  it('when the protocol file has a wrong entry, then the error says which one', () => {
    const demo = loadProtocol(DEMO_PROTOCOL_PATH);
    const missingGroup = protocolFile({ ...demo, groups: demo.groups.filter((g) => g.id !== 'nrm') });
    assert.throws(() => loadConfig({ PROTOCOL_CONFIG: missingGroup }), /group "nrm" must appear exactly once/);
    const badLead = protocolFile({ ...demo, modernSlaveryLeads: [{ aadObjectId: '', name: 'X' }] });
    assert.throws(() => loadConfig({ PROTOCOL_CONFIG: badLead }), /modernSlaveryLeads\.0\.aadObjectId/);
    const badDate = protocolFile({ ...demo, deadline: '2 July' });
    assert.throws(() => loadConfig({ PROTOCOL_CONFIG: badDate }), /deadline: must be a local date/);
    assert.throws(() => loadConfig({ PROTOCOL_CONFIG: protocolFile('{ not json') }), /cannot read .* as JSON/);
    assert.throws(() => loadConfig({ PROTOCOL_CONFIG: protocolFile({ ...demo, timeZone: 'Mars/Olympus' }) }), /unknown time zone/);
  });

  it('when the process starts with a bad setting, then it prints the key and exits non-zero', async () => {
    const tsx = require.resolve('tsx/cli');
    await assert.rejects(
      run(process.execPath, [tsx, 'src/index.ts'], { env: { ...process.env, PORT: 'not-a-port', NODE_ENV: 'development' }, cwd: path.join(__dirname, '..') }),
      (error: { code?: number; stderr?: string }) => error.code === 1 && /Configuration error[\s\S]*PORT/.test(error.stderr ?? ''),
    );
  });
});
