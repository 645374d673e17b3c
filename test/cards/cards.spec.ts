import assert from 'node:assert/strict';
import { assertTeamsCard } from '../support/adaptiveCards.js';
import { randomUUID } from 'node:crypto';
import { channelNoticeCard, leadCard, myConcernsCard, openConcernsCard, receiptCard } from '../../src/cards/concernCards.js';
import { intakeCard } from '../../src/cards/intakeCard.js';
import { messageCard } from '../../src/cards/messageCard.js';
import { MAX_CARD_BYTES } from '../../src/cards/renderCard.js';
import { channelWelcomeCard, notUnderstoodCard, welcomeCard } from '../../src/cards/welcomeCard.js';
import { LIMITS, parseIntake } from '../../src/domain/concern.js';
import { KEPT_NOTE_MAX, LEAD_LIMITS } from '../../src/domain/leadCommands.js';
import type { ConcernEvent, ConcernRecord } from '../../src/domain/concernRecord.js';
import { routeConcern } from '../../src/domain/routing.js';
import { validIntake } from '../support/harness.js';
import { actionTitles, assertAbsent, factsOf, findAction, inputValue, textsOf, visibleText } from '../support/cards.js';
import { draftCard, pickGroupCard } from '../../src/cards/draftCards.js';
import { compareCard, historyCard } from '../../src/cards/versionCards.js';
import { dashboardCard, groupStatusCard, submissionCard } from '../../src/cards/statusCards.js';
import { confirmReviewCard, confirmSubmitCard } from '../../src/cards/confirmCards.js';
import { escalationDigestMessage } from '../../src/cards/escalationDigestCard.js';
import { escalationDigest } from '../../src/domain/escalationDigest.js';
import { escalationMessage, reminderMessage, reviewMessage, undeliveredMessage, waitingMessage } from '../../src/cards/notificationCards.js';
import { Deadline } from '../../src/domain/deadline.js';
import { diffLines } from '../../src/domain/diff.js';
import { GROUP_IDS } from '../../src/domain/groups.js';
import { cardBytes, DRAFT_LIMITS, STRATEGY_SECTIONS, TEMPLATE_IDS, type StrategyContent, type TemplateId } from '../../src/domain/templates.js';
import type { DraftState, TemplateRecord, VersionInfo } from '../../src/domain/submission.js';
import { pathwayDiagrams } from '../../src/reports/pathwayDiagrams.js';
import type { DraftDiagram } from '../../src/cards/draftDiagrams.js';

const TZ = 'Europe/London';
const person = { aadObjectId: 'p', name: 'Hana _Housing_' };
const version: VersionInfo = { version: 1, author: person, savedAt: '2027-06-01T10:00:00.000Z', characters: 100 };
const record = (template: TemplateId): TemplateRecord => ({ group: 'housing', template, status: 'drafting', revision: 3, latestVersion: 1 });
// The worst case a card must hold: every section at its limit, in two-byte characters.
const fullStrategy = Object.fromEntries(STRATEGY_SECTIONS.map((s) => [s.id, 'é'.repeat(DRAFT_LIMITS.strategySection)])) as StrategyContent;
const longPathway = ['## Flow', ...Array.from({ length: 300 }, (_, i) => `${i + 1}. Travailleur ${i}: étape ${i} du parcours é`)]
  .join('\n')
  .slice(0, DRAFT_LIMITS.pathway);
