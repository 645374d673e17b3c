import assert from 'node:assert/strict';
import { FakeConnector } from '../support/fakeConnector.js';
import { assertAbsent, factsOf, findAction, inputIds, inputValue, visibleText } from '../support/cards.js';
import {
  cardOf,
  channelConversation,
  invokeCard,
  personalConversation,
  TeamsClient,
  validIntake,
  waitFor,
  runningApp,
  type RunningApp,
} from '../support/harness.js';

describe('raising a concern, end to end over HTTP', () => {
  let connector: FakeConnector;
  let app: RunningApp;
  let teams: TeamsClient;
  const world = runningApp();

  before(async () => {
    ({ connector, app, teams } = world);
    // Everyone who receives messages has installed the app; the coordinator links two channels.
    for (const key of ['lead', 'lead2', 'deputy', 'coordinator', 'staff', 'staff2'] as const) await teams.install(key);
    await teams.mention('coordinator', 'link housing', 'housing-channel');
    await teams.mention('coordinator', 'link Transition to Adulthood', 'transition-channel');
    await teams.mention('coordinator', 'link nrm', 'nrm-channel');
  });
  beforeEach(() => connector.clear());

  /** Asks for the intake card in personal chat and returns the server-made id on it. */
  async function openIntake(key: 'staff' | 'staff2' = 'staff'): Promise<string> {
    await teams.message(key, 'raise concern');
    const card = cardOf(connector.sentTo(personalConversation(key)).at(-1)!.body);
    const submit = findAction(card, 'Send to the Modern Slavery Lead');
    assert.equal(submit.type, 'Action.Execute');
    return (submit.data as { submissionId: string }).submissionId;
  }

  it('when a member of staff types "raise concern", then they get the intake card with every question of the product', async () => {
    await teams.message('staff', 'raise concern');
    const card = cardOf(connector.sentTo(personalConversation('staff'))[0]!.body);
    assert.deepEqual(inputIds(card), [
      'immediateDanger',
      'ageBand',
      'possiblyChild',
      'exploitation',
      'indicators',
      'area',
      'place',
      'consent',
      'actionsTaken',
      'observed',
    ]);
    assert.match(visibleText(card), /call 999 now/);
    assert.equal(card.version, '1.5');
  });

  it('when a valid concern is submitted, then the reporter gets a receipt, each Lead the full card and the group channel a minimal notice', async () => {
    const submissionId = await openIntake();
    const intake = validIntake();
    const answer = await teams.execute('staff', 'intake.submit', { submissionId, ...intake });
    assert.equal(answer.status, 200);
    const receipt = invokeCard(answer);
    const reference = /Concern raised: (MS-\d{4}-\d{6})/.exec(visibleText(receipt))?.[1];
    assert.ok(reference, 'the receipt shows a reference');
    assert.match(visibleText(receipt), /08000 121 700/);

    for (const lead of ['lead', 'lead2'] as const) {
      const sent = await waitFor(() => connector.sentTo(personalConversation(lead))[0], `the card to ${lead}`);
      const card = cardOf(sent.body);
      assert.match(visibleText(card), new RegExp(`Concern ${reference}`));
      assert.match(visibleText(card), /six men collected|Six men collected/);
      assert.equal(factsOf(card).Place, 'Foleshill');
    }
    const notice = await waitFor(() => connector.sentTo(channelConversation('housing-channel'))[0], 'the housing channel notice');
    const card = cardOf(notice.body);
    assert.match(visibleText(card), new RegExp(reference));
    assert.equal(factsOf(card).Exploitation, 'Labour');
    assert.equal(factsOf(card)['Age band'], '26 or over');
    assertAbsent(notice.body, /passport|Six men|van/i, 'the observed text never reaches a channel');
    assertAbsent(notice.body, /Foleshill/, 'the place never reaches a channel');
    // The deputy is not sent every concern; nobody else's chat gets anything.
    assert.equal(connector.sentTo(personalConversation('deputy')).length, 0);
    assert.equal(connector.sentTo(channelConversation('transition-channel')).length, 0);
  });

  it('when the card is submitted with problems, then the same card comes back with the inputs kept and each problem named, and nothing is stored', async () => {
    const submissionId = await openIntake();
    const answer = await teams.execute('staff', 'intake.submit', {
      submissionId,
      ...validIntake({ exploitation: '', consent: '', observed: '  ', place: '12 Acacia Road' }),
    });
    const card = invokeCard(answer);
    const text = visibleText(card);
    assert.match(text, /Please check the 4 answers marked below/);
    assert.match(text, /Choose at least one type/);
    assert.match(text, /consent to an NRM referral was discussed/);
    assert.match(text, /Describe what you observed/);
    assert.match(text, /not a home address/);
    assert.equal(inputValue(card, 'ageBand'), '26plus', 'the answers given are kept');
    assert.equal(inputValue(card, 'place'), '12 Acacia Road');
    assert.equal(await app.stores.concerns.get(submissionId), undefined);
  });

  it('when the observed text is far too long, then the card says how long it is and what the limit is', async () => {
    const submissionId = await openIntake();
    const answer = await teams.execute('staff', 'intake.submit', { submissionId, ...validIntake({ observed: 'x'.repeat(9000) }) });
    const text = visibleText(invokeCard(answer));
    assert.match(text, /9,000 characters; the limit is 2,000/);
    assert.ok(Buffer.byteLength(JSON.stringify(answer.body)) < 28 * 1024);
  });

  it('when the intake card is shown, then the consent question says before sending that it is required for an adult and left empty for a child', async () => {
    await teams.message('staff', 'raise concern');
    const card = cardOf(connector.sentTo(personalConversation('staff'))[0]!.body);
    const consent = (card.body as { id?: string; label?: string }[]).find((element) => element.id === 'consent');
    assert.match(consent?.label ?? '', /required for adults/i);
    assert.match(consent?.label ?? '', /leave (it )?empty for a child/i);
    assert.match(visibleText(card), /will not send without an answer/i);
  });

  it('when the observed text is 2,612 characters, then the server refuses it naming its length and the limit, keeps the whole text on the card and stores nothing', async () => {
    const submissionId = await openIntake();
    const observed = 'The van comes at 5am. '.repeat(119).slice(0, 2612);
    assert.equal(observed.length, 2612);
    const opened = cardOf(connector.sentTo(personalConversation('staff')).at(-1)!.body);
    const input = (card: Record<string, unknown>) => (card.body as { id?: string; maxLength?: unknown }[]).find((element) => element.id === 'observed');
    assert.equal(input(opened)?.maxLength, undefined, 'Teams must not cut the text silently');
    const answer = await teams.execute('staff', 'intake.submit', { submissionId, ...validIntake({ observed }) });
    const card = invokeCard(answer);
    assert.match(visibleText(card), /What you observed is 2,612 characters; the limit is 2,000\. Shorten it and send again: nothing has been sent\./);
    assert.equal(inputValue(card, 'observed'), observed, 'the whole text is kept');
    assert.equal(input(card)?.maxLength, undefined);
    assert.equal(await app.stores.concerns.get(submissionId), undefined);
  });

  it('when the person may be 16 or 17, then the Transition to Adulthood channel is told too and the Lead card says MASH and police now', async () => {
    const submissionId = await openIntake();
    await teams.execute('staff', 'intake.submit', { submissionId, ...validIntake({ ageBand: '16-17', consent: '', area: 'nrm', exploitation: 'criminal' }) });
    const notice = await waitFor(() => connector.sentTo(channelConversation('transition-channel'))[0], 'the transition notice');
    assert.equal(factsOf(notice.body)['Age band'], '16-17');
    await waitFor(() => connector.sentTo(channelConversation('nrm-channel'))[0], 'the nrm notice');
    const leadCard = await waitFor(() => connector.sentTo(personalConversation('lead'))[0], 'the lead card');
    const text = visibleText(cardOf(leadCard.body));
    assert.match(text, /children's services \(MASH\) and the police now/);
    assert.match(text, /Duty to Notify does not apply/);
  });

  it('when Teams delivers the same submit twice, then there is one concern, one receipt and one notice per recipient', async () => {
    const submissionId = await openIntake();
    const activity = teams.activity('staff', { type: 'message', value: { verb: 'intake.submit', submissionId, ...validIntake() } });
    await teams.post(activity);
    await teams.post(activity);
    await app.outbox.idle();
    await waitFor(() => connector.sentTo(channelConversation('housing-channel')).length === 1, 'the notice');
    await new Promise((resolve) => setTimeout(resolve, 300));
    await app.outbox.idle();
    const receipts = connector.sentTo(personalConversation('staff')).filter((c) => /Concern raised|Already submitted/.test(visibleText(c.body)));
    assert.equal(receipts.length, 1);
    assert.equal(connector.sentTo(personalConversation('lead')).length, 1);
    assert.equal(connector.sentTo(channelConversation('housing-channel')).length, 1);
  });

  it('when the submit button is clicked twice, then the second click is told the concern was already submitted', async () => {
    const submissionId = await openIntake();
    const first = await teams.execute('staff', 'intake.submit', { submissionId, ...validIntake() });
    const second = await teams.execute('staff', 'intake.submit', { submissionId, ...validIntake() });
    const reference = /MS-\d{4}-\d{6}/.exec(visibleText(invokeCard(first)))![0];
    assert.match(visibleText(invokeCard(second)), new RegExp(`Already submitted: ${reference}`));
    await app.outbox.idle();
    assert.equal((await app.stores.outbox.list(submissionId)).filter((e) => e.kind === 'leadCard').length, 2, 'one lead card per Lead, not per click');
  });

  it("when another person submits a card with someone else's concern id, then it is refused and audited", async () => {
    const submissionId = await openIntake('staff');
    await teams.execute('staff', 'intake.submit', { submissionId, ...validIntake() });
    const answer = await teams.execute('staff2', 'intake.submit', { submissionId, ...validIntake() });
    assert.match(visibleText(invokeCard(answer)), /not valid any more/);
    const audit = await app.stores.audit.forConcern(submissionId);
    assert.ok(audit.some((e) => e.outcome === 'refused' && e.actorId === 'aad-staff2'));
  });

  it('when the Action.Submit fallback is used, then the receipt arrives as a message', async () => {
    const submissionId = await openIntake();
    connector.clear();
    await teams.submit('staff', { verb: 'intake.submit', submissionId, ...validIntake() });
    const reply = connector.sentTo(personalConversation('staff'))[0];
    assert.match(visibleText(reply?.body), /Concern raised: MS-/);
  });

  it('when a member of staff asks for "my concerns", then they see their own concerns and nobody else\'s', async () => {
    const others = await openIntake('staff');
    const othersReference = /MS-\d{4}-\d{6}/.exec(
      visibleText(invokeCard(await teams.execute('staff', 'intake.submit', { submissionId: others, ...validIntake() }))),
    )![0];
    const mine = await openIntake('staff2');
    const myReference = /MS-\d{4}-\d{6}/.exec(
      visibleText(invokeCard(await teams.execute('staff2', 'intake.submit', { submissionId: mine, ...validIntake() }))),
    )![0];
    connector.clear();
    await teams.message('staff2', 'my concerns');
    const card = cardOf(connector.sentTo(personalConversation('staff2'))[0]!.body);
    const text = visibleText(card);
    assert.match(text, /You have raised 1 concern\./);
    assert.match(text, new RegExp(myReference));
    assert.match(text, /New: not yet acknowledged/);
    assertAbsent(card, new RegExp(othersReference));
  });
});
