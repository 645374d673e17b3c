import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { App } from '../../src/app.js';
import { startEmbeddedTables, type EmbeddedTables } from '../../src/storage/embeddedAzurite.js';
import { OutboxStore } from '../../src/storage/outboxStore.js';
import { openTables } from '../../src/storage/tables.js';
import { systemClock } from '../../src/domain/clock.js';
import { ConcernService } from '../../src/services/concernService.js';
import { Directory } from '../../src/services/directory.js';
import { AuditLog } from '../../src/storage/auditLog.js';
import { ConcernStore } from '../../src/storage/concernStore.js';
import { CounterStore } from '../../src/storage/counterStore.js';
import { PEOPLE, TENANT, testProtocol } from '../support/people.js';
import { FakeConnector, type RecordedCall } from '../support/fakeConnector.js';
import { assertAbsent, visibleText } from '../support/cards.js';
import { channelConversation, personalConversation, startApp, TeamsClient, validIntake, waitFor } from '../support/harness.js';
import { giveRole } from '../support/roster.js';

const toLead = (call: RecordedCall) => call.conversationId === personalConversation('lead') && call.method === 'POST';
const toHousing = (call: RecordedCall) => call.conversationId === channelConversation('housing-channel') && call.method === 'POST';

describe('the outbox: proactive sends that survive failures and restarts', () => {
  let tables: EmbeddedTables;
  let connector: FakeConnector;
  let app: App & { url: string };
  let teams: TeamsClient;
  // Short backoff so that a retry happens within the test; Retry-After still wins when longer.
  const dispatcher = { retry: { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1_000 }, pollMs: 50, leaseMs: 5_000, concurrency: 4 };

  beforeEach(async () => {
    tables = await startEmbeddedTables(undefined);
    connector = new FakeConnector();
    await connector.start();
    app = await startApp(tables, { dispatcher });
    teams = new TeamsClient(app.url, connector);
    for (const key of ['lead', 'lead2', 'coordinator'] as const) await teams.install(key);
    await teams.mention('coordinator', 'link housing', 'housing-channel');
    connector.clear();
  });
  afterEach(async () => {
    await app.close();
    await connector.stop();
    await tables.close();
  });

  async function raise(): Promise<string> {
    const id = randomUUID();
    await teams.execute('staff', 'intake.submit', { submissionId: id, ...validIntake() });
    return id;
  }

  it('when Teams answers 429 with Retry-After, then the card is sent again after that time, once', async () => {
    connector.failNext(toLead, 429, { 'Retry-After': '1' });
    const id = await raise();
    await waitFor(async () => (await app.stores.outbox.list(id)).find((e) => e.recipient === 'aad-lead' && e.state === 'sent'), 'delivery after 429');
    const attempts = connector.calls.filter(toLead);
    assert.equal(attempts.length, 2, 'one refused attempt, one delivery');
    assert.ok(attempts[1]!.at - attempts[0]!.at >= 1_000, `waited ${attempts[1]!.at - attempts[0]!.at} ms, Retry-After said 1 s`);
    // Teams' Retry-After pauses every send (of every instance), so the other Lead's card waits out the pause too; once.
    await waitFor(() => connector.sentTo(personalConversation('lead2')).length > 0, "the other Lead's card");
    await app.outbox.idle();
    assert.equal(connector.sentTo(personalConversation('lead2')).length, 1, 'the other Lead was not sent twice');
  });

  it('when Teams answers 503 and then 412, then the notice is retried with backoff and delivered once', async () => {
    connector.failNext(toHousing, 503);
    connector.failNext(toHousing, 412);
    const id = await raise();
    await waitFor(async () => (await app.stores.outbox.list(id)).find((e) => e.kind === 'channelNotice' && e.state === 'sent'), 'the notice');
    assert.equal(connector.calls.filter(toHousing).length, 3);
    assert.equal(connector.calls.filter((c) => toHousing(c) && c.body.type === 'message').length, 3);
  });

  it('when Teams answers 403, then it is not retried, it is recorded as undeliverable and the coordinator is told', async () => {
    connector.failNext(toLead, 403);
    const id = await raise();
    const told = await waitFor(() => connector.sentTo(personalConversation('coordinator'))[0], 'the coordinator notice');
    assert.match(visibleText(told.body), /could not be delivered to Lee Lead/);
    assertAbsent(told.body, /passport|Foleshill/, 'the notice carries no details of the concern');
    await app.outbox.idle();
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(connector.calls.filter(toLead).length, 1, 'never retried');
    const entry = (await app.stores.outbox.list(id)).find((e) => e.recipient === 'aad-lead');
    assert.equal(entry?.state, 'undeliverable');
    assert.equal(entry?.lastStatus, 403);
  });

  it('when a group has no linked channel, then the coordinator is told, and the notice goes out once the channel is linked', async () => {
    const id = randomUUID();
    await teams.execute('staff', 'intake.submit', { submissionId: id, ...validIntake({ area: 'health' }) });
    const told = await waitFor(() => connector.sentTo(personalConversation('coordinator'))[0], 'the coordinator notice');
    assert.match(visibleText(told.body), /no channel is linked to the Health group yet/);
    await teams.mention('coordinator', 'link health', 'health-channel');
    const notice = await waitFor(
      () => connector.sentTo(channelConversation('health-channel')).find((c) => /MS-/.test(visibleText(c.body))),
      'the notice after linking',
    );
    assertAbsent(notice.body, /passport/);
    await app.outbox.idle();
    assert.equal(connector.sentTo(personalConversation('coordinator')).length, 1, 'the coordinator is told once');
  });

  it('when several messages wait for the same unlinked channel, then the coordinator gets one card naming the real command, updated as they queue and when the channel is linked', async () => {
    for (let i = 0; i < 3; i++) await teams.execute('staff', 'intake.submit', { submissionId: randomUUID(), ...validIntake({ area: 'health' }) });
    const toCoordinator = () => connector.calls.filter((c) => c.conversationId === personalConversation('coordinator'));
    const updates = () => toCoordinator().filter((c) => c.method === 'PUT');
    // Posted when the first was held up and updated as the others queued, or, when all three were counted before it went, posted saying 3.
    const latest = () => toCoordinator().at(-1);
    await waitFor(() => latest() && /3 messages for the Health group's channel are waiting/.test(visibleText(latest()!.body)), 'the card to count 3');
    await app.outbox.idle();
    assert.match(visibleText(latest()!.body), /3 messages for the Health group's channel are waiting/, 'no older count sent after it');
    const posted = connector.sentTo(personalConversation('coordinator'));
    assert.equal(posted.length, 1, 'one card for the cause, not one per message');
    const text = visibleText(posted[0]!.body);
    assert.match(text, /Waiting: the Health channel is not linked/);
    assert.match(text, /send "link health"/);
    assert.doesNotMatch(text, /link <group>|link "\)/);
    assert.equal((posted[0]!.body as any).attachments[0].content.body[0].color, 'Default', 'waiting is not an alarm');

    await teams.mention('coordinator', 'link health', 'health-channel');
    await waitFor(() => updates().some((c) => /Sorted: the Health channel is linked now/.test(visibleText(c.body))), 'the card to say it is sorted');
    await waitFor(() => connector.sentTo(channelConversation('health-channel')).filter((c) => /MS-/.test(visibleText(c.body))).length === 3, 'the 3 notices');
    await app.outbox.idle();
    assert.equal(connector.sentTo(personalConversation('coordinator')).length, 1, 'still one card: it was updated in place');
  });

  it('when the update for the person who raised a concern cannot be delivered, then no coordinator is told who it was for', async () => {
    // Rita raised the concern (so her chat is known), then blocked the bot.
    const id = randomUUID();
    await teams.execute('staff2', 'intake.submit', { submissionId: id, ...validIntake() });
    const card = await waitFor(() => connector.sentTo(personalConversation('lead')).find((c) => /Concern MS-/.test(visibleText(c.body))), 'the lead card');
    await app.outbox.idle();
    connector.clear();
    connector.failNext((c) => c.conversationId === personalConversation('staff2') && c.method === 'POST', 403);
    const revision = (await app.stores.concerns.get(id))!.record.revision;
    await teams.execute('lead', 'concern.acknowledge', { concernId: id, revision });
    await waitFor(async () => (await app.stores.outbox.list(id)).find((e) => e.kind === 'reporterUpdate' && e.state === 'undeliverable'), 'the failed update');
    await app.outbox.idle();
    assert.ok(card);
    for (const told of connector.sentTo(personalConversation('coordinator'))) assertAbsent(told.body, /Rita|Reporter|raised it/);
    assert.equal(connector.sentTo(personalConversation('coordinator')).length, 0, 'nothing at all is sent to the coordinator about it');
  });

  it('when someone with waiting messages removes the app, then nothing is woken and no "sorted" notice is sent', async () => {
    await giveRole(tables, 'lead', { aadObjectId: 'aad-new-lead', name: 'Nia New' });
    await app.close();
    app = await startApp(tables, { dispatcher });
    teams.appUrl = app.url;
    await teams.execute('staff', 'intake.submit', { submissionId: randomUUID(), ...validIntake() });
    await waitFor(() => connector.sentTo(personalConversation('coordinator')).find((c) => /Nia New/.test(visibleText(c.body))), 'the waiting notice');
    await teams.post({
      ...teams.activity('staff', { type: 'installationUpdate', action: 'remove' }),
      from: { id: '29:nia', name: 'Nia New', aadObjectId: 'aad-new-lead' },
      conversation: { id: 'a:personal-nia', conversationType: 'personal', tenantId: TENANT },
    });
    await app.outbox.idle();
    const updates = connector.calls.filter((c) => c.method === 'PUT' && /Sorted/.test(JSON.stringify(c.body)));
    assert.equal(updates.length, 0);
    assert.equal(connector.sentTo('a:personal-nia').length, 0, 'nothing was sent to someone who removed the app');
  });

  it('when a Lead has not installed the app yet, then the coordinator is told, and the Lead gets the card as soon as they install it', async () => {
    // A third Lead, Nia, was given the role but has never opened the app.
    await giveRole(tables, 'lead', { aadObjectId: 'aad-new-lead', name: 'Nia New' });
    await app.close();
    app = await startApp(tables, { dispatcher });
    teams.appUrl = app.url;
    const id = randomUUID();
    await teams.execute('staff', 'intake.submit', { submissionId: id, ...validIntake() });
    const told = await waitFor(
      () => connector.sentTo(personalConversation('coordinator')).find((c) => /Nia New/.test(visibleText(c.body))),
      'the coordinator notice',
    );
    assert.match(visibleText(told.body), /not installed the app yet/);
    const waiting = (await app.stores.outbox.list(id)).find((e) => e.recipient === 'aad-new-lead');
    assert.equal(waiting?.state, 'pending');
    // Nia installs the app: her waiting card is delivered at once.
    await teams.post({
      ...teams.activity('staff', { type: 'installationUpdate', action: 'add' }),
      from: { id: '29:nia', name: 'Nia New', aadObjectId: 'aad-new-lead' },
      conversation: { id: 'a:personal-nia', conversationType: 'personal', tenantId: TENANT },
    });
    const card = await waitFor(() => connector.sentTo('a:personal-nia').find((c) => /Concern MS-/.test(visibleText(c.body))), 'the Lead card after install');
    assert.match(visibleText(card.body), /passport/);
  });

  it('when the app stopped after storing a concern but before sending, then the restarted app delivers everything, each once', async () => {
    await app.close();
    // The stopped instance: the real service stored the concern and its outbox, and nothing was sent.
    const tablesAgain = await openTables({ connectionString: tables.connectionString });
    const service = new ConcernService({
      concerns: new ConcernStore(tablesAgain.concerns),
      counters: new CounterStore(tablesAgain.counters),
      leadRefreshIds: () => Promise.resolve([]),
      audit: new AuditLog(tablesAgain.audit),
      directory: new Directory(testProtocol()),
      timeZone: 'Europe/London',
      clock: systemClock,
      outboxWritten: () => undefined,
    });
    const id = randomUUID();
    const raised = await service.raise({ aadObjectId: PEOPLE.staff.aadObjectId, name: PEOPLE.staff.name }, id, validIntake());
    assert.equal(raised.kind, 'created');
    const stored = new OutboxStore(tablesAgain.concerns);
    assert.equal((await stored.list(id)).filter((e) => e.state === 'pending').length, 3);
    assert.equal(connector.calls.length, 0);

    app = await startApp(tables, { dispatcher });
    await waitFor(async () => (await stored.list(id)).every((e) => e.state === 'sent'), 'delivery after restart');
    await new Promise((resolve) => setTimeout(resolve, 200)); // a few more polls: nothing more may be sent
    await app.outbox.idle();
    assert.equal(connector.sentTo(personalConversation('lead')).length, 1);
    assert.equal(connector.sentTo(personalConversation('lead2')).length, 1);
    assert.equal(connector.sentTo(channelConversation('housing-channel')).length, 1);
  });
});
