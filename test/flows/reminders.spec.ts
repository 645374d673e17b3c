import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { GROUP_IDS } from '../../src/domain/groups.js';
import { startEmbeddedTables, type EmbeddedTables } from '../../src/storage/embeddedAzurite.js';
import { FakeConnector } from '../support/fakeConnector.js';
import { assertAbsent, visibleText } from '../support/cards.js';
import { channelConversation, personalConversation, startApp, TeamsClient, validIntake, waitFor, runningApp, type RunningApp } from '../support/harness.js';
import { TENANT, testProtocol } from '../support/people.js';

const run = promisify(execFile);
const NAMED_LEADS = { housing: 'housingLead', health: 'healthLead' } as const;
const leadConversation = (group: string) => (group in NAMED_LEADS ? personalConversation(NAMED_LEADS[group as keyof typeof NAMED_LEADS]) : `a:lead-${group}`);
const leadId = (group: string) => (group === 'housing' ? 'aad-housing-lead' : group === 'health' ? 'aad-health-lead' : `aad-${group}-lead`);

describe('deadline reminders and escalations, end to end with Azurite', () => {
  let tables: EmbeddedTables;
  let connector: FakeConnector;
  let app: RunningApp;
  let teams: TeamsClient;
  // The app's one clock, moved by the tests: reminders are recorded and sent "at" that time.
  const clock = {
    at: new Date('2027-06-14T10:00:00Z'),
    now() {
      return this.at;
    },
  };
  /** Moves the clock and runs one pass then, as the scheduler would. */
  const passAt = (iso: string) => {
    clock.at = new Date(iso);
    return app.reminders.runPass(clock.at);
  };
  const world = runningApp({ clock });

  before(async () => {
    ({ tables, connector, app, teams } = world);
    // Every group lead has the app and every group has a linked channel.
    for (const group of GROUP_IDS) {
      const install = teams.activity('staff', { type: 'installationUpdate', action: 'add' });
      if (group in NAMED_LEADS) await teams.install(NAMED_LEADS[group as keyof typeof NAMED_LEADS]);
      else
        await teams.post({
          ...install,
          from: { id: `29:${group}`, name: `${group} lead`, aadObjectId: leadId(group) },
          conversation: { id: leadConversation(group), conversationType: 'personal', tenantId: TENANT },
        });
      await teams.mention('coordinator', `link ${group}`, `${group}-channel`);
    }
    for (const key of ['coordinator', 'deputy', 'lead'] as const) await teams.install(key);
    // Housing has submitted its Strategy; Health has submitted both; Migration's Pathway was returned.
    const save = (who: 'housingLead' | 'healthLead', group: string, template: string, content: Record<string, string>) =>
      teams.execute(who, 'draft.save', { group, template, baseVersion: 0, ...content });
    const pathway = { flowcharts: '1. GP: spots signs\n2. GP: refers to the Modern Slavery Lead' };
    await save('housingLead', 'housing', 'strategy', { pursue: 'Disrupt through licensing checks' });
    await teams.execute('housingLead', 'template.submit', { group: 'housing', template: 'strategy', version: '1' });
    await save('healthLead', 'health', 'strategy', { protect: 'Safeguarding leads in every practice' });
    await save('healthLead', 'health', 'pathway', pathway);
    await teams.execute('healthLead', 'template.submit', { group: 'health', template: 'strategy', version: '1' });
    await teams.execute('healthLead', 'template.submit', { group: 'health', template: 'pathway', version: '1' });
    await app.outbox.idle();
  });
  beforeEach(() => connector.clear());

  const reminders = () => connector.calls.filter((c) => c.method === 'POST' && c.body.type === 'message' && /Reminder:|Late:/.test(visibleText(c.body)));

  it('when the 7-days-before step is due, then exactly the groups still missing a template are reminded, lead and channel', async () => {
    const items = await passAt('2027-06-25T08:05:00Z');
    const subjects = items
      .filter((i) => i.sent)
      .map((i) => i.subject)
      .sort();
    const expected = GROUP_IDS.flatMap((g) => ['strategy', 'pathway'].map((t) => `${g} ${t} before-7`))
      .filter((s) => !['housing strategy before-7', 'health strategy before-7', 'health pathway before-7'].includes(s))
      .sort();
    assert.deepEqual(subjects, expected);
    await app.outbox.idle();
    await waitFor(() => reminders().length === expected.length * 2, `${expected.length * 2} reminder messages`);
    const housingLead = connector.sentTo(leadConversation('housing')).map((c) => visibleText(c.body));
    assert.equal(housingLead.length, 1, 'housing lead: only the Pathway is missing');
    assert.match(housingLead[0]!, /Housing group's Pathway has not been submitted yet \(not started\)/);
    assert.match(housingLead[0]!, /7 days left: the deadline is the end of Friday 2 July 2027/);
    assert.equal(connector.sentTo(leadConversation('health')).length, 0, 'health submitted both: no reminder');
    assert.equal(connector.sentTo(channelConversation('migration-channel')).length, 2, 'migration channel: both templates');
  });

  it('when a second pass runs at the same instant, then nothing is sent again', async () => {
    const items = await passAt('2027-06-25T08:05:00Z');
    assert.ok(items.length > 0 && items.every((i) => !i.sent));
    await app.outbox.idle();
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(reminders().length, 0);
  });

  it('when two passes race (several app instances), then each reminder is sent once', async () => {
    clock.at = new Date('2027-06-29T08:01:00Z'); // 3 days before
    const [a, b, c] = await Promise.all([app.reminders.runPass(clock.at), app.reminders.runPass(clock.at), app.reminders.runPass(clock.at)]);
    const sent = [...a, ...b, ...c].filter((i) => i.sent && i.what === 'reminder').map((i) => i.subject);
    assert.equal(sent.length, new Set(sent).size, 'no step recorded twice');
    assert.equal(sent.length, 11);
    await app.outbox.idle();
    await waitFor(() => reminders().length === 22, '22 reminder messages');
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(reminders().length, 22);
  });

  it('when a template was returned, then it counts as not submitted and is reminded', async () => {
    clock.at = new Date('2027-06-30T14:00:00Z');
    const revision = (await app.stores.protocol.status('health', 'pathway')).record.revision;
    await teams.execute('coordinator', 'template.return', { item: 'health|pathway', revision, comment: 'Add the NRPF route' });
    const items = await passAt('2027-07-01T08:01:00Z');
    assert.ok(items.some((i) => i.sent && i.subject === 'health pathway before-1'));
    await waitFor(
      () => connector.sentTo(leadConversation('health')).find((c) => /was returned by the coordinator/.test(visibleText(c.body))),
      'the health reminder',
    );
  });

  it('when the app was down on the deadline and after, then the next pass catches up once, with the latest (late) step', async () => {
    const items = await passAt('2027-07-06T10:00:00Z');
    const steps = new Set(items.filter((i) => i.sent).map((i) => i.subject.split(' ')[2]));
    assert.deepEqual([...steps], ['late-1']);
    await app.outbox.idle();
    const housing = await waitFor(
      () => connector.sentTo(leadConversation('housing')).find((c) => /Late: Pathway for Housing/.test(visibleText(c.body))),
      'the late reminder',
    );
    assert.match(visibleText(housing.body), /was due by the end of Friday 2 July 2027 and is 4 days late/);
  });

  it('when an urgent concern is not acknowledged for an hour, then the deputy and the coordinator are told once, without its details', async () => {
    clock.at = new Date('2027-07-07T10:00:00Z');
    const urgent = randomUUID();
    const routine = randomUUID();
    await teams.execute('staff', 'intake.submit', { submissionId: urgent, ...validIntake({ immediateDanger: 'yes' }) });
    await teams.execute('staff', 'intake.submit', { submissionId: routine, ...validIntake() });
    const raisedAt = new Date((await app.stores.concerns.get(urgent))!.record.createdAt);
    clock.at = new Date(raisedAt.getTime() + 59 * 60_000);
    const early = await app.reminders.runEscalations(clock.at);
    assert.equal(early.length, 0);
    clock.at = new Date(raisedAt.getTime() + 61 * 60_000);
    const due = await app.reminders.runEscalations(clock.at);
    assert.deepEqual(
      due.filter((i) => i.sent).map((i) => i.subject.split(' ')[1]),
      ['urgent-60m'],
      'the urgent one only',
    );
    assert.deepEqual(due[0]!.recipients.sort(), ['Cora Coordinator', 'Dee Deputy']);
    clock.at = new Date(raisedAt.getTime() + 62 * 60_000);
    const again = await app.reminders.runEscalations(clock.at);
    assert.ok(
      again.every((i) => !i.sent),
      'the same step is not escalated twice',
    );
    await app.outbox.idle();
    const told = await waitFor(() => connector.sentTo('a:personal-deputy').find((c) => /not acknowledged/.test(visibleText(c.body))), 'the deputy escalation');
    assert.match(visibleText(told.body), /^Urgent concern MS-\d{4}-\d{6} not acknowledged\n[^]*\nUrgent\n1 hour\n/);
    assertAbsent(told.body, /passport|Foleshill/);
    assert.ok(connector.sentTo('a:personal-coordinator').some((c) => /not acknowledged/.test(visibleText(c.body))));
    assert.equal(connector.sentTo('a:personal-deputy').filter((c) => /not acknowledged/.test(visibleText(c.body))).length, 1);
  });

  it('when an operator runs "npm run reminders -- --at ... --dry-run", then it prints what would be sent and records nothing; without --dry-run it sends', async function () {
    // Four child processes, each starting the app: slow on a busy machine, so more time than the default.
    this.timeout(90_000);
    const dir = mkdtempSync(path.join(tmpdir(), 'reminders-'));
    const protocolFile = path.join(dir, 'protocol.json');
    // A real run may not look ahead, so this protocol's deadline is three weeks ago: the pass is "now", in the late phase.
    const deadline = new Date(Date.now() - 21 * 86_400_000).toISOString().slice(0, 10);
    writeFileSync(protocolFile, JSON.stringify({ ...testProtocol(), deadline }));
    const env = { ...process.env, TABLES_CONNECTION_STRING: tables.connectionString, PROTOCOL_CONFIG: protocolFile, NODE_ENV: 'test' };
    const cli = [require.resolve('tsx/cli'), 'src/cli/reminders.ts'];
    const cwd = path.join(__dirname, '..', '..');
    const now = new Date().toISOString();
    connector.clear();
    const dry = await run(process.execPath, [...cli, '--at', now, '--dry-run'], { env, cwd });
    assert.match(dry.stdout, /dry run: nothing is sent or recorded/);
    const step = /would send {2}\s*reminder\s+housing pathway (late-\d+) -> Hana Housing, Housing channel/.exec(dry.stdout)?.[1];
    assert.ok(step, dry.stdout);
    assert.match(dry.stdout, /\d+ to send, \d+ already sent/);
    const recorded = async () => (await app.stores.protocol.remindersSent('housing', 'pathway')).some((r) => r.step === step);
    assert.equal(await recorded(), false, 'a dry run records nothing');
    const real = await run(process.execPath, [...cli, '--at', now], { env, cwd });
    assert.match(real.stdout, new RegExp(`sent {8}\\s*reminder\\s+housing pathway ${step}`));
    // The app this test runs shares the storage and sends too: either may deliver what the run queued
    // (the command, joining the shared sending budget, waits a moment before its first send).
    assert.match(real.stdout, /Delivered now: \d+;/);
    assert.equal(await recorded(), true);
    const delivered = await waitFor(
      () =>
        connector
          .sentTo(leadConversation('housing'))
          .find((c) => /Late: Pathway for Housing/.test(visibleText(c.body)) && /days late/.test(visibleText(c.body))),
      'the reminder to the housing lead',
    );
    assert.ok(delivered, 'the real run delivered the reminder to the housing lead');
    await assert.rejects(
      run(process.execPath, [...cli, '--at', 'tomorrow'], { env, cwd }),
      (e: { code?: number; stderr?: string }) => e.code === 2 && /--at must be an ISO date/.test(e.stderr ?? ''),
    );
    const future = new Date(Date.now() + 86_400_000).toISOString();
    await assert.rejects(
      run(process.execPath, [...cli, '--at', future], { env, cwd }),
      (e: { code?: number; stderr?: string }) => e.code === 2 && /only a --dry-run may look ahead/.test(e.stderr ?? ''),
    );
  });
});

describe('reminders that waited for an install', () => {
  it('when a lead installs the app after several steps were recorded, then only the latest reminder reaches them, with the days left as of now', async () => {
    const tables = await startEmbeddedTables(undefined);
    const connector = new FakeConnector();
    await connector.start();
    const clock = {
      at: new Date('2027-06-18T08:05:00Z'),
      now() {
        return this.at;
      },
    };
    const app = await startApp(tables, { clock });
    const teams = new TeamsClient(app.url, connector);
    try {
      await teams.install('coordinator');
      for (const at of ['2027-06-18T08:05:00Z', '2027-06-25T08:05:00Z', '2027-06-29T08:05:00Z']) {
        clock.at = new Date(at);
        await app.reminders.runPass(clock.at);
        await app.outbox.idle();
      }
      clock.at = new Date('2027-06-30T12:00:00Z');
      await teams.install('housingLead'); // wakes everything that waited for her
      // Both templates' reminders: one pass may settle them some entries apart.
      const settled = async (partition: string) =>
        (await app.stores.templateOutbox.list(partition)).filter((e) => e.kind === 'reminder').every((e) => e.state !== 'pending');
      await waitFor(async () => (await settled('housing|strategy')) && (await settled('housing|pathway')), 'the waiting reminders to be settled');
      const received = connector
        .sentTo(personalConversation('housingLead'))
        .map((c) => visibleText(c.body))
        .filter((t) => /Reminder:/.test(t));
      assert.equal(received.length, 2, 'one per template, the latest step only');
      for (const text of received) assert.match(text, /2 days left/);
      const states = (await app.stores.templateOutbox.list('housing|strategy'))
        .filter((e) => e.kind === 'reminder')
        .map((e) => `${(JSON.parse(e.payload ?? '{}') as { step: string }).step}:${e.state}`)
        .sort();
      assert.deepEqual(states, ['before-14:superseded', 'before-3:sent', 'before-7:superseded']);
    } finally {
      await app.close();
      await connector.stop();
      await tables.close();
    }
  });
});