// A pathway just inside the card-size limit in a 3-byte script: the draft card (text plus preview) must still fit.
const japanesePathway = (() => {
  const lines = ['## 流れ'];
  for (let i = 1; cardBytes([...lines, `${i}. 担当者${i}: 確認する手順の説明です`].join('\n')) <= DRAFT_LIMITS.pathwayBytes; i++)
    lines.push(`${i}. 担当者${i}: 確認する手順の説明です`);
  return lines.join('\n');
})();
/** A Pathway as a group writes it: a flowchart with two questions, and a short second one. */
const savedPathway = [
  '## Housing officer identifies a concern',
  '1. Housing officer: notices indicators during a visit',
  '2. Is anyone in immediate danger? yes: 3, no: 4',
  '3. Housing officer: calls 999 -> end',
  '4. Housing officer: tells the Modern Slavery Lead through the referral form',
  '5. Does the adult consent to an NRM referral? yes: 6, no: 7',
  '6. Modern Slavery Lead: makes the NRM referral -> end',
  '7. Modern Slavery Lead: sends a Duty to Notify to the Home Office',
  'Explainer: for council and housing association staff.',
  '## Children',
  '1. Teacher: tells the designated safeguarding lead',
  '2. Designated safeguarding lead: refers to the MASH',
].join('\n');
/** Flowcharts like that one, one after another, up to the 8,000-character limit. */
const fullOfFlowcharts = (() => {
  const charts: string[] = [];
  const chart = (i: number) => savedPathway.split('## Children')[0]!.replace('## Housing officer identifies a concern', `## Flowchart ${i}`);
  for (let i = 1; [...charts, chart(i)].join('').length <= DRAFT_LIMITS.pathway; i++) charts.push(chart(i));
  return charts.join('').trim();
})();
const pathwayDraft = (text: string): DraftState => ({ record: record('pathway'), latest: { info: version, content: { template: 'pathway', text } } });
// The saved flowcharts drawn as the bot draws them for the card (drawing is asynchronous; cards are built after).
const diagrams: { saved: DraftDiagram[]; full: DraftDiagram[] } = { saved: [], full: [] };
before(async () => {
  diagrams.saved = await pathwayDiagrams(pathwayDraft(savedPathway));
  diagrams.full = await pathwayDiagrams(pathwayDraft(fullOfFlowcharts));
});
const now = new Date('2027-06-25T09:00:00Z');
const deadline = new Deadline('2027-07-02', TZ);
const statusContext = { now, deadline };
const historyContext = { now, deadline: deadline.instant, timeZone: TZ };

function fixtureConcern(overrides: Record<string, unknown> = {}): ConcernRecord {
  const parsed = parseIntake(validIntake({ observed: 'Worker said [boss](http://x.example) keeps *all* passports', ...overrides }));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  const routing = routeConcern(parsed.intake);
  return {
    id: randomUUID(),
    reference: 'MS-2027-000123',
    reporter: { aadObjectId: 'a', name: 'Sam _Staff_' },
    createdAt: '2027-03-01T09:30:00.000Z',
    updatedAt: '2027-03-01T09:30:00.000Z',
    intake: parsed.intake,
    status: 'inProgress',
    group: parsed.intake.area,
    notifiedGroups: routing.groups,
    guidance: routing.guidance,
    urgent: routing.urgent,
    treatedAsChild: routing.appliedRules.includes('child'),
    revision: 3,
    handledBy: { aadObjectId: 'l', name: 'Lee Lead' },
    actions: [],
  };
}
const events: ConcernEvent[] = [
  { revision: 1, type: 'raised', by: { aadObjectId: 'a', name: 'Sam' }, at: '2027-03-01T09:30:00.000Z', detail: 'Concern raised' },
  { revision: 2, type: 'acknowledged', by: { aadObjectId: 'l', name: 'Lee Lead' }, at: '2027-03-01T09:35:00.000Z', detail: 'Acknowledged' },
];

/** A concern the Lead moved from Housing to Enforcement (a Lead whose name has Markdown in it). */
function reroutedConcern(): ConcernRecord {
  return {
    ...fixtureConcern(),
    group: 'enforcement',
    rerouted: { from: 'housing', by: { aadObjectId: 'l', name: 'Lee _Lead_' }, at: '2027-03-03T10:02:00.000Z' },
  };
}
/** A history of `count` Lead actions, each with the same note. */
function eventsWithNotes(count: number, note: string): ConcernEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    revision: i + 1,
    type: 'actionRecorded' as const,
    by: { aadObjectId: 'l', name: 'Lee Lead' },
    at: '2027-03-01T09:35:00.000Z',
    detail: 'Police informed',
    note: `${i + 1}: ${note}`,
  }));
}

