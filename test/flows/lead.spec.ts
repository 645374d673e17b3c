import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { FakeConnector } from '../support/fakeConnector.js';
import { actionsOf, actionTitles, assertAbsent, factsOf, findAction, tableRows, visibleText } from '../support/cards.js';
import {
  cardOf,
  channelConversation,
  invokeCard,
  personalConversation,
  TeamsClient,
  validIntake,
  waitFor,
  type Card,
  runningApp,
  type RunningApp,
} from '../support/harness.js';

describe("the Modern Slavery Lead's card, end to end over HTTP", () => {
  let connector: FakeConnector;
  let app: RunningApp;
  let teams: TeamsClient;
  const world = runningApp();

  before(async () => {
    ({ connector, app, teams } = world);
    for (const key of ['lead', 'lead2', 'coordinator', 'staff'] as const) await teams.install(key);
    await teams.mention('coordinator', 'link housing', 'housing-channel');
    await teams.mention('coordinator', 'link enforcement', 'enforcement-channel');
  });
  beforeEach(() => connector.clear());

  /** Raises a concern as staff and returns the card the first Lead received. */
  async function raise(overrides: Record<string, unknown> = {}): Promise<{ id: string; card: Card }> {
    const id = randomUUID();
    await teams.execute('staff', 'intake.submit', { submissionId: id, ...validIntake(overrides) });
    const sent = await waitFor(
      () =>
        connector
          .sentTo(personalConversation('lead'))
          .find((c) => actionsOf(c.body).some((a) => (a.data as { concernId?: string } | undefined)?.concernId === id)),
      'the lead card',
    );
    return { id, card: cardOf(sent.body) };
  }

  /** The buttons a Lead presses for each verb: a title, or a ShowCard's title and then the button on it. */
  const BUTTONS: Record<string, [string, ...string[]]> = {
    'concern.acknowledge': ['Acknowledge'],
    'concern.recordAction': ['Record an action', 'Record'],
    'concern.reroute': ['Reroute', 'Reroute'],
    'concern.close': ['Close', 'Close concern'],
  };

  /** The data the button for `verb` carries (from the card itself, as Teams would send it); fails if the card does not offer it. */
  function actionData(card: Card, verb: string): Record<string, unknown> {
    const action = findAction(card, ...BUTTONS[verb]!);
    const data = action.data as Record<string, unknown>;
    assert.equal(data.verb, verb, `the "${BUTTONS[verb]!.join(' > ')}" button sends ${verb}`);
    return data;
  }

  it('when a concern arrives, then the Lead card refreshes for the Leads and offers acknowledge, record, reroute and close', async () => {
    const { card } = await raise();
    assert.deepEqual(card.refresh.userIds, ['29:lead', '29:lead2']);
    assert.equal(card.refresh.action.verb, 'concern.refresh');
    assert.deepEqual(actionTitles(card), ['Acknowledge', 'Record an action', 'Reroute', 'Close']);
  });

  it('when the Lead acknowledges and later closes a concern, then the reporter is told each once, with nothing of what the Lead did', async () => {
    const { card } = await raise({ observed: 'Reporter-canary: men collected at 5am by a van' });
    const acknowledged = invokeCard(await teams.execute('lead', 'concern.acknowledge', actionData(card, 'concern.acknowledge')));
    const recorded = invokeCard(
      await teams.execute('lead', 'concern.recordAction', { ...actionData(acknowledged, 'concern.recordAction'), action: 'policeInformed' }),
    );
    await teams.execute('lead', 'concern.close', { ...actionData(recorded, 'concern.close'), outcome: 'policeInvestigation' });
    const updates = await waitFor(() => {
      const sent = connector.sentTo(personalConversation('staff')).filter((c) => /picked up|closed/.test(visibleText(c.body)));
      return sent.length >= 2 && sent;
    }, 'the reporter to hear twice');
    await app.outbox.idle();
    const texts = connector
      .sentTo(personalConversation('staff'))
      .map((c) => visibleText(c.body))
      .filter((t) => /picked up|closed/.test(t));
    assert.equal(texts.length, 2, 'one message when picked up, one when closed: recording an action says nothing');
    assert.match(texts[0]!, /picked up the concern you raised \(MS-\d{4}-\d{6}\)/);
    assert.match(texts[1]!, /has closed the concern you raised/);
    for (const update of updates) {
      assertAbsent(update.body, /Reporter-canary|Police|investigation|Lee Lead/i);
    }
  });

  it('when the Lead acknowledges, records an NRM referral, reroutes and closes, then each step shows on the card with who and when', async () => {
    const { id, card } = await raise();
    let current = invokeCard(await teams.execute('lead', 'concern.acknowledge', actionData(card, 'concern.acknowledge')));
    assert.equal(factsOf(current).Status, 'Acknowledged');
    assert.match(visibleText(current), /Acknowledged \(Lee Lead\)/);
    assert.ok(!actionTitles(current).includes('Acknowledge'), 'acknowledge is offered only once');

    const missingReference = await teams.execute('lead', 'concern.recordAction', {
      ...actionData(current, 'concern.recordAction'),
      action: 'nrmReferral',
      nrmReference: '',
    });
    assert.match(visibleText(invokeCard(missingReference)), /Give the NRM referral reference/);

    current = invokeCard(
      await teams.execute('lead', 'concern.recordAction', {
        ...actionData(current, 'concern.recordAction'),
        action: 'nrmReferral',
        nrmReference: 'NRM-2027-118',
      }),
    );
    assert.match(visibleText(current), /NRM referral made \(reference NRM-2027-118\)/);
    assert.equal(factsOf(current).Status, 'In progress');

    current = invokeCard(await teams.execute('lead', 'concern.reroute', { ...actionData(current, 'concern.reroute'), group: 'enforcement' }));
    assert.match(visibleText(current), /Rerouted from Housing to Enforcement/);
    const notice = await waitFor(() => connector.sentTo(channelConversation('enforcement-channel'))[0], 'the enforcement notice');
    assert.match(factsOf(notice.body)['Handled by'] ?? '', /Lee Lead/);

    current = invokeCard(await teams.execute('lead', 'concern.close', { ...actionData(current, 'concern.close'), outcome: 'nrmReferred' }));
    assert.match(visibleText(current), /Closed: Referred into the NRM/);
    assert.deepEqual(actionsOf(current), [], 'a closed concern offers no more actions');

    const history = await app.stores.concerns.events(id);
    assert.deepEqual(
      history.map((e) => e.type),
      ['raised', 'acknowledged', 'actionRecorded', 'rerouted', 'closed'],
    );
    assert.ok(history.slice(1).every((e) => e.by.aadObjectId === 'aad-lead' && e.at));
    const audit = await app.stores.audit.forConcern(id);
    assert.equal(audit.filter((e) => e.action === 'concern.changed').length, 4);
  });

  it('when a second Lead acts on a card that is out of date, then nothing changes and they are told what changed', async () => {
    const { id, card } = await raise();
    await teams.execute('lead', 'concern.acknowledge', actionData(card, 'concern.acknowledge'));
    const stale = await teams.execute('lead2', 'concern.close', { ...actionData(card, 'concern.close'), outcome: 'noFurtherAction' });
    const text = visibleText(invokeCard(stale));
    assert.match(text, /Not changed: someone acted first/);
    assert.match(text, /Acknowledged by Lee Lead/);
    const stored = await app.stores.concerns.get(id);
    assert.equal(stored?.record.status, 'acknowledged');
    assert.equal(stored?.record.outcome, undefined);
  });

  it('when two Leads act at the same moment on the same card, then exactly one change is kept', async () => {
    const { id, card } = await raise();
    const data = actionData(card, 'concern.acknowledge');
    const answers = await Promise.all([teams.execute('lead', 'concern.acknowledge', data), teams.execute('lead2', 'concern.acknowledge', data)]);
    const conflicts = answers.filter((a) => /someone acted first/.test(visibleText(a.body)));
    assert.equal(conflicts.length, 1);
    assert.equal((await app.stores.concerns.events(id)).filter((e) => e.type === 'acknowledged').length, 1);
  });

  it('when someone who is not a Lead sends a Lead action, then it is refused, nothing changes, and it is audited', async () => {
    const { id, card } = await raise();
    const answer = await teams.execute('staff', 'concern.close', { ...actionData(card, 'concern.close'), outcome: 'noFurtherAction' });
    assert.match(visibleText(invokeCard(answer)), /Only the Modern Slavery Lead and deputies/);
    assert.equal((await app.stores.concerns.get(id))?.record.status, 'new');
    const audit = await app.stores.audit.forConcern(id);
    assert.ok(audit.some((e) => e.actorId === 'aad-staff' && e.outcome === 'refused'));
  });

  it('when someone who is not a Lead refreshes the card, then they see that it is restricted and not its content', async () => {
    const { card } = await raise();
    const answer = await teams.execute('staff', 'concern.refresh', { concernId: actionData(card, 'concern.acknowledge').concernId });
    const restricted = invokeCard(answer);
    assert.match(visibleText(restricted), /visible to the Modern Slavery Lead only/);
    assertAbsent(restricted, /passport/);
  });

  it('when a Lead refreshes the card, then the view is audited and the card shows the current state', async () => {
    const { id, card } = await raise();
    await teams.execute('lead2', 'concern.acknowledge', actionData(card, 'concern.acknowledge'));
    const answer = await teams.execute('lead', 'concern.refresh', { concernId: id });
    assert.match(visibleText(invokeCard(answer)), /Dana Second/);
    assert.ok((await app.stores.audit.forConcern(id)).some((e) => e.action === 'concern.viewed' && e.actorId === 'aad-lead'));
  });

  it('when the concern id on a card is tampered with, then the action is refused cleanly and audited', async () => {
    const answer = await teams.execute('lead', 'concern.acknowledge', { concernId: "x' or PartitionKey ne '", revision: 1 });
    assert.equal(answer.status, 200);
    assert.match(visibleText(invokeCard(answer)), /could not be found/);
    const unknown = await teams.execute('lead', 'concern.acknowledge', { concernId: randomUUID(), revision: 1 });
    assert.match(visibleText(invokeCard(unknown)), /could not be found/);
  });

  it('when Teams retries the same Lead click, then it is applied once and the retry shows the current card', async () => {
    const { id, card } = await raise();
    const activity = teams.activity('lead', {
      type: 'invoke',
      name: 'adaptiveCard/action',
      value: {
        action: { type: 'Action.Execute', verb: 'concern.recordAction', data: { ...actionData(card, 'concern.recordAction'), action: 'policeInformed' } },
      },
    });
    const first = await teams.post(activity);
    const retry = await teams.post(activity);
    assert.match(visibleText(first.body), /Police informed/);
    assertAbsent(retry.body, /someone acted first/);
    assert.equal((await app.stores.concerns.events(id)).filter((e) => e.type === 'actionRecorded').length, 1);
  });

  it('when a Lead asks for "open concerns", then every concern not yet closed is listed, urgent first, and each can be opened; others are refused', async () => {
    const urgent = await raise({ immediateDanger: 'yes' });
    const closed = await raise();
    await teams.execute('lead', 'concern.close', { ...actionData(closed.card, 'concern.close'), outcome: 'noFurtherAction' });
    connector.clear();
    await teams.message('lead', 'open concerns');
    const card = cardOf(connector.sentTo(personalConversation('lead'))[0]!.body);
    const rows = tableRows(card)
      .slice(1)
      .map((cells) => cells.join(' | '));
    const urgentReference = (await app.stores.concerns.get(urgent.id))!.record.reference;
    const closedReference = (await app.stores.concerns.get(closed.id))!.record.reference;
    assert.match(rows[0]!, new RegExp(urgentReference), 'urgent first');
    assert.ok(!rows.some((r) => r.includes(closedReference)), 'closed concerns are not listed');
    const opened = await teams.execute('lead', 'concern.refresh', { concernId: urgent.id });
    assert.match(visibleText(invokeCard(opened)), new RegExp(`Concern ${urgentReference}`));
    connector.clear();
    await teams.message('staff', 'open concerns');
    assert.match(visibleText(connector.sentTo(personalConversation('staff'))[0]!.body), /Only the Modern Slavery Lead and deputies/);
  });

  it('when a card action has a verb the bot does not know, then it answers with a clear error, not a failure', async () => {
    const answer = await teams.execute('lead', 'concern.delete', { concernId: randomUUID() });
    assert.equal(answer.status, 200);
    assert.equal(answer.body.type, 'application/vnd.microsoft.error');
    assert.match(answer.body.value.message, /not known/);
  });
});
