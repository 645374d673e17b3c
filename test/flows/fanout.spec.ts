import assert from 'node:assert/strict';
import type { TableClient } from '@azure/data-tables';
import { createAdapter } from '../../src/bot/adapter.js';
import { signUpFormCard } from '../../src/cards/signUpCards.js';
import { systemClock } from '../../src/domain/clock.js';
import { createLogger } from '../../src/logger.js';
import { DEFAULT_DISPATCHER_OPTIONS, OutboxDispatcher } from '../../src/messaging/outboxDispatcher.js';
import { teamsDelivery } from '../../src/messaging/teamsDelivery.js';
import { sharedRateLimiter } from '../../src/messaging/tenantBudget.js';
import { ConversationStore, GroupChannelStore } from '../../src/storage/conversationStore.js';
import { startEmbeddedTables, type EmbeddedTables } from '../../src/storage/embeddedAzurite.js';
import { OutboxStore } from '../../src/storage/outboxStore.js';
import { SendBudgetStore } from '../../src/storage/sendBudgetStore.js';
import { openTables, type TableClients } from '../../src/storage/tables.js';
import { FakeConnector, TEAMS_LIMITS } from '../support/fakeConnector.js';
import { accepted, fanOutConversation, queueFanOut } from '../support/fanOut.js';
import { startApp, waitFor, type RunningApp } from '../support/harness.js';
import { busiestWindow } from '../support/rateWindows.js';