/** Every card the bot can send, expanded with fixture data. */
const CARDS: Record<string, () => Record<string, unknown>> = {
  'intake (new)': () => intakeCard(randomUUID()),
  'intake (with errors, kept inputs)': () =>
    intakeCard(randomUUID(), { values: validIntake({ observed: 'x'.repeat(5000) }), errors: { observed: 'Too long', area: 'Choose the area' } }),
  'intake (in a dialog)': () => intakeCard(randomUUID(), { inDialog: true }),
  receipt: () => receiptCard(fixtureConcern({ immediateDanger: 'yes' }), { timeZone: TZ }),
  'receipt (already submitted)': () => receiptCard(fixtureConcern(), { timeZone: TZ, alreadySubmitted: true }),
  'lead card (child, urgent)': () =>
    leadCard(fixtureConcern({ ageBand: '16-17', immediateDanger: 'yes', consent: '' }), {
      timeZone: 'Europe/London',
      events,
      refreshUserIds: ['29:a'],
      notice: 'Not changed: someone acted first.',
    }),
  'lead card (closed)': () =>
    leadCard(
      { ...fixtureConcern(), status: 'closed', outcome: 'nrmReferred' },
      { timeZone: 'Europe/London', events, refreshUserIds: Array.from({ length: 80 }, (_, i) => `29:${i}`) },
    ),
  'lead card (refused action, inputs kept)': () =>
    leadCard(fixtureConcern(), {
      timeZone: TZ,
      events,
      refreshUserIds: [],
      notice: 'Not recorded: nothing has been changed.',
      form: {
        command: 'recordAction',
        values: { action: 'nrmReferral', nrmReference: '', actionNote: 'é'.repeat(KEPT_NOTE_MAX) },
        errors: { nrmReference: 'Give the NRM referral reference.', actionNote: 'Keep the note to 500 characters.' },
        canResend: true,
      },
    }),
  'lead card (refused on a closed concern)': () =>
    leadCard(
      { ...fixtureConcern(), status: 'closed', outcome: 'noFurtherAction' },
      {
        timeZone: TZ,
        events,
        refreshUserIds: [],
        notice: 'This concern is closed.',
        form: { command: 'reroute', values: { group: 'health', rerouteNote: 'Moved *back*' }, errors: {}, canResend: false },
      },
    ),
  'lead card (confirm close)': () =>
    leadCard(fixtureConcern(), {
      timeZone: TZ,
      events,
      refreshUserIds: [],
      confirm: { command: 'close', values: { outcome: 'noFurtherAction', closeNote: 'See [file](http://x.example)' }, errors: {}, canResend: true },
    }),
  'lead card (rerouted, notes in the history)': () =>
    leadCard(reroutedConcern(), { timeZone: TZ, events: eventsWithNotes(3, 'Spoke to DS *Khan*, see http://x.example'), refreshUserIds: [] }),
  'lead card (every note at its limit, in three-byte characters)': () =>
    leadCard(fixtureConcern({ observed: '観'.repeat(LIMITS.observed) }), {
      timeZone: TZ,
      events: eventsWithNotes(30, '*観'.repeat(LEAD_LIMITS.note / 2)),
      refreshUserIds: Array.from({ length: 60 }, (_, i) => `29:${i}`),
    }),
  'channel notice': () => channelNoticeCard(fixtureConcern(), 'housing'),
  'channel notice (transition)': () => channelNoticeCard(fixtureConcern({ ageBand: 'unknown', possiblyChild: 'true', consent: '' }), 'transition'),
  'my concerns': () => myConcernsCard([fixtureConcern(), fixtureConcern()], 'Europe/London'),
  'open concerns': () =>
    openConcernsCard(
      Array.from({ length: 60 }, (_, i) =>
        i % 2 ? { ...fixtureConcern(), status: 'acknowledged' as const } : { ...fixtureConcern({ area: 'transition' }), group: 'transition' as const },
      ),
      'Europe/London',
    ),
  'open concerns (none)': () => openConcernsCard([], 'Europe/London'),
  'my concerns (none)': () => myConcernsCard([], 'Europe/London'),
  welcome: () => welcomeCard('Alex', { modernSlaveryLead: true, coordinator: true, leadOf: ['housing'], memberOf: ['housing', 'health'] }),
  'welcome (staff)': () => welcomeCard('', { modernSlaveryLead: false, coordinator: false, leadOf: [], memberOf: [] }),
  'not understood (every role)': () => notUnderstoodCard({ modernSlaveryLead: true, coordinator: true, leadOf: ['housing'], memberOf: ['housing', 'health'] }),
  'not understood (group member)': () => notUnderstoodCard({ modernSlaveryLead: false, coordinator: false, leadOf: [], memberOf: ['health'] }),
  'channel welcome': () => channelWelcomeCard(),
  'channel not understood': () => channelWelcomeCard({ notUnderstood: true }),
  message: () => messageCard('Title', 'Text', 'attention'),
  'strategy draft (every section full)': () =>
    draftCard({ record: record('strategy'), latest: { info: version, content: { template: 'strategy', sections: fullStrategy } } }, { timeZone: TZ }),
  'strategy draft (refused save)': () =>
    draftCard(
      { record: record('strategy') },
      { timeZone: TZ, values: { pursue: 'x'.repeat(9000) }, errors: { pursue: 'Too long' }, notice: { text: 'Not saved', tone: 'attention' } },
    ),
  'pathway draft (full, with preview)': () =>
    draftCard({ record: record('pathway'), latest: { info: version, content: { template: 'pathway', text: longPathway } } }, { timeZone: TZ }),
  'pathway draft (at the byte limit, Japanese)': () =>
    draftCard({ record: record('pathway'), latest: { info: version, content: { template: 'pathway', text: japanesePathway } } }, { timeZone: TZ }),
  'pathway draft (saved, with its diagrams)': () => draftCard(pathwayDraft(savedPathway), { timeZone: TZ, diagrams: diagrams.saved }),
  'pathway draft (8,000 characters of flowcharts, diagrams where they fit)': () =>
    draftCard(pathwayDraft(fullOfFlowcharts), { timeZone: TZ, diagrams: diagrams.full }),
  'pathway draft (at the byte limit, Japanese, with a diagram that cannot fit)': () =>
    draftCard(pathwayDraft(japanesePathway), { timeZone: TZ, diagrams: [{ ...diagrams.saved[0]!, title: '流れ' }] }),
  'pathway draft (errors)': () =>
    draftCard(
      { record: record('pathway') },
      { timeZone: TZ, values: { flowcharts: 'x' }, pathwayErrors: Array.from({ length: 30 }, (_, i) => `problem ${i}`) },
    ),
  'pick group': () => pickGroupCard('pathway', ['housing', 'health']),
  history: () =>
    historyCard(
      {
        record: { ...record('strategy'), status: 'returned', comment: 'More *detail*', submittedVersion: 2, submittedBy: person },
        versions: Array.from({ length: 40 }, (_, i) => ({ ...version, version: 40 - i })),
        canSubmit: true,
      },
      historyContext,
    ),
  'history (empty)': () => historyCard({ record: record('pathway'), versions: [], canSubmit: false }, historyContext),
  'compare (every section rewritten)': () =>
    compareCard(
      {
        record: record('strategy'),
        from: version,
        to: { ...version, version: 2 },
        parts: STRATEGY_SECTIONS.map((s) => ({
          title: s.title,
          lines: diffLines(
            Array.from({ length: 20 }, (_, i) => `old line ${i} ${'o'.repeat(90)}`).join('\n'),
            Array.from({ length: 20 }, (_, i) => `new line ${i} ${'n'.repeat(90)}`).join('\n'),
          ),
        })),
      },
      TZ,
    ),
  compare: () =>
    compareCard(
      {
        record: record('strategy'),
        from: version,
        to: { ...version, version: 2 },
        parts: [{ title: 'Pursue', lines: diffLines('a\nb', 'a\nc\n[link](http://x)') }],
      },
      TZ,
    ),
  'dashboard (every status, late)': () =>
    dashboardCard(
      {
        protocol: { currentVersion: 2, needsRecollation: true, status: 'collated' },
        records: GROUP_IDS.flatMap((g, i) =>
          TEMPLATE_IDS.map((t, j) => ({
            ...record(t),
            group: g,
            status: (['notStarted', 'drafting', 'submitted', 'returned', 'accepted'] as const)[(i * 2 + j) % 5]!,
            submittedBy: person,
            submittedVersion: 3,
            lastChangeAt: '2027-06-01T10:00:00Z',
            lastChangeBy: person,
          })),
        ),
      },
      { now: new Date('2027-07-05T09:00:00Z'), deadline },
    ),
  dashboard: () =>
    dashboardCard(
      {
        protocol: { currentVersion: 0, needsRecollation: false, status: 'draft' },
        records: GROUP_IDS.flatMap((g) =>
          TEMPLATE_IDS.map((t) => ({
            ...record(t),
            group: g,
            status: 'submitted' as const,
            submittedBy: person,
            submittedVersion: 3,
            lastChangeAt: '2027-06-01T10:00:00Z',
            lastChangeBy: person,
          })),
        ),
      },
      { ...statusContext, notice: { text: 'Done', tone: 'good' }, selected: 'housing|strategy' },
    ),
  'group status': () => groupStatusCard('housing', [record('strategy'), { ...record('pathway'), status: 'returned', comment: 'Add NRPF' }], statusContext),
  'group status (accepted, late)': () =>
    groupStatusCard('housing', [{ ...record('strategy'), status: 'accepted', reviewedBy: person }, record('pathway')], {
      now: new Date('2027-07-05T09:00:00Z'),
      deadline,
    }),
  'submission (full strategy)': () =>
    submissionCard(
      {
        record: { ...record('strategy'), status: 'submitted', submittedVersion: 1, submittedBy: person },
        info: version,
        content: { template: 'strategy', sections: fullStrategy },
        canReview: true,
      },
      { timeZone: TZ },
    ),
  'confirm submit': () => confirmSubmitCard({ group: 'transition', template: 'pathway', version: '12', revision: '4' }),
  'confirm return (from the dashboard, longest comment)': () =>
    confirmReviewCard({
      group: 'housing',
      template: 'strategy',
      decision: 'return',
      version: '3',
      sent: { item: 'housing|strategy|7|3', from: 'dashboard', comment: '[x](http://y) *'.repeat(70) },
    }),
  'confirm accept (version not known)': () =>
    confirmReviewCard({ group: 'nrm', template: 'pathway', decision: 'accept', version: undefined, sent: { item: 'nrm|pathway', revision: 4 } }),
  reminder: () =>
    reminderMessage({ group: 'migration', template: 'pathway', step: 'late-2' }, { daysLeft: -5, status: 'returned', deadline: 'Friday 2 July 2027' }),
  'review (returned)': () => reviewMessage({ group: 'housing', template: 'strategy', decision: 'returned', version: 2, by: 'Cora', comment: '[x](http://y)' }),
  'review (submitted)': () => reviewMessage({ group: 'housing', template: 'strategy', decision: 'submitted', version: 2, by: 'Hana' }),
  escalation: () => escalationMessage(fixtureConcern({ immediateDanger: 'yes' }), { step: 'urgent-60m', after: '1 hour' }, TZ),
  'escalation digest (700 concerns)': () =>
    escalationDigestMessage(
      escalationDigest(
        Array.from({ length: 700 }, (_, i) => ({
          concernId: `c0000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
          reference: `MS-2027-${String(i + 1).padStart(6, '0')}`,
          step: i % 3 ? 'working-1d' : 'urgent-60m',
          after: i % 3 ? '1 working day' : '1 hour',
          urgent: i % 3 === 0,
          child: i % 2 === 0,
          raisedAt: new Date(Date.UTC(2027, 2, 1, 9, i)).toISOString(),
        })),
      ),
      TZ,
      true,
    ),
  'escalation digest (coordinator)': () =>
    escalationDigestMessage(
      escalationDigest(
        Array.from({ length: 30 }, (_, i) => ({
          concernId: `c0000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
          reference: `MS-2027-${String(i + 1).padStart(6, '0')}`,
          step: 'working-1d',
          after: '1 working day',
          urgent: false,
          child: false,
          raisedAt: new Date(Date.UTC(2027, 2, 1, 9, i)).toISOString(),
        })),
      ),
      TZ,
      false,
    ),
  undelivered: () => undeliveredMessage({ failedKind: 'leadCard', recipient: 'aad-lead', reason: '403', owner: 'c1' }, 'concern MS-2027-000001', 'Lee Lead'),
  'waiting (channel)': () => waitingMessage({ recipient: 'housing', waitingFor: 'link', count: 3, since: '2027-03-01T09:30:00.000Z' }, 'a recipient', TZ),
  'waiting (person, sorted)': () =>
    waitingMessage(
      { recipient: 'aad-x', waitingFor: 'install', count: 1, since: '2027-03-01T09:30:00.000Z', resolvedAt: '2027-03-02T09:30:00.000Z' },
      'Nia _New_',
      TZ,
    ),
};

