import { randomUUID } from 'node:crypto';
import { createApp, type App, type AppOptions } from '../../src/app.js';
import type { Config } from '../../src/config.js';
import type { Protocol } from '../../src/domain/protocol.js';
import { createLogger } from '../../src/logger.js';
import { startEmbeddedTables, type EmbeddedTables } from '../../src/storage/embeddedAzurite.js';
import { FakeConnector } from './fakeConnector.js';
import { PEOPLE, TENANT, testProtocol, type PersonKey } from './people.js';

export type Card = Record<string, any>;

export interface PostResult {
  status: number;
  body: any;
}

export const personalConversation = (key: PersonKey) => `a:personal-${key}`;
export const channelConversation = (name: string) => `19:${name}@thread.tacv2`;

/** Where an activity comes from: a person's personal chat (default) or a team channel. */
export interface Where {
  channel?: string;
  tenant?: string;
  id?: string;
}

/** Builds the real app on a test Azurite, with the fake connector as the Teams service. */
export async function startApp(tables: EmbeddedTables, options: AppOptions & { protocol?: Protocol } = {}): Promise<App & { url: string }> {
  const config: Config = {
    port: 0,
    host: '127.0.0.1',
    production: false,
    credentials: undefined,
    storage: { connectionString: tables.connectionString },
    protocol: options.protocol ?? testProtocol(),
    protocolSource: 'test',
  };
  const app = await createApp(config, { logger: createLogger({ silent: !process.env.TEST_LOGS }), schedulerIntervalMs: 0, ...options });
  const url = await app.listen();
  return Object.assign(app, { url });
}

export type RunningApp = App & { url: string };

/** What a describe block of flow tests works with; filled in by runningApp's before hook. */
export interface TestWorld {
  tables: EmbeddedTables;
  connector: FakeConnector;
  app: RunningApp;
  teams: TeamsClient;
}

/**
 * Starts Azurite, the fake Teams connector and the app before a describe block's tests and stops
 * them after: call it at the top of the block, then read the world in a before hook.
 */
export function runningApp(options: AppOptions & { protocol?: Protocol } = {}): TestWorld {
  const world = {} as TestWorld;
  before(async () => {
    world.tables = await startEmbeddedTables(undefined);
    world.connector = new FakeConnector();
    await world.connector.start();
    world.app = await startApp(world.tables, options);
    world.teams = new TeamsClient(world.app.url, world.connector);
  });
  after(async () => {
    await world.app?.close();
    await world.connector?.stop();
    await world.tables?.close();
  });
  return world;
}

/**
 * Plays Microsoft Teams for the tests: posts real Bot Framework activities to the running app,
 * with the fake connector as their service URL.
 */
export class TeamsClient {
  constructor(
    public appUrl: string,
    private readonly connector: FakeConnector,
  ) {}

  activity(key: PersonKey, fields: Record<string, unknown>, where: Where = {}): Record<string, unknown> {
    const person = PEOPLE[key];
    const tenant = where.tenant ?? TENANT;
    const conversation = where.channel
      ? { id: `${channelConversation(where.channel)};messageid=${Date.now()}`, conversationType: 'channel', isGroup: true, tenantId: tenant }
      : { id: personalConversation(key), conversationType: 'personal', tenantId: tenant };
    return {
      id: where.id ?? randomUUID(),
      channelId: 'msteams',
      serviceUrl: this.connector.url,
      timestamp: new Date().toISOString(),
      from: { id: person.teamsId, name: person.name, aadObjectId: person.aadObjectId },
      recipient: { id: '28:bot', name: 'Concerns Bot' },
      conversation,
      channelData: {
        tenant: { id: tenant },
        ...(where.channel ? { channel: { id: channelConversation(where.channel), name: where.channel }, team: { id: '19:team@thread.tacv2' } } : {}),
      },
      locale: 'en-GB',
      ...fields,
    };
  }

  async post(activity: Record<string, unknown>): Promise<PostResult> {
    const response = await fetch(`${this.appUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(activity),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  }

  message(key: PersonKey, text: string, where: Where = {}): Promise<PostResult> {
    return this.post(this.activity(key, { type: 'message', text }, where));
  }

  /** A channel message with the bot @mentioned, as Teams sends it. */
  mention(key: PersonKey, text: string, channel: string): Promise<PostResult> {
    const mention = '<at>Concerns Bot</at>';
    return this.post(
      this.activity(
        key,
        { type: 'message', text: `${mention} ${text}`, entities: [{ type: 'mention', text: mention, mentioned: { id: '28:bot', name: 'Concerns Bot' } }] },
        { channel },
      ),
    );
  }

  install(key: PersonKey, where: Where = {}): Promise<PostResult> {
    return this.post(this.activity(key, { type: 'installationUpdate', action: 'add' }, where));
  }

  /** An Action.Execute click: the card's data plus the inputs, as Teams sends them. */
  execute(key: PersonKey, verb: string, data: Record<string, unknown>, where: Where = {}): Promise<PostResult> {
    return this.post(
      this.activity(
        key,
        { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb, data: { verb, ...data } }, trigger: 'manual' } },
        where,
      ),
    );
  }

  /** An Action.Submit click (the fallback): a message whose value holds the data and inputs. */
  submit(key: PersonKey, data: Record<string, unknown>, where: Where = {}): Promise<PostResult> {
    return this.post(this.activity(key, { type: 'message', value: data }, where));
  }

  invoke(key: PersonKey, name: string, value: unknown, where: Where = {}): Promise<PostResult> {
    return this.post(this.activity(key, { type: 'invoke', name, value }, where));
  }
}

/** The first Adaptive Card of an activity the bot sent. */
export function cardOf(activity: Record<string, unknown>): Card {
  const attachments = activity.attachments as { content: Card }[] | undefined;
  if (!attachments?.[0]) throw new Error(`no card in ${JSON.stringify(activity).slice(0, 200)}`);
  return attachments[0].content;
}

/** The card an Action.Execute was answered with. */
export function invokeCard(result: PostResult): Card {
  if (result.body?.type !== 'application/vnd.microsoft.card.adaptive') throw new Error(`not a card answer: ${JSON.stringify(result.body).slice(0, 300)}`);
  return result.body.value as Card;
}

/** Waits until `check` returns a value (not undefined/false), polling; fails after `timeoutMs`. */
export async function waitFor<T>(check: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 8000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A valid intake answer for an adult; override fields per test. */
export function validIntake(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    immediateDanger: 'no',
    ageBand: '26plus',
    possiblyChild: 'false',
    exploitation: 'labour',
    indicators: 'housing,documents',
    area: 'housing',
    place: 'Foleshill',
    consent: 'consented',
    actionsTaken: '',
    observed: 'Six men collected from the house at 5am every day by the same van; one said his passport is kept by the boss.',
    ...overrides,
  };
}