const people = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}-${i}`);

/**
 * Bursts of proactive messages through the real delivery path (outbox, dispatcher, rate limiter,
 * Teams SDK) to a stand-in connector that enforces Teams' limits and answers 429 when they are
 * broken. The instances share one Azurite, as instances of the app share one storage account.
 */
describe('sending bursts within Teams limits', () => {
  let tables: EmbeddedTables;
  let clients: TableClients;
  let connector: FakeConnector;
  beforeEach(async () => {
    tables = await startEmbeddedTables(undefined);
    clients = await openTables({ connectionString: tables.connectionString });
    connector = new FakeConnector({ limits: TEAMS_LIMITS, latencyMs: 20 });
    await connector.start();
  });
  afterEach(async () => {
    await connector.stop();
    await tables.close();
  });

  describe('when three app instances send 162 messages together', () => {
    let apps: RunningApp[] = [];
    afterEach(async () => {
      await Promise.all(apps.map((app) => app.close()));
      apps = [];
    });

    it('then Teams refuses none, no second holds more than the tenant limit, and the three share it through storage', async () => {
      apps = await Promise.all([startApp(tables), startApp(tables), startApp(tables)]);
      const recipients = people('aad-fan', 30);
      // One conversation gets 12 at once: all three instances may send to it, so each keeps to a third of its limits.
      const queued = await queueFanOut(apps[0]!.stores, connector, recipients, (r) => (r === 'aad-fan-0' ? 12 : 5));
      for (const app of apps) app.outbox.kick();
      await waitFor(() => accepted(connector).length >= queued, `${queued} messages`, 20_000);

      assert.deepEqual(
        connector.calls.filter((call) => call.broke).map((call) => call.broke),
        [],
        'no 429 from the stand-in',
      );
      const sent = accepted(connector);
      assert.equal(sent.length, queued, 'each message once');
      assert.ok(
        busiestWindow(
          sent.map((c) => c.at),
          1_000,
        ) <= 50,
      );
      const hot = sent.filter((c) => c.conversationId === fanOutConversation('aad-fan-0')).map((c) => c.at);
      assert.equal(hot.length, 12);
      assert.ok(busiestWindow(hot, 1_000) <= 7 && busiestWindow(hot, 2_000) <= 8);
      const live = (await new SendBudgetStore(clients.sendBudget).senders()).filter((row) => row.expiresAt.getTime() > Date.now());
      assert.equal(live.length, 3, 'three instances counted in the shared budget');
    });
  });

  describe('when Teams answers one instance 429 with Retry-After while three are sending', () => {
    const logLines: string[] = [];
    const stacks: { dispatcher: OutboxDispatcher; close(): Promise<void> }[] = [];

    /**
     * One instance's delivery, as app.ts builds it, with its own outbox table so that what each
     * instance sent can be told apart at the stand-in (the three share conversations and the budget).
     */
    function instance(outboxTable: TableClient, logs = createLogger({ silent: true })) {
      const limiter = sharedRateLimiter(clients.sendBudget, logs, { refreshMs: 200 });
      const deliver = teamsDelivery({
        adapter: createAdapter(undefined),
        appId: '',
        conversations: new ConversationStore(clients.conversations),
        groupChannels: new GroupChannelStore(clients.groupChannels),
        clock: systemClock,
        compose: (entry) => Promise.resolve({ to: { person: entry.recipient }, card: signUpFormCard() }),
        limiter,
      });
      const noProblems = { waiting: () => Promise.resolve(), undeliverable: () => Promise.resolve() };
      const dispatcher = new OutboxDispatcher([new OutboxStore(outboxTable)], deliver, noProblems, systemClock, logs, {
        ...DEFAULT_DISPATCHER_OPTIONS,
        pollMs: 100,
      });
      stacks.push({ dispatcher, close: () => dispatcher.stop().then(() => limiter.close()) });
      return dispatcher;
    }
    afterEach(async () => {
      await Promise.all(stacks.splice(0).map((stack) => stack.close()));
    });

    it('then the other instances send nothing until the time Teams gave, and the 429 is logged as a warning with the wait', async () => {
      const conversations = new ConversationStore(clients.conversations);
      const outboxes = { a: clients.concerns, b: clients.templates, c: clients.collations };
      let queued = 0;
      for (const [name, table] of Object.entries(outboxes)) {
        queued += await queueFanOut({ conversations, outbox: new OutboxStore(table) }, connector, people(`aad-${name}`, 10), () => (name === 'a' ? 10 : 4));
      }
      const to = (name: string) => (call: { conversationId: string }) => call.conversationId.startsWith(fanOutConversation(`aad-${name}`));
      // Teams refuses one of the first instance's sends once the other two are sending too.
      const othersSending = () => accepted(connector).some(to('b')) && accepted(connector).some(to('c'));
      connector.failNext((call) => to('a')(call) && othersSending(), 429, { 'Retry-After': '2' });
      const logs = createLogger({ destination: { write: (line: string) => void logLines.push(line) } });
      for (const dispatcher of [instance(outboxes.a, logs), instance(outboxes.b), instance(outboxes.c)]) dispatcher.start();
      await waitFor(() => accepted(connector).length >= queued, `${queued} messages`, 20_000);

      const refused = connector.calls.find((call) => call.status === 429)!;
      const from = (name: string) => accepted(connector).filter(to(name));
      const during = (calls: { at: number }[], start: number, end: number) =>
        calls.filter((call) => call.at >= refused.at + start && call.at < refused.at + end);
      assert.ok(from('b').some((call) => call.at <= refused.at) && from('c').some((call) => call.at <= refused.at), 'all three were sending before');
      // The others read the shared pause within their refresh time (200 ms here, half a second in the app).
      assert.deepEqual(during([...from('b'), ...from('c')], 400, 2_000), [], 'the others wait out the pause');
      assert.deepEqual(during(from('a'), 100, 1_950), [], 'the instance that was told waits too');
      assert.ok(during([...from('b'), ...from('c')], 2_000, 4_000).length > 0, 'and they carry on after it');
      assert.equal(connector.throttled, 0, 'no 429 from the limits themselves');
      assert.equal(accepted(connector).length, queued, 'every message once, the refused one sent again');
      const warning = logLines.map((line) => JSON.parse(line) as Record<string, unknown>).find((line) => line.event === 'teams.throttled');
      assert.equal(warning?.level, 'warn');
      assert.equal(warning?.retryAfterMs, 2_000);
    });
  });

  describe('when one instance sends 16 messages to one conversation at once', () => {
    let app: RunningApp | undefined;
    afterEach(async () => {
      await app?.close();
    });

    it('then they go at its pace, no more than 7 in a second and 8 in two, and Teams refuses none', async () => {
      app = await startApp(tables);
      const queued = await queueFanOut(app.stores, connector, ['aad-busy'], () => 16);
      app.outbox.kick();
      await waitFor(() => accepted(connector).length >= queued, `${queued} messages`, 15_000);
      const times = accepted(connector).map((call) => call.at);
      assert.equal(connector.throttled, 0);
      assert.equal(busiestWindow(times, 1_000), 7);
      assert.equal(busiestWindow(times, 2_000), 8);
    });
  });
});
