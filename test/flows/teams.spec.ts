import assert from 'node:assert/strict';
import { FakeConnector } from '../support/fakeConnector.js';
import { actionsOf, actionTitles, assertAbsent, inputValue, visibleText } from '../support/cards.js';
import { cardOf, channelConversation, personalConversation, TeamsClient, validIntake, runningApp, type RunningApp } from '../support/harness.js';

describe('installing, linking channels, the message extension and refusals, over HTTP', () => {
  let connector: FakeConnector;
  let app: RunningApp;
  let teams: TeamsClient;
  const world = runningApp();

  before(() => {
    ({ connector, app, teams } = world);
  });
  beforeEach(() => connector.clear());

  it('when a member of staff installs the app, then they get a welcome card listing what staff can do', async () => {
    await teams.install('staff');
    const card = cardOf(connector.sentTo(personalConversation('staff'))[0]!.body);
    const text = visibleText(card);
    assert.match(text, /Welcome, Sam Staff/);
    assert.match(text, /raise concern/);
    assert.match(text, /my concerns/);
    assertAbsent(card, /link <group>/);
    assert.deepEqual(actionTitles(card), ['Raise a concern', 'My concerns']);
    assert.deepEqual(
      actionsOf(card).map((a) => (a.data as { verb: string }).verb),
      ['intake.open', 'concerns.mine'],
    );
  });

  it('when a coordinator installs the app, then the welcome card also says how to link channels', async () => {
    await teams.install('coordinator');
    const text = visibleText(connector.sentTo(personalConversation('coordinator'))[0]!.body);
    assert.match(text, /link <group>/);
    assert.match(text, /Your roles: coordinator/);
  });

  it('when the app is added to a team, then the welcome card in the channel names nobody and no roles, and says what the bot does there', async () => {
    await teams.install('coordinator', { channel: 'general' });
    const posted = connector.sentTo(channelConversation('general'));
    assert.equal(posted.length, 1);
    assert.equal(connector.sentTo(personalConversation('coordinator')).length, 0, 'nothing goes to the installer personally');
    const card = cardOf(posted[0]!.body);
    const text = visibleText(card);
    assert.match(text, /link <group>/);
    assert.match(text, /status/);
    assert.match(text, /notice/i);
    assert.match(text, /personal chat/);
    assertAbsent(card, /Cora|Your roles|lead of|member of/);
    assert.deepEqual(actionTitles(card), [], 'no buttons that would raise a concern in a channel');
  });

  it('when a group lead asks for "help" in a channel, then the card names nobody and no roles; in personal chat it shows their own roles', async () => {
    await teams.mention('housingLead', 'help', 'help-channel');
    const card = cardOf(connector.sentTo(channelConversation('help-channel'))[0]!.body);
    assert.match(visibleText(card), /personal chat/);
    assertAbsent(card, /Hana|Housing Lead|Your roles|lead of Housing/i);
    await teams.message('housingLead', 'help');
    const mine = visibleText(connector.sentTo(personalConversation('housingLead'))[0]?.body);
    assert.match(mine, /Welcome, Hana Housing/);
    assert.match(mine, /Your roles: lead of Housing/);
  });

  it('when the welcome card button "Raise a concern" is clicked, then the intake card replaces it', async () => {
    const answer = await teams.execute('staff', 'intake.open', {});
    assert.match(visibleText(answer.body), /Raise a modern slavery concern/);
  });

  it('when Teams delivers the same message twice, then the bot answers once', async () => {
    const activity = teams.activity('staff', { type: 'message', text: 'help' });
    await teams.post(activity);
    await teams.post(activity);
    assert.equal(connector.sentTo(personalConversation('staff')).length, 1);
  });

  it('when a coordinator sends "link <group>" in a channel with the bot @mentioned, then the channel is linked and the bot confirms there', async () => {
    await teams.mention('coordinator', 'link Support Services', 'support-channel');
    const confirmation = connector.sentTo(channelConversation('support-channel'))[0];
    assert.match(visibleText(confirmation?.body), /Linked to Support Services/);
    const link = await app.stores.groupChannels.get('support');
    assert.equal(link?.channelName, 'support-channel');
  });

  it('when someone who is not a coordinator tries to link a channel, then they are refused politely and nothing is linked', async () => {
    await teams.mention('staff', 'link health', 'health-channel');
    assert.match(visibleText(connector.sentTo(channelConversation('health-channel'))[0]?.body), /Only a protocol coordinator/);
    assert.equal(await app.stores.groupChannels.get('health'), undefined);
  });

  it('when a coordinator names a group that does not exist, then the bot lists the groups', async () => {
    await teams.mention('coordinator', 'link parking', 'parking-channel');
    const text = visibleText(connector.sentTo(channelConversation('parking-channel'))[0]?.body);
    assert.match(text, /is not a group/);
    assert.match(text, /housing \(Housing\)/);
  });

  it('when the message extension is used on a message, then the intake dialog opens with the message text as the observation', async () => {
    const answer = await teams.invoke('staff', 'composeExtension/fetchTask', {
      commandId: 'raiseConcern',
      commandContext: 'message',
      messagePayload: { body: { contentType: 'html', content: '<p>Saw a <b>child</b> working at the car wash</p>' } },
    });
    assert.equal(answer.body.task.type, 'continue');
    assert.equal(inputValue(answer.body, 'observed'), 'Saw a child working at the car wash');
    assert.deepEqual(
      actionsOf(answer.body).map((a) => a.type),
      ['Action.Submit'],
      'dialogs use Action.Submit',
    );
  });

  it('when the message extension is used on a message over the limit, then the dialog opens with all of it and says how long it is, instead of cutting it', async () => {
    const long = `${'The van came again at 5am and took six men. '.repeat(60).slice(0, 2499)}.`;
    const answer = await teams.invoke('staff', 'composeExtension/fetchTask', {
      commandId: 'raiseConcern',
      commandContext: 'message',
      messagePayload: { body: { contentType: 'html', content: `<p>${long}</p>` } },
    });
    assert.equal(inputValue(answer.body, 'observed'), long, 'nothing is cut without a word');
    assert.match(visibleText(answer.body), /What you observed is 2,500 characters; the limit is 2,000/);
  });

  it('when the dialog is submitted, then the concern is raised and the dialog shows the receipt; invalid input stays in the dialog', async () => {
    const opened = await teams.invoke('staff', 'composeExtension/fetchTask', { commandId: 'raiseConcern', commandContext: 'message' });
    const submissionId = (actionsOf(opened.body)[0]!.data as { submissionId: string }).submissionId;
    const invalid = await teams.invoke('staff', 'composeExtension/submitAction', {
      commandId: 'raiseConcern',
      data: { verb: 'intake.submit', submissionId, ...validIntake({ area: '' }) },
    });
    assert.match(visibleText(invalid.body), /Choose the area/);
    const valid = await teams.invoke('staff', 'composeExtension/submitAction', {
      commandId: 'raiseConcern',
      data: { verb: 'intake.submit', submissionId, ...validIntake() },
    });
    assert.match(visibleText(valid.body), /Concern raised: MS-/);
    assert.ok(await app.stores.concerns.get(submissionId));
  });

  it('when an activity comes from another tenant, then it is refused and audited, and nothing is answered there', async () => {
    const before = connector.calls.length;
    const message = await teams.message('staff', 'raise concern', { tenant: 'other-tenant' });
    assert.equal(message.status, 200);
    assert.equal(connector.calls.length, before, 'no reply is sent into another tenant');
    const invoke = await teams.execute(
      'staff',
      'intake.submit',
      { submissionId: '1b7c2f1e-6d2a-4a53-9c4a-000000000001', ...validIntake() },
      { tenant: 'other-tenant' },
    );
    assert.equal(invoke.status, 403);
    assert.equal(await app.stores.concerns.get('1b7c2f1e-6d2a-4a53-9c4a-000000000001'), undefined);
    // A forged concern id that is not of the server's shape is text, and stays out of the audit.
    await teams.execute('staff', 'lead.view', { concernId: '1b7c2f1e-6d2a-4a53-9c4a-000000000001' }, { tenant: 'other-tenant' });
    await teams.execute('staff', 'lead.view', { concernId: 'Anna at 12 Mill Lane' }, { tenant: 'other-tenant' });
    const audit = await app.stores.audit.forDay(new Date().toISOString().slice(0, 10));
    const refused = audit.filter((e) => e.action === 'request.refused' && e.reason === 'activity from another tenant');
    assert.ok(refused.some((e) => e.concernId === '1b7c2f1e-6d2a-4a53-9c4a-000000000001'));
    assert.ok(refused.length >= 4 && !refused.some((e) => e.concernId?.includes('Mill Lane')));
  });

  it('when a message is not a command, then the bot says what it can do', async () => {
    await teams.message('staff', 'what is this?');
    assert.match(visibleText(connector.sentTo(personalConversation('staff'))[0]?.body), /I did not understand that/);
  });

  it('when the HTTP body is malformed, too large or not an activity, then the server answers 400 or 413 and keeps running', async () => {
    const post = (body: string) => fetch(`${app.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    assert.equal((await post('{"type": "message",')).status, 400);
    assert.equal((await post(JSON.stringify({ text: 'x'.repeat(300 * 1024) }))).status, 413);
    assert.equal((await post('[1,2,3]')).status, 400);
    assert.equal((await post('{"type":"message"}')).status, 400);
    assert.equal((await fetch(`${app.url}/healthz`)).status, 200);
  });
});

describe('concerns stay out of channels', () => {
  let connector: FakeConnector;
  let app: RunningApp;
  let teams: TeamsClient;
  const world = runningApp();

  before(() => {
    ({ connector, app, teams } = world);
  });

  it('when someone types "raise concern" or "my concerns" in a channel, then they are asked to use a personal chat and no form or list is posted', async () => {
    await teams.mention('staff', 'raise concern', 'housing-channel');
    await teams.mention('staff', 'my concerns', 'housing-channel');
    const posted = connector.sentTo(channelConversation('housing-channel'));
    assert.equal(posted.length, 2);
    for (const call of posted) {
      assert.match(visibleText(call.body), /Please use a personal chat/);
      assertAbsent(call.body, /observed|Your concerns/);
    }
  });

  it('when an intake card is submitted from a channel, then nothing is stored and nothing of it is posted back', async () => {
    const submissionId = '2b7c2f1e-6d2a-4a53-9c4a-000000000002';
    await teams.submit(
      'staff',
      { verb: 'intake.submit', submissionId, ...validIntake({ observed: 'SECRET-OBSERVED text', exploitation: '' }) },
      { channel: 'housing-channel' },
    );
    const reply = connector.sentTo(channelConversation('housing-channel')).at(-1)?.body;
    assert.match(visibleText(reply), /Please use a personal chat/);
    assertAbsent(reply, /SECRET-OBSERVED|Foleshill/);
    assert.equal(await app.stores.concerns.get(submissionId), undefined);
  });

  it('when an activity has no Entra object id, then it is refused and audited', async () => {
    const activity = teams.activity('staff', {
      type: 'invoke',
      name: 'adaptiveCard/action',
      value: { action: { type: 'Action.Execute', verb: 'concern.close', data: { verb: 'concern.close' } } },
    });
    (activity.from as Record<string, unknown>).aadObjectId = undefined;
    const answer = await teams.post(activity);
    assert.equal(answer.body.statusCode, 401);
    const audit = await app.stores.audit.forDay(new Date().toISOString().slice(0, 10));
    assert.ok(audit.some((e) => e.actorId === 'unknown' && e.reason === 'no aadObjectId on the activity'));
  });
});
