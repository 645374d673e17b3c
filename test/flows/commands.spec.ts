import assert from 'node:assert/strict';
import { FakeConnector } from '../support/fakeConnector.js';
import { actionsOf, actionTitles, assertAbsent, factsOf, findAction, inputIds, visibleText } from '../support/cards.js';
import { cardOf, channelConversation, invokeCard, personalConversation, TeamsClient, runningApp, type RunningApp } from '../support/harness.js';
import type { PersonKey } from '../support/people.js';

describe('commands as people type them, over HTTP', () => {
  let connector: FakeConnector;
  let app: RunningApp;
  let teams: TeamsClient;
  const world = runningApp();

  before(() => {
    ({ connector, app, teams } = world);
  });
  beforeEach(() => connector.clear());

  /** Sends a message in personal chat and returns what the bot answered, as one card. */
  async function ask(key: PersonKey, text: string) {
    connector.clear();
    const result = await teams.message(key, text);
    assert.equal(result.status, 200, `"${text}" was answered`);
    const sent = connector.sentTo(personalConversation(key));
    assert.equal(sent.length, 1, `one answer to "${text}"`);
    return cardOf(sent[0]!.body);
  }

  for (const phrase of [
    'Raise Concern!!',
    'I want to report something',
    'report concern',
    'raise a concern',
    'Report.',
    'concern',
    'raise',
    "I'm worried about someone",
    'worried about someone',
  ]) {
    it(`when a member of staff types "${phrase}", then they get the intake card`, async () => {
      const card = await ask('staff', phrase);
      assert.match(visibleText(card), /Raise a modern slavery concern/);
      assert.ok(inputIds(card).includes('observed'));
    });
  }

  it('when a member of staff types "my concerns?" or "MY CONCERNS", then they get their concerns, not the intake card', async () => {
    for (const phrase of ['my concerns?', 'MY CONCERNS']) {
      const text = visibleText(await ask('staff', phrase));
      assert.match(text, /Your concerns/, phrase);
      assert.doesNotMatch(text, /Raise a modern slavery concern/, phrase);
    }
  });

  it('when a coordinator types "status?" or "Dashboard.", then they get the dashboard', async () => {
    for (const phrase of ['status?', 'Dashboard.']) assert.match(visibleText(await ask('coordinator', phrase)), /groups at a glance/, phrase);
  });

  it('when a group member types "Draft Strategy!", then they get their group\'s draft', async () => {
    assert.match(visibleText(await ask('housingMember', 'Draft Strategy!')), /Housing: Strategy \(5P\)/);
  });

  it('when a Lead types "Open concerns?", then they get the open concerns', async () => {
    assert.match(visibleText(await ask('lead', 'Open concerns?')), /Open concerns/);
  });

  it('when someone writes a sentence that starts with "link" in a personal chat, then it is not taken for the link command: no refusal, nothing audited', async () => {
    const card = await ask('staff', 'link to the safeguarding policy?');
    assert.match(visibleText(card), /Sorry, I did not understand that/);
    assert.doesNotMatch(visibleText(card), /Only a protocol coordinator/);
    const audit = await app.stores.audit.forDay(new Date().toISOString().slice(0, 10));
    assert.ok(!audit.some((e) => e.actorId === 'aad-staff' && /link/.test(e.reason ?? '')));
  });

  it('when someone types "?" or "Help!", then they get the help card', async () => {
    for (const phrase of ['?', 'Help!']) assert.match(visibleText(await ask('staff', phrase)), /What you can do/, phrase);
  });

  it('when a coordinator types "link Housing!" in a channel, then the channel is linked to housing', async () => {
    await teams.mention('coordinator', 'link Housing!', 'punctuated-channel');
    assert.match(visibleText(connector.sentTo(channelConversation('punctuated-channel'))[0]?.body), /Linked to Housing/);
    assert.equal((await app.stores.groupChannels.get('housing'))?.channelName, 'punctuated-channel');
  });

  it("when a member of staff types something that is not a command, then they get the commands staff can use as buttons, and none of the coordinator's", async () => {
    const card = await ask('staff', 'what is this thing');
    const text = visibleText(card);
    assert.match(text, /did not understand/);
    assert.deepEqual(actionTitles(card), ['Raise a concern', 'My concerns']);
    const commands = Object.keys(factsOf(card));
    assert.ok(commands.includes('raise concern'), `commands: ${commands.join(', ')}`);
    for (const theirs of ['status', 'link <group>', 'open concerns', 'draft strategy'])
      assert.ok(!commands.includes(theirs), `staff are not offered "${theirs}"`);
    assertAbsent(card, /link <group>|dashboard|status\.show/i);
  });

  it('when a coordinator types something that is not a command, then their commands include status, and its button shows the dashboard', async () => {
    const card = await ask('coordinator', 'blah blah');
    assert.match(visibleText(card), /did not understand/);
    assert.ok(actionTitles(card).includes('Status'), `buttons: ${actionTitles(card).join(', ')}`);
    const status = findAction(card, 'Status');
    assert.equal(status.type, 'Action.Execute');
    const answer = await teams.execute('coordinator', String(status.verb), status.data as Record<string, unknown>);
    assert.match(visibleText(invokeCard(answer)), /groups at a glance/);
  });

  it('when a Lead presses "Open concerns" on the commands card, then the command is sent as a message and the open concerns come back', async () => {
    const card = await ask('lead', 'hmm');
    const open = findAction(card, 'Open concerns');
    assert.equal(open.type, 'Action.Submit');
    // Teams posts an imBack button's value as a message from the person who pressed it.
    const sent = (open.data as { msteams: { type: string; value: string } }).msteams;
    assert.equal(sent.type, 'imBack');
    assert.match(visibleText(await ask('lead', sent.value)), /Open concerns/);
  });

  it('when a group member presses "Draft", then "Strategy" on the card it opens sends "draft strategy" and their draft comes back', async () => {
    const card = await ask('housingMember', 'what now');
    assert.deepEqual(actionTitles(card), ['Raise a concern', 'My concerns', 'Status', 'Draft']);
    const strategy = findAction(card, 'Draft', 'Strategy');
    const sent = (strategy.data as { msteams: { type: string; value: string } }).msteams;
    assert.deepEqual(sent, { type: 'imBack', value: 'draft strategy' });
    assert.match(visibleText(await ask('housingMember', sent.value)), /Housing: Strategy \(5P\)/);
  });

  it('when the commands card is shown, then every button it offers is one the bot handles', async () => {
    for (const key of ['staff', 'coordinator', 'lead', 'housingLead'] as const) {
      const card = await ask(key, 'nonsense words');
      assert.ok(actionsOf(card).length >= 2, `${key} is offered buttons`);
      // actionsOf also lists the buttons on the card behind "Draft" (an Action.ShowCard, which sends nothing itself).
      for (const action of actionsOf(card).filter((a) => a.type !== 'Action.ShowCard')) {
        const data = action.data as { verb?: string; msteams?: { type: string; value: string } };
        if (action.type === 'Action.Execute') {
          const answer = await teams.execute(key, String(action.verb), data);
          assert.doesNotMatch(visibleText(invokeCard(answer)), /(button|action) is not known|did not understand/, `${key}: ${String(action.title)}`);
        } else if (data.msteams) {
          assert.doesNotMatch(
            visibleText(await ask(key, data.msteams.value)),
            /(button|action) is not known|did not understand/,
            `${key}: ${String(action.title)}`,
          );
        } else {
          connector.clear();
          await teams.submit(key, data);
          assert.doesNotMatch(
            visibleText(connector.sentTo(personalConversation(key))[0]?.body),
            /(button|action) is not known|did not understand/,
            `${key}: ${String(action.title)}`,
          );
        }
      }
    }
  });
});