describe('card templates', () => {
  for (const [name, build] of Object.entries(CARDS)) {
    it(`when the ${name} card is expanded, then the official Adaptive Cards parser accepts it as version 1.5 with no unbound data`, () => {
      assertTeamsCard(build());
    });
  }

  it('when an escalation digest lists 700 concerns, then it fits Teams: urgent ones first, children among them first, then how many more and where to see them', () => {
    const card = CARDS['escalation digest (700 concerns)']!();
    const text = visibleText(card);
    assert.ok(Buffer.byteLength(JSON.stringify(card)) <= MAX_CARD_BYTES);
    assert.match(text, /^700 concerns not acknowledged \(234 urgent\)\n/);
    assert.match(text, /\nMS-2027-000001\nUrgent, Child\n1 hour\n1 Mar 2027, 09:00\n/, 'the most pressing first');
    assert.match(text, /\nAnd 675 more: type "open concerns" to see every open concern\./);
    assertAbsent(card, /passport|Foleshill|Sam/);
  });

  it('when a coordinator gets an escalation digest, then it names the concerns but offers nothing they cannot open, and says who can see them all', () => {
    const card = CARDS['escalation digest (coordinator)']!();
    const text = visibleText(card);
    assert.match(text, /MS-2027-000001/);
    assert.match(text, /The Modern Slavery Lead and deputies see every open concern with "open concerns"\./);
    assert.doesNotMatch(JSON.stringify(card), /Open the concern|Concern to open/);
  });

  it('when user text with Markdown reaches the Lead card, then it is escaped and no link can form', () => {
    // What the card's Markdown renderer is given: the escapes are part of the text it shows literally.
    const card = CARDS['lead card (child, urgent)']!();
    const text = visibleText(card);
    assert.match(text, /\\\[boss\\\]/);
    assert.match(text, /\\\*all\\\*/);
    assert.match(factsOf(card).Raised ?? '', /by Sam \\_Staff\\_$/);
  });

  it('when a concern was rerouted, then the Group fact says from where, by whom and when, with the name escaped', () => {
    assert.equal(
      factsOf(CARDS['lead card (rerouted, notes in the history)']!()).Group,
      'Enforcement (rerouted from Housing by Lee \\_Lead\\_ on 3 Mar 2027, 10:02)',
    );
  });

  it('when the history holds Lead notes, then each shows under its entry, escaped so no link or emphasis can form', () => {
    const text = visibleText(CARDS['lead card (rerouted, notes in the history)']!());
    assert.match(text, /Police informed \(Lee Lead\)\nNote: 3: Spoke to DS \\\*Khan\\\*, see http\u200B:/);
  });

  it('when every note in a long history is at its limit, then the card still fits and says how many older entries it leaves out', () => {
    const text = visibleText(CARDS['lead card (every note at its limit, in three-byte characters)']!());
    assert.match(text, /\d+ earlier entries are not shown here\./);
    assert.match(text, /30: /, 'the newest entry is shown');
  });

  it('when a refused form is on the card, then its button is in the form and the same form is not offered again behind a button', () => {
    const card = CARDS['lead card (refused action, inputs kept)']!();
    assert.deepEqual(actionTitles(card), ['Reroute', 'Close']);
    assert.equal(inputValue(card, 'action'), 'nrmReferral');
    assert.equal(findAction(card, 'Record').type, 'Action.Execute');
  });

  it('when a close waits for confirmation, then the card asks with the reference and outcome and the note escaped, and offers Close no more until it is answered', () => {
    const card = CARDS['lead card (confirm close)']!();
    const text = visibleText(card);
    assert.match(text, /Close MS-2027-000123 as No further action possible\? This cannot be undone\./);
    assert.match(text, /Note for the history: See \\\[file\\\]\(http\u200B:/);
    assert.deepEqual(actionTitles(card), ['Record an action', 'Reroute']);
    assert.deepEqual(findAction(card, 'Confirm').data, {
      verb: 'concern.close',
      concernId: (findAction(card, 'Cancel').data as { concernId: string }).concernId,
      revision: 3,
      outcome: 'noFurtherAction',
      closeNote: 'See [file](http://x.example)',
      confirmed: true,
    });
  });

  it('when more than 60 Leads could refresh a card, then only 60 are listed (the Teams limit)', () => {
    const card = CARDS['lead card (closed)']!() as { refresh: { userIds: string[] } };
    assert.equal(card.refresh.userIds.length, 60);
  });

  it('when a coordinator is asked to confirm a return, then the question names the version and the comment is shown escaped, and Confirm carries what was sent', () => {
    const card = CARDS['confirm return (from the dashboard, longest comment)']!();
    assert.match(visibleText(card), /^Return version 3 of the Housing Strategy with your comment\?\n.*\nYour comment\n\\\[x\\\]/);
    const confirm = findAction(card, 'Confirm');
    assert.equal(confirm.verb, 'template.return');
    assert.deepEqual(confirm.data, { verb: 'template.return', item: 'housing|strategy|7|3', from: 'dashboard', comment: '[x](http://y) *'.repeat(70) });
    assert.deepEqual(findAction(card, 'Cancel').data, { verb: 'status.show', item: 'housing|strategy' });
    assert.equal(textsOf(CARDS['confirm accept (version not known)']!())[0], 'Accept the NRM Referrals Pathway?');
  });

  it('when a saved Pathway is drawn, then the card shows each flowchart as an image with words for screen readers, and the steps in words below', () => {
    const card = CARDS['pathway draft (saved, with its diagrams)']!();
    const images = elements(card).filter((e) => e.type === 'Image');
    assert.deepEqual(
      images.map((i) => i.altText),
      ['Housing officer identifies a concern: diagram; the steps are listed below.', 'Children: diagram; the steps are listed below.'],
    );
    assert.ok(images.every((i) => /^data:image\/png;base64,/.test(i.url as string)));
    const text = visibleText(card);
    assert.match(
      text,
      /As saved\nHousing officer identifies a concern\n.*\nChildren\n.*\nThe same steps in words\nHousing officer identifies a concern\n1\\\. Housing officer/s,
    );
    assert.doesNotMatch(text, /too large to show here/);
  });

  it('when a full 8,000-character Pathway is saved, then the card stays under the limit: the diagrams that do not fit are named as too large, and every step is still in words', () => {
    const card = CARDS['pathway draft (8,000 characters of flowcharts, diagrams where they fit)']!();
    assert.ok(Buffer.byteLength(JSON.stringify(card)) < MAX_CARD_BYTES);
    const shown = elements(card).filter((e) => e.type === 'Image').length;
    assert.ok(shown < diagrams.full.length || diagrams.full.length < fullOfFlowcharts.split('##').length - 1, 'not every flowchart is drawn');
    assert.match(
      visibleText(card),
      /The diagrams of "Flowchart \d+", "Flowchart \d+", "Flowchart \d+" and \d+ more are too large to show here; they will be in the collated Pathways document\./,
    );
    assert.equal(inputValue(card, 'flowcharts'), fullOfFlowcharts, 'the text to edit is whole');

    const japanese = CARDS['pathway draft (at the byte limit, Japanese, with a diagram that cannot fit)']!();
    assert.equal(elements(japanese).filter((e) => e.type === 'Image').length, 0);
    assert.match(
      visibleText(japanese),
      /The diagram of "流れ" is too large to show here; it will be in the collated Pathways document\. Its steps are listed below\./,
    );
  });

  it('when a channel notice is made, then it carries no observed text and no place', () => {
    assertAbsent(CARDS['channel notice']!(), /passports|Foleshill/);
  });
});

/** The cards this part of the bot owns: the protocol's status, draft and version cards, and the open concerns list. */
const READABLE = Object.entries(CARDS).filter(([name]) =>
  /^(open concerns|escalation digest|strategy draft|pathway draft|pick group|history|compare|dashboard|group status|submission|confirm)/.test(name),
);

type Json = Record<string, any>;
/** Every element, action and inline of a card (anything with a type), however deep. */
function elements(node: unknown, found: Json[] = []): Json[] {
  if (Array.isArray(node)) node.forEach((n) => elements(n, found));
  else if (node && typeof node === 'object') {
    const json = node as Json;
    if (typeof json.type === 'string') found.push(json);
    Object.values(json).forEach((v) => elements(v, found));
  }
  return found;
}

/**
 * A chat in Teams on a laptop gives a card about 450-600 px; at the narrow end a Table is about
 * 418 px wide (the card's padding taken off) and each cell keeps about 16 px of padding. A word in
 * 14 px Segoe UI takes up to about 8 px a character (bold; measured in the Agents Playground, where
 * "Submitte" took 66 px), so a word needs about 8 px a character in its column or it is broken.
 */
const TABLE_PX = 418;
const CELL_PADDING_PX = 16;
const PX_PER_CHARACTER = 8;

describe('cards people can read', () => {
  for (const [name, build] of READABLE) {
    it(`when the ${name} card shows a Table, then every word fits its column in a Teams chat 450 px wide`, () => {
      for (const table of elements(build()).filter((e) => e.type === 'Table')) {
        const weights = (table.columns as Json[]).map((c) => Number(c.width));
        assert.ok(
          weights.every((w) => w > 0),
          'columns have weights',
        );
        const total = weights.reduce((a, b) => a + b, 0);
        for (const row of table.rows as Json[])
          (row.cells as Json[]).forEach((cell, i) => {
            const room = (weights[i]! / total) * TABLE_PX - CELL_PADDING_PX;
            for (const block of elements(cell).filter((e) => e.type === 'TextBlock'))
              for (const word of String(block.text).replace(/\\(.)/g, '$1').split(/\s+/))
                assert.ok(
                  word.length * PX_PER_CHARACTER <= room,
                  `"${word}" needs ${word.length * PX_PER_CHARACTER} px; its column has ${Math.round(room)} px`,
                );
          });
      }
    });

    it(`when the ${name} card is shown, then no text is coloured Good, Warning or Accent (they fail WCAG AA contrast on white)`, () => {
      for (const element of elements(build()))
        if (['TextBlock', 'TextRun'].includes(element.type as string) && element.color !== undefined)
          assert.ok(['Default', 'Attention'].includes(element.color as string), `${element.type} "${element.text}" is coloured ${element.color}`);
    });
  }
});
