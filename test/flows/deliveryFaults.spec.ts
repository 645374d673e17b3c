import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { App } from '../../src/app.js';
import { newOutboxEntry } from '../../src/domain/outbox.js';
import { startEmbeddedTables, type EmbeddedTables } from '../../src/storage/embeddedAzurite.js';
import { pointerEntity } from '../../src/storage/outboxPointers.js';
import { openTables } from '../../src/storage/tables.js';
import { assertAbsent, visibleText } from '../support/cards.js';
import { FakeConnector, type RecordedCall } from '../support/fakeConnector.js';
import { cardOf, personalConversation, startApp, TeamsClient, validIntake, waitFor } from '../support/harness.js';
import { auditFor, concernRecord, raisedEvent } from '../support/records.js';

const posted = (key: 'lead' | 'lead2') => (call: RecordedCall) => call.conversationId === personalConversation(key) && call.method === 'POST';
const concernCards = (connector: FakeConnector, key: 'lead' | 'lead2' | 'deputy') =>
  connector.sentTo(personalConversation(key)).filter((c) => /Concern MS-/.test(visibleText(c.body)));

/** Issue 11: what happens to a message when Teams says no: too large, blocked (403), conversation gone (404), a crash mid-send. */
describe('delivery faults: every message still reaches someone who can act on it', () => {
  let tables: EmbeddedTables;
  let connector: FakeConnector;
  let app: App & { url: string };
  let teams: TeamsClient;
  const dispatcher = { retry: { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1_000 }, pollMs: 50, leaseMs: 5_000, concurrency: 4 };

  beforeEach(async () => {
    tables = await startEmbeddedTables(undefined);
    connector = new FakeConnector();
    await connector.start();
    app = await startApp(tables, { dispatcher });
    teams = new TeamsClient(app.url, connector);
    for (const key of ['lead', 'lead2', 'deputy', 'coordinator'] as const) await teams.install(key);
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

  /** A stored concern whose Lead card cannot fit a Teams card (an observed text far over today's intake limit), queued for Lee. */
  async function storeOversizedConcern(): Promise<string> {
    const concern = concernRecord({ reference: 'MS-2027-000777' });
    concern.intake = { ...concern.intake, observed: 'A long account. '.repeat(2_000) };
    const card = newOutboxEntry({ kind: 'leadCard', recipient: 'aad-lead', revision: 1, now: new Date() });
    await app.stores.concerns.create(concern, raisedEvent(concern), [card], auditFor(concern));
    app.outbox.kick();
    return concern.id;
  }

  it('when a Lead card is too large for a Teams card, then a shortened card with the reference and "Open the concern" is sent once, never retried', async () => {
    const id = await storeOversizedConcern();
    await waitFor(async () => (await app.stores.outbox.list(id)).find((e) => e.state !== 'pending'), 'the entry to be settled');
    await app.outbox.idle();
    await new Promise((resolve) => setTimeout(resolve, 300)); // a few more polls: nothing more may be sent
    const sent = connector.sentTo(personalConversation('lead'));
    assert.equal(sent.length, 1, 'one message');
    const card = cardOf(sent[0]!.body);
    assert.match(visibleText(sent[0]!.body), /MS-2027-000777/);
    assert.match(visibleText(sent[0]!.body), /Modern Slavery Lead's card .* too long for a Teams message/);
    assertAbsent(sent[0]!.body, /A long account/, 'the shortened card carries none of the observed text');
    const open = (card.actions as Record<string, any>[]).find((a) => a.title === 'Open the concern');
    assert.equal(open?.verb, 'concern.refresh');
    assert.equal(open?.data.concernId, id);
    const entry = (await app.stores.outbox.list(id)).find((e) => e.recipient === 'aad-lead');
    assert.equal(entry?.state, 'sent');
    assert.equal(entry?.attempts, 1);
    assert.equal(connector.sentTo(personalConversation('coordinator')).length, 0, 'delivered, so nobody is told it failed');
  });

  it('when Teams refuses a card as too large (413), then the shortened card is sent in the same attempt, not retried or given up', async () => {
    connector.failNext(posted('lead'), 413);
    const id = await raise();
    await waitFor(async () => (await app.stores.outbox.list(id)).find((e) => e.recipient === 'aad-lead' && e.state === 'sent'), 'the shortened card');
    const calls = connector.calls.filter(posted('lead'));
    assert.equal(calls.length, 2, 'the refused card, then the short one');
    assert.match(visibleText(calls[1]!.body), /too long for a Teams message/);
    assertAbsent(calls[1]!.body, /passport|Foleshill/);
    assert.equal((await app.stores.outbox.list(id)).find((e) => e.recipient === 'aad-lead')?.attempts, 1);
  });

  it('when Teams answers 403 for a Lead, then one attempt, audited, the chat flagged, the deputy gets the Lead card at once, and later cards skip Lee until Lee writes again', async () => {
    connector.failNext(posted('lead'), 403);
    const started = Date.now();
    const id = await raise();
    const toDeputy = await waitFor(() => concernCards(connector, 'deputy')[0], "the deputy's Lead card");
    assert.ok(Date.now() - started < 60_000, 'within a minute');
    assert.match(visibleText(toDeputy.body), /passport/, 'the full Lead card: the deputy acts on concerns like a Lead');
    const told = await waitFor(() => connector.sentTo(personalConversation('coordinator')).find((c) => /Lee Lead/.test(visibleText(c.body))), 'the notice');
    assert.match(visibleText(told.body), /sent to the deputies instead/);
    assertAbsent(told.body, /passport|Foleshill/, 'the coordinator gets no details of the concern');
    assert.ok((await app.stores.conversations.personal('aad-lead'))?.blockedAt, 'the stored conversation is flagged');
    const audit = await app.stores.audit.forConcern(id);
    assert.ok(audit.some((e) => e.action === 'request.refused' && e.actorId === 'aad-lead' && e.reason === 'delivery refused 403: leadCard'));
    assert.equal((await app.stores.outbox.list(id)).find((e) => e.recipient === 'aad-lead')?.state, 'undeliverable');

    // The next concern does not try Lee at all: it goes straight to the deputy.
    const second = await raise();
    await waitFor(() => concernCards(connector, 'deputy').length === 2, "the deputy's second card");
    await app.outbox.idle();
    assert.equal(connector.calls.filter(posted('lead')).length, 1, 'Lee was tried once, for the first concern only');
    assert.equal((await app.stores.outbox.list(second)).find((e) => e.recipient === 'aad-lead')?.lastStatus, 403);

    // Lee unblocks the bot and writes to it: the flag is cleared and the next card reaches Lee.
    await teams.message('lead', 'help');
    assert.equal((await app.stores.conversations.personal('aad-lead'))?.blockedAt, undefined);
    await raise();
    await waitFor(() => concernCards(connector, 'lead').length === 1, "Lee's card after writing to the bot");
  });

  it('when Teams answers 404 (conversation not found), then the reference is dropped and the card is sent when the Lead reinstalls the app, or writes to the bot', async () => {
    connector.failNext(posted('lead'), 404);
    connector.failNext(posted('lead2'), 404);
    const id = await raise();
    await waitFor(async () => (await app.stores.conversations.personal('aad-lead')) === undefined, "Lee's reference to be dropped");
    await waitFor(async () => (await app.stores.conversations.personal('aad-lead2')) === undefined, "Dana's reference to be dropped");
    await app.outbox.idle();
    const entries = await app.stores.outbox.list(id);
    for (const recipient of ['aad-lead', 'aad-lead2']) assert.equal(entries.find((e) => e.recipient === recipient)?.state, 'pending', 'waiting, not given up');
    connector.clear(); // the refused attempts
    await teams.install('lead');
    const card = await waitFor(() => concernCards(connector, 'lead')[0], "Lee's card after reinstalling");
    assert.match(visibleText(card.body), /passport/);
    await teams.message('lead2', 'help');
    await waitFor(() => concernCards(connector, 'lead2')[0], "Dana's card after writing to the bot");
    await app.outbox.idle();
    assert.equal(concernCards(connector, 'lead').length, 1);
    assert.equal(concernCards(connector, 'lead2').length, 1);
  });

  it('when the app crashed after Teams took a Lead card but before it was recorded, then the card is sent once more, identical, and it refreshes to the current state', async () => {
    const id = await raise();
    await waitFor(async () => (await app.stores.outbox.list(id)).find((e) => e.recipient === 'aad-lead' && e.state === 'sent'), 'the first card');
    await app.outbox.idle();
    // What a crash between the send and its record leaves: the claimed entry, pending, with no activity id, and its pointer.
    const { concerns } = await openTables({ connectionString: tables.connectionString });
    const row = (await app.stores.outbox.list(id)).find((e) => e.recipient === 'aad-lead')!;
    const stored = await concerns.getEntity<Record<string, unknown>>(id, row.rowKey);
    const claimed: Record<string, unknown> = { ...stored, state: 'pending', nextAttemptAt: new Date().toISOString() };
    for (const written of ['activityId', 'lastStatus', 'etag', 'timestamp']) delete claimed[written];
    await concerns.updateEntity({ ...claimed, partitionKey: id, rowKey: row.rowKey }, 'Replace');
    await concerns.upsertEntity(pointerEntity(id, row), 'Replace');
    app.outbox.kick();
    await waitFor(() => concernCards(connector, 'lead').length === 2, 'the repeat');
    await app.outbox.idle();
    const [first, repeat] = concernCards(connector, 'lead').map((c) => cardOf(c.body));
    assert.deepEqual(repeat, first, 'the repeat is the same card');
    assert.equal(repeat!.refresh.action.verb, 'concern.refresh', 'both copies refresh to the current state when opened');
    assert.equal(repeat!.refresh.action.data.concernId, id);
    assert.equal(concernCards(connector, 'lead').length, 2, 'one repeat, no more');
  });
});
