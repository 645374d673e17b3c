import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { FakeConnector } from '../support/fakeConnector.js';
import { createLogger } from '../../src/logger.js';
import { actionsOf, actionTitles, assertAbsent, factsOf, findAction, inputValue, tableRows, visibleText } from '../support/cards.js';
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
  // Every log line the app writes, to check that no Lead note ever reaches the logs.
  const logLines: string[] = [];
  const world = runningApp({ logger: createLogger({ destination: { write: (line: string) => void logLines.push(line) } }) });

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

  /** The buttons for a concern's records, offered whatever its status (outcomes for figures come after a close). */
  const RECORD_BUTTONS = ['Case details for figures', 'Legal hold', 'Who has seen or changed this', 'Export for a subject access request'];

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

  /** Closes as a Lead does: "Close" > "Close concern" with an outcome, then "Confirm" on the card that asks. */
  async function close(key: 'lead' | 'lead2', card: Card, outcome: string, inputs: Record<string, unknown> = {}): Promise<Card> {
    const asked = invokeCard(await teams.execute(key, 'concern.close', { ...actionData(card, 'concern.close'), outcome, ...inputs }));
    const confirm = findAction(asked, 'Confirm').data as Record<string, unknown>;
    return invokeCard(await teams.execute(key, 'concern.close', confirm));
  }

  /** The words shown right after an input (in the same container): where a person looks for what is wrong with it. */
  function textAfterInput(card: Card, inputId: string): string | undefined {
    let found: string | undefined;
    const visit = (items: unknown): void => {
      if (!Array.isArray(items)) return;
      items.forEach((item: Card, i: number) => {
        if (item?.id === inputId && String(item.type).startsWith('Input.')) found = items[i + 1]?.type === 'TextBlock' ? String(items[i + 1].text) : undefined;
        for (const key of ['body', 'items']) visit(item?.[key]);
        if (item?.card) visit(item.card.body);
        visit(item?.actions);
      });
    };
    visit(card.body);
    visit(card.actions);
    return found;
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
    await close('lead', recorded, 'policeInvestigation');
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

    current = await close('lead', current, 'nrmReferred');
    assert.match(visibleText(current), /Closed: Referred into the NRM/);
    assert.deepEqual(
      actionsOf(current).map((a) => a.title),
      RECORD_BUTTONS,
      'a closed concern offers its records only, no more workflow actions',
    );

    const history = await app.stores.concerns.events(id);
    assert.deepEqual(
      history.map((e) => e.type),
      ['raised', 'acknowledged', 'actionRecorded', 'rerouted', 'closed'],
    );
    assert.ok(history.slice(1).every((e) => e.by.aadObjectId === 'aad-lead' && e.at));
    const audit = await app.stores.audit.forConcern(id);
    assert.equal(audit.filter((e) => e.action === 'concern.changed').length, 4);
  });

  it('when the Lead records an NRM referral without its reference, then nothing changes and the form comes back filled in with the problem next to the reference; sent again with a reference, it is recorded', async () => {
    const { id, card } = await raise();
    const acknowledged = invokeCard(await teams.execute('lead', 'concern.acknowledge', actionData(card, 'concern.acknowledge')));
    const note = 'Phoned the NRM hub; they will send the reference';
    const refused = invokeCard(
      await teams.execute('lead', 'concern.recordAction', {
        ...actionData(acknowledged, 'concern.recordAction'),
        action: 'nrmReferral',
        nrmReference: '',
        actionNote: note,
      }),
    );
    assert.match(visibleText(refused), /Not recorded/);
    assert.equal(textAfterInput(refused, 'nrmReference'), 'Give the NRM referral reference.');
    assert.equal(inputValue(refused, 'action'), 'nrmReferral', 'the chosen action is kept');
    assert.equal(inputValue(refused, 'actionNote'), note, 'the note is kept');
    assert.equal(factsOf(refused).Status, 'Acknowledged');
    assert.deepEqual(
      (await app.stores.concerns.events(id)).map((e) => e.type),
      ['raised', 'acknowledged'],
      'nothing changed',
    );

    // The Lead fills in the reference on the form the card shows and presses its button.
    const again = findAction(refused, 'Record').data as Record<string, unknown>;
    const recorded = invokeCard(
      await teams.execute('lead', 'concern.recordAction', {
        ...again,
        action: inputValue(refused, 'action'),
        nrmReference: 'NRM-2027-118',
        actionNote: inputValue(refused, 'actionNote'),
      }),
    );
    assert.match(visibleText(recorded), /NRM referral made \(reference NRM-2027-118\)/);
    assert.doesNotMatch(visibleText(recorded), /Not recorded/);
    const history = await app.stores.concerns.events(id);
    assert.equal(history.at(-1)?.type, 'actionRecorded');
    assert.equal(history.at(-1)?.note, note);
  });

  it('when a Lead note is over the limit or an NRM reference has characters it cannot have, then nothing changes and each problem is named next to its input, with what was typed kept', async () => {
    const { id, card } = await raise();
    const long = 'n'.repeat(501);
    const refused = invokeCard(
      await teams.execute('lead', 'concern.recordAction', {
        ...actionData(card, 'concern.recordAction'),
        action: 'nrmReferral',
        nrmReference: 'NRM<118>',
        actionNote: long,
      }),
    );
    assert.match(textAfterInput(refused, 'nrmReference') ?? '', /letters, digits, spaces, \/ and - only/);
    assert.match(textAfterInput(refused, 'actionNote') ?? '', /Keep the note to 500 characters/);
    assert.equal(inputValue(refused, 'nrmReference'), 'NRM<118>');
    assert.equal(inputValue(refused, 'actionNote'), long);
    assert.equal((await app.stores.concerns.get(id))?.record.status, 'new');
  });

  it('when a Lead acts on a closed concern from a card that is current, then the card says it cannot be changed and still shows what was typed', async () => {
    const { id, card } = await raise();
    const closed = await close('lead', card, 'noFurtherAction');
    const revision = (await app.stores.concerns.get(id))!.record.revision;
    const answer = invokeCard(
      await teams.execute('lead', 'concern.recordAction', { concernId: id, revision, action: 'policeInformed', actionNote: 'Told DC Ali late on' }),
    );
    assert.match(visibleText(answer), /This concern is closed: it cannot be changed that way/);
    assert.match(visibleText(answer), /Not recorded: Police informed\. Note: Told DC Ali late on/, 'what was sent is shown, so the note is not lost');
    assert.deepEqual(
      actionsOf(answer).map((a) => a.title),
      RECORD_BUTTONS,
      'nothing but the records can be pressed on a closed concern',
    );
    assert.equal(factsOf(closed).Status, factsOf(answer).Status);
  });

  it('when the Lead presses "Close concern", then the card asks to confirm and nothing changes; Cancel shows the card as it is, and only Confirm closes', async () => {
    const { id, card } = await raise();
    const reference = (await app.stores.concerns.get(id))!.record.reference;
    const asked = invokeCard(await teams.execute('lead', 'concern.close', { ...actionData(card, 'concern.close'), outcome: 'noFurtherAction' }));
    assert.match(visibleText(asked), new RegExp(`Close ${reference} as No further action possible\\? This cannot be undone\\.`));
    assert.equal((await app.stores.concerns.get(id))?.record.status, 'new', 'the first click changes nothing');
    assert.deepEqual(
      (await app.stores.concerns.events(id)).map((e) => e.type),
      ['raised'],
    );
    assert.equal(factsOf(asked).Status, 'New: not yet acknowledged');

    const cancelled = invokeCard(await teams.execute('lead', 'concern.refresh', findAction(asked, 'Cancel').data as Record<string, unknown>));
    assert.doesNotMatch(visibleText(cancelled), /cannot be undone/);
    assert.deepEqual(actionTitles(cancelled), ['Acknowledge', 'Record an action', 'Reroute', 'Close']);
    assert.equal((await app.stores.concerns.get(id))?.record.status, 'new');

    const askedAgain = invokeCard(await teams.execute('lead', 'concern.close', { ...actionData(cancelled, 'concern.close'), outcome: 'notModernSlavery' }));
    const closed = invokeCard(await teams.execute('lead', 'concern.close', findAction(askedAgain, 'Confirm').data as Record<string, unknown>));
    assert.equal(factsOf(closed).Status, 'Closed: Not modern slavery: other safeguarding route');
    assert.deepEqual(
      (await app.stores.concerns.events(id)).map((e) => e.type),
      ['raised', 'closed'],
    );
  });

  it('when the concern changes between "Close concern" and Confirm, then Confirm changes nothing and says what changed', async () => {
    const { id, card } = await raise();
    const asked = invokeCard(await teams.execute('lead', 'concern.close', { ...actionData(card, 'concern.close'), outcome: 'noFurtherAction' }));
    await teams.execute('lead2', 'concern.acknowledge', actionData(card, 'concern.acknowledge'));
    const stale = invokeCard(await teams.execute('lead', 'concern.close', findAction(asked, 'Confirm').data as Record<string, unknown>));
    assert.match(visibleText(stale), /Not changed: someone acted first/);
    assert.match(visibleText(stale), /Acknowledged by Dana Second/);
    assert.equal(inputValue(stale, 'outcome'), 'noFurtherAction', 'the outcome is kept, to send again after reading what changed');
    assert.equal((await app.stores.concerns.get(id))?.record.status, 'acknowledged');
  });

  it('when the Lead adds notes to an action, a reroute and a close, then the notes show in the card history and in no channel notice, escalation, reporter update, audit row or log line', async () => {
    const { id, card } = await raise({ immediateDanger: 'yes' });
    const canary = (n: number) => `Note-canary-${n}: spoke to DS *Khan*`;
    let current = invokeCard(
      await teams.execute('lead', 'concern.reroute', { ...actionData(card, 'concern.reroute'), group: 'enforcement', rerouteNote: canary(1) }),
    );
    // Still new (a reroute is not an acknowledgement), so the urgent escalation goes out after an hour.
    const raisedAt = new Date((await app.stores.concerns.get(id))!.record.createdAt);
    await app.reminders.runEscalations(new Date(raisedAt.getTime() + 61 * 60_000));
    app.outbox.kick();
    await waitFor(() => connector.sentTo('a:personal-coordinator').some((c) => /not acknowledged/.test(visibleText(c.body))), 'the escalation');
    current = invokeCard(
      await teams.execute('lead', 'concern.recordAction', { ...actionData(current, 'concern.recordAction'), action: 'policeInformed', actionNote: canary(2) }),
    );
    current = await close('lead', current, 'policeInvestigation', { closeNote: canary(3) });
    const text = visibleText(current);
    for (const n of [1, 2, 3]) assert.ok(text.includes(`Note-canary-${n}: spoke to DS \\*Khan\\*`), `note ${n} is in the history, escaped`);
    assert.deepEqual(
      (await app.stores.concerns.events(id)).map((e) => e.note ?? ''),
      ['', canary(1), canary(2), canary(3)],
    );

    await waitFor(() => connector.sentTo(channelConversation('enforcement-channel')).length > 0 && true, 'the enforcement notice');
    await waitFor(
      () => connector.sentTo(personalConversation('staff')).filter((c) => /picked up|closed/.test(visibleText(c.body))).length >= 2,
      'the reporter updates',
    );
    await app.outbox.idle();
    const elsewhere = connector.calls.filter(
      (c) => c.method === 'POST' && c.body.type === 'message' && ![personalConversation('lead'), personalConversation('lead2')].includes(c.conversationId),
    );
    assert.ok(elsewhere.length >= 4, `notices, the escalation and the reporter's updates were checked (${elsewhere.length})`);
    for (const call of elsewhere) assertAbsent(call.body, /Note-canary|Khan/, `a message to ${call.conversationId}`);
    for (const row of await app.stores.audit.forConcern(id)) assert.doesNotMatch(JSON.stringify(row), /Note-canary|Khan/);
    for (const line of logLines) assert.doesNotMatch(line, /Note-canary|Khan/);
  });

  it('when the Lead reroutes a concern, then the Group fact says where it came from, who moved it and when', async () => {
    const { card } = await raise();
    assert.equal(factsOf(card).Group, 'Housing');
    const rerouted = invokeCard(await teams.execute('lead', 'concern.reroute', { ...actionData(card, 'concern.reroute'), group: 'enforcement' }));
    assert.match(factsOf(rerouted).Group ?? '', /^Enforcement \(rerouted from Housing by Lee Lead on \d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}\)$/);
    assert.equal(factsOf(rerouted).Area, 'Housing');
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
    await close('lead', closed.card, 'noFurtherAction');
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
