import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { holdersOf } from '../../src/domain/people.js';
import type { Logger } from '../../src/logger.js';
import { assertTeamsCard } from '../support/adaptiveCards.js';
import { choiceValues, findAction, visibleText } from '../support/cards.js';
import {
  cardOf,
  channelConversation,
  invokeCard,
  personalConversation,
  runningApp,
  startApp,
  type Card,
  type PostResult,
  type RunningApp,
  TeamsClient,
  validIntake,
  waitFor,
} from '../support/harness.js';
import { PEOPLE, TENANT, testProtocol, type PersonKey } from '../support/people.js';

const TEAM = '19:team@thread.tacv2';
/** Someone new to the app: in the team's roster, and then installing the app. */
const NIA = { aadObjectId: 'aad-nia', name: 'Nia Newcomer', teamsId: '29:nia' };

/** What Teams' roster gives for a person (only id and name are kept). */
const rosterEntry = (p: { aadObjectId: string; name: string; teamsId: string }) => ({
  id: p.teamsId,
  name: p.name,
  aadObjectId: p.aadObjectId,
  email: `${p.aadObjectId}@council.example`,
  userPrincipalName: `${p.aadObjectId}@council.example`,
  tenantId: TENANT,
  userRole: 'user',
});

describe('people and roles managed in Teams, end to end over HTTP', () => {
  const events: { event: string; fields?: Record<string, unknown> }[] = [];
  const logger: Logger = {
    info: (event, fields) => events.push({ event, ...(fields ? { fields } : {}) }),
    warn: (event, fields) => events.push({ event, ...(fields ? { fields } : {}) }),
    error: (event, fields) => events.push({ event, ...(fields ? { fields } : {}) }),
  };
  const world = runningApp({ logger });
  let app: RunningApp;
  let teams: TeamsClient;

  before(async () => {
    app = world.app;
    teams = world.teams;
    for (const key of ['coordinator', 'lead', 'lead2', 'housingLead', 'healthLead', 'staff', 'staff2'] as const) await teams.install(key);
  });
  beforeEach(() => world.connector.clear());

  const lastCard = (key: PersonKey) => cardOf(world.connector.sentTo(personalConversation(key)).at(-1)!.body);
  const peopleCard = async (key: PersonKey, command = 'people') => {
    const id = randomUUID();
    await teams.message(key, command, { id });
    // The bot's reply to this message: a notice another instance sends meanwhile may have come after it.
    const reply = world.connector.sentTo(personalConversation(key)).filter((c) => c.path.endsWith(`/activities/${id}`));
    assert.equal(reply.length, 1, `one reply to "${command}"`);
    return cardOf(reply[0]!.body);
  };
  /** Presses a button as Teams sends it: its verb and data, with what was chosen in the inputs. */
  const press = async (key: PersonKey, card: Card, title: string, inputs: Record<string, unknown> = {}, where = {}) => {
    const action = findAction(card, title);
    return invokeCard(await teams.execute(key, String(action.verb), { ...(action.data as Record<string, unknown>), ...inputs }, where));
  };
  /** The typeahead: what Teams sends as someone types in a Data.Query choice set, and the bot's answer. */
  const search = (key: PersonKey, queryText: string, dataset = 'people'): Promise<PostResult> =>
    teams.invoke(key, 'application/search', { queryText, dataset, queryOptions: { skip: 0, top: 15 } });
  const draftAnswer = async (key: PersonKey) => {
    await teams.message(key, 'draft strategy');
    return visibleText(lastCard(key));
  };
  const roster = () => app.directory.roster();
  const auditReasons = async () => (await app.stores.audit.forDay(new Date().toISOString().slice(0, 10))).filter((e) => e.action === 'people.changed');

  it('when the app starts on empty storage, then the roles are seeded from the protocol file, and the log says so', () => {
    assert.deepEqual(
      holdersOf(roster(), 'lead').map((p) => p.aadObjectId),
      ['aad-lead', 'aad-lead2'],
    );
    assert.deepEqual(
      holdersOf(roster(), 'housing.member').map((p) => p.aadObjectId),
      ['aad-housing-member', 'aad-two-groups'],
    );
    assert.ok(events.some((e) => e.event === 'people.seeded'));
    assert.ok(!events.some((e) => e.event === 'people.managed_in_teams'), 'not on the first start');
  });

  it('when a coordinator types "people", then the card shows every role and group and who holds it, with a people picker served by the bot', async () => {
    const card = await peopleCard('coordinator');
    assertTeamsCard(card);
    const text = visibleText(card);
    assert.match(text, /People and roles/);
    assert.match(text, /Modern Slavery Leads/);
    assert.match(text, /Lee Lead, Dana Second/);
    assert.match(text, /Coordinators/);
    assert.match(text, /Housing group/);
    assert.match(text, /Leads: Hana Housing\. Members: Hugo Member, Tess Twogroups\./);
    const picker = JSON.stringify(card);
    assert.match(picker, /"choices\.data":\{"type":"Data\.Query","dataset":"people"\}/);
    assert.match(picker, /"style":"filtered"/);
    assert.ok(choiceValues(card, 'position').includes('coordinator'));
    assert.ok(choiceValues(card, 'position').includes('housing.member'));
    assert.ok(choiceValues(card, 'holding').includes('lead|aad-lead'));
  });

  it('when a coordinator adds someone through the typeahead, then they can draft at once; removed, they are refused at once', async () => {
    assert.match(await draftAnswer('staff2'), /Only members of a Task and Finish group can draft/);
    const found = await search('coordinator', 'rit');
    assert.equal(found.status, 200);
    assert.equal(found.body.type, 'application/vnd.microsoft.search.searchResponse');
    assert.deepEqual(found.body.value.results, [{ title: 'Rita Reporter', value: 'aad-staff2' }]);

    const card = await peopleCard('coordinator');
    const added = await press('coordinator', card, 'Add', { position: 'housing.member', person: 'aad-staff2' });
    assertTeamsCard(added);
    assert.match(visibleText(added), /Rita Reporter is now a Housing group member\./);
    assert.match(visibleText(added), /Members: Hugo Member, Tess Twogroups, Rita Reporter\./);
    assert.match(await draftAnswer('staff2'), /Housing: Strategy/);
    assert.ok((await auditReasons()).some((e) => e.actorId === 'aad-coord' && e.reason === 'added housing.member aad-staff2'));

    const holders = await search('coordinator', 'rita', 'holders');
    assert.deepEqual(holders.body.value.results, [{ title: 'Rita Reporter: Housing group member', value: 'housing.member|aad-staff2' }]);
    const removed = await press('coordinator', added, 'Remove', { holding: 'housing.member|aad-staff2' });
    assert.match(visibleText(removed), /Rita Reporter is no longer a Housing group member\./);
    assert.match(await draftAnswer('staff2'), /Only members of a Task and Finish group can draft/);
    assert.ok((await auditReasons()).some((e) => e.reason === 'removed housing.member aad-staff2'));
  });

  it('when a person the app has never seen is sent as the choice, then nobody is added, whatever the card says', async () => {
    const card = await peopleCard('coordinator');
    const answer = await press('coordinator', card, 'Add', { position: 'coordinator', person: 'aad-made-up' });
    assert.match(visibleText(answer), /not one the app knows/);
    assert.ok(!holdersOf(roster(), 'coordinator').some((p) => p.aadObjectId === 'aad-made-up'));
  });

  it('when a group lead types "members", then they manage their own group only: another group or a role is refused and audited', async () => {
    const card = await peopleCard('housingLead', 'members');
    assertTeamsCard(card);
    assert.match(visibleText(card), /Housing group members/);
    assert.doesNotMatch(visibleText(card), /Health group|Coordinators/);
    assert.deepEqual(choiceValues(card, 'position'), ['housing.member']);

    const added = await press('housingLead', card, 'Add', { position: 'housing.member', person: 'aad-staff' });
    assert.match(visibleText(added), /Sam Staff is now a Housing group member\./);
    for (const position of ['health.member', 'housing.lead', 'coordinator', 'lead']) {
      const refused = await press('housingLead', card, 'Add', { position, person: 'aad-staff' });
      assert.match(visibleText(refused), /Only a group's lead \(or a coordinator\) can manage its members/);
    }
    assert.ok(!holdersOf(roster(), 'health.member').some((p) => p.aadObjectId === 'aad-staff'));
    assert.ok(!holdersOf(roster(), 'coordinator').some((p) => p.aadObjectId === 'aad-staff'));
    const refusals = (await app.stores.audit.forDay(new Date().toISOString().slice(0, 10))).filter(
      (e) => e.actorId === 'aad-housing-lead' && e.action === 'request.refused',
    );
    assert.ok(refusals.some((e) => e.reason === 'people coordinator: not allowed'));
    assert.match(await draftAnswer('staff'), /Housing: Strategy/);
    const removed = await press('housingLead', added, 'Remove', { holding: 'housing.member|aad-staff' });
    assert.match(visibleText(removed), /Sam Staff is no longer a Housing group member\./);
    const notTheirs = await press('housingLead', added, 'Remove', { holding: 'health.member|aad-two-groups' });
    assert.match(visibleText(notTheirs), /Only a group's lead/);
    assert.ok(holdersOf(roster(), 'health.member').some((p) => p.aadObjectId === 'aad-two-groups'));
  });

  it('when anyone else asks for the cards, searches, or sends a change, then they are refused, nothing changes, and it is audited', async () => {
    assert.match(visibleText(await peopleCard('staff')), /The people card is for protocol coordinators/);
    assert.match(visibleText(await peopleCard('staff', 'members')), /Only a group's lead/);
    assert.match(visibleText(await peopleCard('housingLead')), /The people card is for protocol coordinators/);
    const found = await search('staff', 'rit');
    assert.deepEqual(found.body.value.results, []);
    const before = JSON.stringify(roster());
    const forged = invokeCard(await teams.execute('staff', 'people.add', { card: 'people', position: 'coordinator', person: 'aad-staff' }));
    assert.match(visibleText(forged), /The people card is for protocol coordinators/);
    const forgedRemove = invokeCard(await teams.execute('lead', 'people.remove', { card: 'people', holding: 'coordinator|aad-coord' }));
    assert.match(visibleText(forgedRemove), /The people card is for protocol coordinators/);
    assert.equal(JSON.stringify(roster()), before);
    const refusals = (await app.stores.audit.forDay(new Date().toISOString().slice(0, 10))).filter((e) => e.action === 'request.refused');
    assert.ok(refusals.some((e) => e.actorId === 'aad-staff' && e.reason === 'people search people: not a coordinator or group lead'));
    assert.ok(refusals.some((e) => e.actorId === 'aad-staff' && e.reason === 'people: not allowed'));
    assert.ok(refusals.some((e) => e.actorId === 'aad-lead' && e.reason === 'people: not allowed'));
  });

  it('when the people card is asked for in a channel, then nothing of it is posted there', async () => {
    await teams.mention('coordinator', 'people', 'general');
    const posted = world.connector.sentTo(channelConversation('general')).map((c) => visibleText(cardOf(c.body)));
    assert.equal(posted.length, 1);
    assert.match(posted[0]!, /Please use a personal chat/);
    assert.doesNotMatch(posted[0]!, /Lee Lead|Hugo Member/);
  });

  it('when the last Modern Slavery Lead or the last coordinator would be removed, then they are kept and the card says why', async () => {
    const card = await peopleCard('coordinator');
    const first = await press('coordinator', card, 'Remove', { holding: 'lead|aad-lead2' });
    assert.match(visibleText(first), /Dana Second is no longer a Modern Slavery Lead\./);
    const last = await press('coordinator', first, 'Remove', { holding: 'lead|aad-lead' });
    assert.match(visibleText(last), /This is the last Modern Slavery Lead/);
    assert.deepEqual(
      holdersOf(roster(), 'lead').map((p) => p.aadObjectId),
      ['aad-lead'],
    );
    const lastCoordinator = await press('coordinator', first, 'Remove', { holding: 'coordinator|aad-coord' });
    assert.match(visibleText(lastCoordinator), /This is the last coordinator/);
    assert.equal(holdersOf(roster(), 'coordinator').length, 1);
    // Put back for the tests after this one.
    await press('coordinator', first, 'Add', { position: 'lead', person: 'aad-lead2' });
    assert.equal(holdersOf(roster(), 'lead').length, 2);
  });

  it("when a channel is linked, then the coordinator is offered the team's members (read page by page) and nothing is added until they confirm", async () => {
    world.connector.setRoster(TEAM, [
      rosterEntry(PEOPLE.healthLead),
      rosterEntry(NIA),
      rosterEntry({ aadObjectId: 'aad-omar', name: 'Omar Officer', teamsId: '29:omar' }),
      rosterEntry(PEOPLE.twoGroups),
      { ...rosterEntry({ aadObjectId: 'aad-guest', name: 'Gail Guest', teamsId: '29:guest' }), tenantId: 'another-tenant' },
    ]);
    await teams.mention('coordinator', 'link health', 'health-channel');
    const posted = world.connector.sentTo(channelConversation('health-channel')).map((c) => cardOf(c.body));
    assert.equal(posted.length, 2, 'the link, then the offer');
    assert.match(visibleText(posted[0]), /Linked to Health/);
    const offer = posted[1]!;
    assertTeamsCard(offer);
    assert.match(visibleText(offer), /2 people in this team are not in the Health group yet: Nia Newcomer, Omar Officer\./);
    assert.doesNotMatch(visibleText(offer), /Gail Guest/);
    assert.ok(world.connector.rosterReads.filter((r) => r.teamId === TEAM).length >= 3, 'read in pages, following the continuation token');
    assert.ok(!holdersOf(roster(), 'health.member').some((p) => p.aadObjectId === 'aad-nia'), 'nothing added before confirmation');

    const where = { channel: 'health-channel' };
    const refused = await press('healthLead', offer, 'Add 2 people to Health', {}, where);
    assert.match(visibleText(refused), /Only a protocol coordinator can add a team's members/);
    const done = await press('coordinator', offer, 'Add 2 people to Health', {}, where);
    assert.match(visibleText(done), /2 new members of the Health group: Nia Newcomer, Omar Officer\./);
    assert.deepEqual(
      holdersOf(roster(), 'health.member').map((p) => p.aadObjectId),
      ['aad-two-groups', 'aad-nia', 'aad-omar'],
    );
    const again = await press('coordinator', offer, 'Add 2 people to Health', {}, where);
    assert.match(visibleText(again), /nobody was added/);
    assert.equal(holdersOf(roster(), 'health.member').length, 3);
    const reasons = (await auditReasons()).map((e) => e.reason);
    assert.ok(reasons.includes('added health.member aad-nia (team import)'));
    assert.ok(reasons.includes('added health.member aad-omar (team import)'));
  });

  it('when the app is installed in a team, then its members can be found in the people picker', async () => {
    world.connector.setRoster(TEAM, [rosterEntry({ aadObjectId: 'aad-priya', name: 'Priya Partner', teamsId: '29:priya' })]);
    assert.deepEqual((await search('coordinator', 'priya')).body.value.results, []);
    await teams.install('coordinator', { channel: 'general' });
    assert.deepEqual((await search('coordinator', 'pri par')).body.value.results, [{ title: 'Priya Partner', value: 'aad-priya' }]);
  });

  it('when a new Lead is added, then the next concern reaches them and its card refreshes for them, with no restart', async () => {
    await teams.post({
      ...teams.activity('staff', { type: 'installationUpdate', action: 'add' }),
      from: { id: NIA.teamsId, name: NIA.name, aadObjectId: NIA.aadObjectId },
      conversation: { id: 'a:personal-nia', conversationType: 'personal', tenantId: TENANT },
    });
    const card = await peopleCard('coordinator');
    await press('coordinator', card, 'Add', { position: 'lead', person: NIA.aadObjectId });
    await teams.execute('staff', 'intake.submit', { submissionId: randomUUID(), ...validIntake() });
    const leadCard = await waitFor(
      () => world.connector.sentTo('a:personal-nia').find((c) => /Concern MS-/.test(visibleText(c.body))),
      'the Lead card for Nia',
    );
    const refresh = (cardOf(leadCard.body) as { refresh?: { userIds?: string[] } }).refresh;
    assert.ok(refresh?.userIds?.includes(NIA.teamsId), 'Nia is on the refresh list');
  });

  it('when the roles change on one instance, then another instance sharing the storage follows within its poll, with no restart; a restart keeps the roles in storage, not the file', async () => {
    const other = await startApp(world.tables);
    try {
      const otherTeams = new TeamsClient(other.url, world.connector);
      const card = await peopleCard('coordinator');
      await press('coordinator', card, 'Add', { position: 'health.member', person: 'aad-staff2' });
      await waitFor(() => holdersOf(other.directory.roster(), 'health.member').some((p) => p.aadObjectId === 'aad-staff2'), 'the other instance', 8_000);
      await otherTeams.message('staff2', 'draft pathway');
      assert.match(visibleText(lastCard('staff2')), /Health: Pathway/);
    } finally {
      await other.close();
    }
    // A restart with a file that names other people: the roles in storage stand, and the log says why.
    const file = testProtocol();
    file.coordinators.push({ aadObjectId: 'aad-file-only', name: 'Fiona File' });
    events.length = 0;
    const restarted = await startApp(world.tables, { protocol: file, logger });
    try {
      assert.ok(holdersOf(restarted.directory.roster(), 'health.member').some((p) => p.aadObjectId === 'aad-staff2'));
      assert.ok(!holdersOf(restarted.directory.roster(), 'coordinator').some((p) => p.aadObjectId === 'aad-file-only'));
      const said = events.filter((e) => e.event === 'people.managed_in_teams');
      assert.equal(said.length, 1);
      assert.equal(said[0]!.fields?.fileDiffers, true);
    } finally {
      await restarted.close();
    }
  });
});
