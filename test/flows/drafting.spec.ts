import assert from 'node:assert/strict';
import { FakeConnector } from '../support/fakeConnector.js';
import { actionTitles, assertAbsent, choiceTitles, choiceValues, findAction, inputIds, inputValue, tableRows, textsOf, visibleText } from '../support/cards.js';
import {
  cardOf,
  channelConversation,
  invokeCard,
  personalConversation,
  TeamsClient,
  waitFor,
  runningApp,
  type Card,
  type RunningApp,
} from '../support/harness.js';
import type { PersonKey } from '../support/people.js';

const SECTIONS = ['pursue', 'prevent', 'protect', 'prepare', 'partnership'];
const PATHWAY = [
  '## Housing officer finds a concern',
  '1. Housing officer: notices indicators during a visit',
  '2. Is anyone in immediate danger? yes: 3, no: 4',
  '3. Housing officer: calls 999 -> end',
  '4. Housing officer: refers to the Modern Slavery Lead through the referral form',
  'Explainer: for council and housing association staff.',
].join('\n');

describe('drafting, versions, submitting and review, end to end over HTTP', () => {
  let connector: FakeConnector;
  let app: RunningApp;
  let teams: TeamsClient;
  const world = runningApp();

  before(async () => {
    ({ connector, app, teams } = world);
    for (const key of ['housingLead', 'housingMember', 'twoGroups', 'coordinator', 'staff'] as const) await teams.install(key);
    await teams.mention('coordinator', 'link housing', 'housing-channel');
  });
  beforeEach(() => connector.clear());

  const lastCard = (conversation: string) => cardOf(connector.sentTo(conversation).at(-1)!.body);
  const strategy = (text: string) => Object.fromEntries(SECTIONS.map((s) => [s, `${text} (${s})`]));
  /** Presses a button on a card as Teams sends it: the button's verb and data, with what was typed or chosen. */
  const press = async (key: PersonKey, card: Card, titles: [string, ...string[]], inputs: Record<string, unknown> = {}) => {
    const action = findAction(card, ...titles);
    return invokeCard(await teams.execute(key, String(action.verb), { ...(action.data as Record<string, unknown>), ...inputs }));
  };
  const housingStrategy = async () => (await app.stores.protocol.status('housing', 'strategy')).record;

  it('when a group member sends "draft strategy", then the card has the five Ps with their questions and Consider prompts', async () => {
    await teams.message('housingMember', 'draft strategy');
    const card = lastCard(personalConversation('housingMember'));
    const text = visibleText(card);
    for (const title of ['1. Pursue', '2. Prevent', '3. Protect', '4. Prepare', '5. Partnership']) assert.match(text, new RegExp(title));
    assert.match(text, /How will you disrupt individuals and groups responsible for modern slavery\?/);
    assert.match(text, /Consider: at risk communities, safeguarding, victim support pathway/);
    assert.match(text, /Housing: Strategy/);
    assert.deepEqual(inputIds(card), SECTIONS);
  });

  it('when a member saves twice, then there are two versions with author and time, the card shows the latest, and the comparison says in words what was added and removed', async () => {
    const first = invokeCard(
      await teams.execute('housingMember', 'draft.save', { template: 'strategy', group: 'housing', baseVersion: 0, ...strategy('First thoughts') }),
    );
    assert.match(visibleText(first), /Saved as version 1/);
    const second = invokeCard(
      await teams.execute('housingLead', 'draft.save', {
        template: 'strategy',
        group: 'housing',
        baseVersion: 1,
        ...strategy('First thoughts'),
        prevent: 'Awareness sessions for housing officers\nData sharing with police',
      }),
    );
    assert.match(visibleText(second), /Saved as version 2/);

    await teams.message('housingMember', 'draft strategy');
    const reopened = lastCard(personalConversation('housingMember'));
    assert.equal(inputValue(reopened, 'prevent'), 'Awareness sessions for housing officers\nData sharing with police', 'prefilled with the latest draft');
    assert.match(visibleText(reopened), /Showing version 2, saved by Hana Housing/);

    const history = invokeCard(await teams.execute('housingMember', 'draft.history', { template: 'strategy', group: 'housing' }));
    const historyText = visibleText(history);
    assert.match(historyText, /Hugo Member/);
    assert.match(historyText, /Hana Housing/);
    assertAbsent(history, /Submit a version/, 'a member is not offered submit');

    const compared = invokeCard(await teams.execute('housingMember', 'draft.compare', { template: 'strategy', group: 'housing', from: '1', to: '2' }));
    const diff = textsOf(compared);
    assert.match(visibleText(compared), /1 of 5 parts changed/);
    assert.ok(diff.includes('Removed: First thoughts (prevent)'), diff.join('\n'));
    assert.ok(diff.includes('Added: Awareness sessions for housing officers'), diff.join('\n'));
    assert.ok(diff.includes('Added: Data sharing with police'), diff.join('\n'));
    assert.ok(!diff.some((line) => /^[+-] /.test(line)), 'no line is marked only by a sign');
    assertAbsent(compared, /Pursue/, 'unchanged sections are not listed');
  });

  it('when two members save from the same version, then both versions are kept and the second is told', async () => {
    const [a, b] = await Promise.all([
      teams.execute('housingMember', 'draft.save', { template: 'strategy', group: 'housing', baseVersion: 2, ...strategy('Member edit') }),
      teams.execute('twoGroups', 'draft.save', { template: 'strategy', group: 'housing', baseVersion: 2, ...strategy('Tess edit') }),
    ]);
    const texts = [visibleText(invokeCard(a)), visibleText(invokeCard(b))];
    assert.ok(texts.some((t) => /Saved as version 3/.test(t)) && texts.some((t) => /Saved as version 4/.test(t)), texts.join('\n'));
    assert.ok(texts.some((t) => /nothing was overwritten/.test(t)));
    const versions = await app.stores.protocol.versions('housing', 'strategy');
    assert.deepEqual(
      versions.map((v) => v.version),
      [4, 3, 2, 1],
    );
  });

  it('when a section is over its limit, then nothing is saved, the text is kept and the limit is named', async () => {
    const answer = invokeCard(
      await teams.execute('housingMember', 'draft.save', {
        template: 'strategy',
        group: 'housing',
        baseVersion: 4,
        ...strategy('ok'),
        protect: 'p'.repeat(2200),
      }),
    );
    const text = visibleText(answer);
    assert.match(text, /Protect is 2,200 characters; the limit is 2,000/);
    assert.equal(inputValue(answer, 'pursue'), 'ok (pursue)');
    assert.equal((await app.stores.protocol.versions('housing', 'strategy')).length, 4);
  });

  it('when the text is within the character limits but too big for a card in a non-Latin script, then nothing is saved and the card says so', async () => {
    const sections = Object.fromEntries(SECTIONS.map((s) => [s, 'あ'.repeat(1900)]));
    const answer = invokeCard(await teams.execute('housingMember', 'draft.save', { template: 'strategy', group: 'housing', baseVersion: 4, ...sections }));
    const text = visibleText(answer);
    assert.match(text, /too long to show on one Teams card/);
    assert.match(text, /Not saved/);
    const pathway = invokeCard(
      await teams.execute('housingMember', 'draft.save', {
        template: 'pathway',
        group: 'housing',
        baseVersion: 0,
        flowcharts: `1. 担当者: ${'あ'.repeat(4000)}`,
      }),
    );
    assert.match(visibleText(pathway), /too long to show on one Teams card/);
    assert.equal((await app.stores.protocol.versions('housing', 'strategy')).length, 4);
    assert.equal((await app.stores.protocol.versions('housing', 'pathway')).length, 0);
  });

  it('when someone in two groups sends "draft pathway", then they pick the group on the card', async () => {
    await teams.message('twoGroups', 'draft pathway');
    const card = lastCard(personalConversation('twoGroups'));
    assert.match(visibleText(card), /more than one group/);
    assert.deepEqual(choiceTitles(card, 'group'), ['Housing', 'Health']);
    assert.deepEqual(choiceValues(card, 'group'), ['housing', 'health']);
    const opened = invokeCard(await teams.execute('twoGroups', 'draft.open', { template: 'pathway', group: 'health' }));
    assert.match(visibleText(opened), /Health: Pathway/);
  });

  it('when a group member opens the Pathway, then the card explains in words how to write steps, yes/no questions, jumps, ends, several flowcharts and explainers, with an example', async () => {
    await teams.message('housingMember', 'draft pathway');
    const card = lastCard(personalConversation('housingMember'));
    const text = textsOf(card);
    const rule = (name: string) => text.find((t) => t.startsWith(name)) ?? assert.fail(`no rule "${name}" in:\n${text.join('\n')}`);
    assert.match(
      rule('Flowcharts. '),
      /begins ## and gives its title: ## Housing officer finds a concern\. For more than one flowchart, start each with its own ## line/,
    );
    assert.match(rule('Steps. '), /the number, who, a colon, then what they do: 1\. Housing officer: notices indicators on a visit$/);
    assert.match(
      rule('Questions. '),
      /yes\/no question .* which step yes goes to and which step no goes to: 2\. Is anyone in immediate danger\? yes: 3, no: 4$/,
    );
    assert.match(rule('Where it goes next. '), /To jump to another step, end the line with -> and its number: 4\. GP: tells the Modern Slavery Lead -> 6\./);
    assert.match(rule('Where it goes next. '), /To end the path at a step, end the line with -> end: 3\. Housing officer: calls 999 -> end/);
    assert.match(rule('Explainer (optional). '), /A line starting Explainer: adds a note to the flowchart/);
    assert.ok(text.includes('An example, to copy and change:'));
    assert.match(visibleText(card), /2\\\. Is anyone in immediate danger\? yes: 3, no: 4\n\n3\\\. Housing officer: calls 999 -> end/, 'the example is kept');
  });

  it('when a pathway branches to a missing step or has no start, then it is refused with each problem named and the text kept', async () => {
    const broken =
      '## Referral\n2. Health visitor: spots signs\n3. Is the person an adult? yes: 4, no: 9\n4. GP: refers to the Modern Slavery Lead\n## Empty one';
    const answer = invokeCard(
      await teams.execute('housingMember', 'draft.save', { template: 'pathway', group: 'housing', baseVersion: 0, flowcharts: broken }),
    );
    const text = visibleText(answer);
    assert.match(text, /"Referral" has no start: number its first step 1/);
    assert.match(text, /step 3 says no goes to step 9, but there is no step 9/);
    assert.match(text, /Empty one.*has no steps/);
    assert.equal(inputValue(answer, 'flowcharts'), broken);
    assert.equal((await app.stores.protocol.versions('housing', 'pathway')).length, 0);
  });

  it('when a valid pathway is saved in the group channel, then the card shows the flowchart as saved', async () => {
    await teams.mention('housingMember', 'draft pathway', 'housing-channel');
    assert.match(visibleText(lastCard(channelConversation('housing-channel'))), /Housing: Pathway/);
    const saved = invokeCard(
      await teams.execute(
        'housingMember',
        'draft.save',
        { template: 'pathway', group: 'housing', baseVersion: 0, flowcharts: PATHWAY },
        { channel: 'housing-channel' },
      ),
    );
    const text = visibleText(saved);
    assert.match(text, /Saved as version 1/);
    assert.match(text, /2\\\. Is anyone in immediate danger\? Yes: step 3\. No: step 4\./);
    assert.match(text, /3\\\. Housing officer: calls 999 \(end\)/);
    assert.match(text, /Explainer: for council and housing association staff/);
  });

  it('when the group lead clicks Submit on the versions card, then they are asked to confirm and nothing changes; Cancel goes back to the versions', async () => {
    const before = await housingStrategy();
    const history = invokeCard(await teams.execute('housingLead', 'draft.history', { template: 'strategy', group: 'housing' }));
    const asked = await press('housingLead', history, ['Submit a version', 'Submit'], { version: '2' });
    assert.equal(textsOf(asked)[0], 'Submit version 2 of the Housing Strategy to the coordinator?');
    assert.deepEqual(actionTitles(asked), ['Confirm', 'Cancel']);
    assert.deepEqual(await housingStrategy(), before, 'asking changes nothing');
    assert.ok(!(await app.stores.protocol.events('housing', 'strategy')).some((e) => e.type === 'submitted'));

    const back = await press('housingLead', asked, ['Cancel']);
    assert.match(visibleText(back), /Housing: Strategy versions\nStatus: Drafting\./);
    assert.deepEqual(await housingStrategy(), before, 'cancelling changes nothing');
  });

  it('when the lead confirms a submit from a card shown before the template changed, then nothing is submitted and they are told to check again', async () => {
    const history = invokeCard(await teams.execute('housingLead', 'draft.history', { template: 'strategy', group: 'housing' }));
    const asked = await press('housingLead', history, ['Submit a version', 'Submit'], { version: '1' });
    // Meanwhile the strategy changes: a member saves another version.
    const latest = (await housingStrategy()).latestVersion;
    await teams.execute('housingMember', 'draft.save', {
      template: 'strategy',
      group: 'housing',
      baseVersion: latest,
      pursue: 'A newer plan, saved meanwhile.',
    });
    const before = await housingStrategy();
    assert.equal(before.latestVersion, latest + 1);
    const stale = await press('housingLead', asked, ['Confirm']);
    assert.match(visibleText(stale), /Not submitted: the Strategy changed since this card was shown/);
    assert.deepEqual(await housingStrategy(), before, 'the old confirmation changed nothing');
  });

  it('when a member tries to submit, then they are refused; when the lead submits and confirms, then the coordinator is told', async () => {
    const refused = invokeCard(await teams.execute('housingMember', 'template.submit', { template: 'strategy', group: 'housing', version: '2' }));
    assert.match(visibleText(refused), /Only a lead of the Housing group can submit/);
    assert.equal((await app.stores.protocol.status('housing', 'strategy')).record.status, 'drafting');

    const history = invokeCard(await teams.execute('housingLead', 'draft.history', { template: 'strategy', group: 'housing' }));
    assert.match(visibleText(history), /Submit a version/);
    const asked = await press('housingLead', history, ['Submit a version', 'Submit'], { version: '2' });
    assert.equal((await housingStrategy()).status, 'drafting', 'not until confirmed');
    const submitted = await press('housingLead', asked, ['Confirm']);
    assert.match(visibleText(submitted), /Version 2 submitted as the Housing Strategy/);
    const told = await waitFor(
      () => connector.sentTo(personalConversation('coordinator')).find((c) => /Submitted: Housing Strategy/.test(visibleText(c.body))),
      'the coordinator notice',
    );
    assert.match(visibleText(told.body), /Hana Housing submitted version 2/);
  });

  it('when the coordinator clicks Accept or Return, then they are asked to confirm, naming the version, and nothing changes; Cancel goes back to the submission or the dashboard', async () => {
    const before = await housingStrategy();
    assert.equal(before.status, 'submitted');
    const view = invokeCard(await teams.execute('coordinator', 'template.view', { item: 'housing|strategy' }));
    const accept = await press('coordinator', view, ['Accept']);
    assert.equal(textsOf(accept)[0], 'Accept version 2 of the Housing Strategy?');
    assert.deepEqual(actionTitles(accept), ['Confirm', 'Cancel']);
    const ret = await press('coordinator', view, ['Return', 'Return with comment'], { comment: 'Say *who* shares data' });
    assert.equal(textsOf(ret)[0], 'Return version 2 of the Housing Strategy with your comment?');
    assert.match(visibleText(ret), /Your comment\nSay \\\*who\\\* shares data/, 'the comment is shown, escaped');
    assert.deepEqual(await housingStrategy(), before, 'asking changes nothing');
    const back = await press('coordinator', ret, ['Cancel']);
    assert.equal(textsOf(back)[0], 'Housing Strategy: version 2');
    assert.deepEqual(actionTitles(back), ['Accept', 'Return', 'Back to the dashboard']);

    await teams.message('coordinator', 'status');
    const dashboard = lastCard(personalConversation('coordinator'));
    const item = choiceValues(dashboard, 'item').find((v) => v.startsWith('housing|strategy|'))!;
    const fromDashboard = await press('coordinator', dashboard, ['Accept'], { item });
    assert.equal(textsOf(fromDashboard)[0], 'Accept version 2 of the Housing Strategy?');
    const dashboardAgain = await press('coordinator', fromDashboard, ['Cancel']);
    assert.match(visibleText(dashboardAgain), /groups at a glance/);
    assert.equal(inputValue(dashboardAgain, 'item'), item, 'the same group and template are still chosen');
    assert.deepEqual(await housingStrategy(), before, 'nothing changed');
  });

  it('when the coordinator returns it with a comment, then the lead is told and can resubmit; then the coordinator accepts', async () => {
    const view = invokeCard(await teams.execute('coordinator', 'template.view', { item: 'housing|strategy' }));
    assert.match(visibleText(view), /Awareness sessions for housing officers/);
    const asked = await press('coordinator', view, ['Return', 'Return with comment'], { comment: 'Please add *how* you will share data' });
    const returned = await press('coordinator', asked, ['Confirm']);
    assert.match(visibleText(returned), /Returned: Housing Strategy, version 2/);
    const told = await waitFor(
      () => connector.sentTo(personalConversation('housingLead')).find((c) => /Returned: Housing Strategy/.test(visibleText(c.body))),
      'the lead notice',
    );
    assert.match(visibleText(told.body), /Please add \\\*how\\\* you will share data/, 'the comment is shown, escaped');

    // Accepting from the card shown before the return: the confirmation carries that card's revision.
    const stale = await press('coordinator', await press('coordinator', view, ['Accept']), ['Confirm']);
    assert.match(visibleText(stale), /changed since this card was shown/);

    const resubmitted = invokeCard(await teams.execute('housingLead', 'template.submit', { template: 'strategy', group: 'housing', version: '4' }));
    assert.match(visibleText(resubmitted), /Version 4 submitted/);
    // From the dashboard, the choice carries the revision the coordinator saw.
    const shownBefore = (await app.stores.protocol.status('housing', 'strategy')).record.revision;
    await teams.execute('housingLead', 'template.submit', { template: 'strategy', group: 'housing', version: '3' });
    const unseen = invokeCard(await teams.execute('coordinator', 'template.accept', { item: `housing|strategy|${shownBefore}`, from: 'dashboard' }));
    assert.match(visibleText(unseen), /changed since this card was shown/, 'a resubmission made meanwhile is not accepted unseen');
    await teams.execute('housingLead', 'template.submit', { template: 'strategy', group: 'housing', version: '4' });
    const shown = (await app.stores.protocol.status('housing', 'strategy')).record.revision;
    const accepted = invokeCard(await teams.execute('coordinator', 'template.accept', { item: `housing|strategy|${shown}`, from: 'dashboard' }));
    assert.match(visibleText(accepted), /Accepted: Housing Strategy, version 4/);
    const events = await app.stores.protocol.events('housing', 'strategy');
    assert.deepEqual(
      events.filter((e) => e.type !== 'saved').map((e) => e.type),
      ['submitted', 'returned', 'submitted', 'submitted', 'submitted', 'accepted'],
    );
  });

  it('when the coordinator sends "status", then the dashboard lists the seven groups, each with both templates and their versions in words on one line', async () => {
    await teams.message('coordinator', 'status');
    const card = lastCard(personalConversation('coordinator'));
    const texts = textsOf(card);
    const linesAfter = (group: string) => texts.slice(texts.indexOf(group) + 1, texts.indexOf(group) + 3);
    for (const group of ['Housing', 'Health', 'NRM Referrals', 'Migration', 'Enforcement', 'Transition to Adulthood', 'Support Services'])
      assert.ok(texts.includes(group), `${group} is a heading`);
    const [housing, housingChange] = linesAfter('Housing');
    assert.equal(housing, 'Strategy: Accepted (v4) · Pathway: Drafting (v1)');
    assert.match(housingChange!, /^Last change .* by Cora Coordinator\. Strategy submitted by Hana Housing\.$/);
    assert.deepEqual(linesAfter('Health'), ['Strategy: Not started · Pathway: Not started', 'No changes yet.']);
    assert.deepEqual(tableRows(card), [], 'a list, not a table of narrow columns');
    assert.match(visibleText(card), /days? left/);
    assert.deepEqual(actionTitles(card), ['View submission', 'Accept', 'Return', 'Remind now']);
  });

  it('when a member sends "status" in the group channel, then they see their own group only', async () => {
    await teams.mention('housingMember', 'status', 'housing-channel');
    const card = lastCard(channelConversation('housing-channel'));
    const text = visibleText(card);
    assert.match(text, /Housing: where the templates stand/);
    assert.match(text, /Strategy: Accepted/);
    assertAbsent(card, /Migration|Enforcement/);
  });

  it('when someone who is not a coordinator asks for the dashboard or reviews, then they are refused', async () => {
    const dashboard = invokeCard(await teams.execute('housingLead', 'status.show', {}));
    assert.match(visibleText(dashboard), /The dashboard is for protocol coordinators/);
    const accept = invokeCard(await teams.execute('housingLead', 'template.accept', { item: 'housing|pathway|1' }));
    assert.match(visibleText(accept), /Only a protocol coordinator/);
    const tampered = invokeCard(await teams.execute('coordinator', 'template.accept', { item: "housing|strategy' or '1'='1" }));
    assert.match(visibleText(tampered), /Choose a group and template/);
  });

  it('when the coordinator presses "remind now", then the group lead and channel get a reminder, once per minute whatever the clicks', async () => {
    const first = invokeCard(await teams.execute('coordinator', 'template.remind', { item: 'housing|pathway|1' }));
    assert.match(visibleText(first), /Reminder sent to Hana Housing and the Housing channel\./);
    assert.doesNotMatch(visibleText(first), /Waiting/);
    const second = invokeCard(await teams.execute('coordinator', 'template.remind', { item: 'housing|pathway' }));
    assert.match(visibleText(second), /already sent this minute/);
    const lead = await waitFor(
      () => connector.sentTo(personalConversation('housingLead')).find((c) => /Reminder: Pathway for Housing/.test(visibleText(c.body))),
      'the reminder',
    );
    assert.match(visibleText(lead.body), /has not been submitted yet \(drafting\)/);
    await waitFor(
      () => connector.sentTo(channelConversation('housing-channel')).find((c) => /Reminder: Pathway for Housing/.test(visibleText(c.body))),
      'the channel reminder',
    );
    const accepted = invokeCard(await teams.execute('coordinator', 'template.remind', { item: 'housing|strategy' }));
    assert.match(visibleText(accepted), /already accepted: no reminder needed/);
  });

  it('when "remind now" goes to a lead without the app and a channel not linked, then the coordinator is told it waits, and why, not that it was sent', async () => {
    const card = invokeCard(await teams.execute('coordinator', 'template.remind', { item: 'health|strategy' }));
    const text = visibleText(card);
    assert.doesNotMatch(text, /Reminder sent to/);
    assert.match(
      text,
      /Nothing could be sent yet\. Waiting for Hal Health, who has not installed the app yet and the Health channel, which is not linked yet \(send "link health"/,
    );
  });
});
