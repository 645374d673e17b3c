import assert from 'node:assert/strict';
import { caseDetailsCard } from '../../src/cards/caseDetailsCard.js';
import { leadCard } from '../../src/cards/leadCard.js';
import { legalHoldCard } from '../../src/cards/legalHoldCard.js';
import type { Card } from '../../src/cards/renderCard.js';
import { trailCard, type TrailEntry } from '../../src/cards/trailCard.js';
import { ETHNICITIES, type CaseDetails } from '../../src/domain/caseDetails.js';
import { CASE_FIELDS, caseFormValues } from '../../src/domain/caseDetailsForm.js';
import type { ConcernRecord } from '../../src/domain/concernRecord.js';
import { LIMITS } from '../../src/domain/concern.js';
import { LEGAL_HOLD_LIMITS } from '../../src/domain/legalHold.js';
import { assertTeamsCard } from '../support/adaptiveCards.js';
import { actionTitles, choiceTitles, choiceValues, factsOf, findAction, inputIds, inputValue, visibleText } from '../support/cards.js';
import { concernRecord } from '../support/records.js';

const TZ = 'Europe/London';

const details: CaseDetails = {
  ageYears: 17,
  gender: 'male',
  nationality: 'VN',
  ethnicity: 'otherAsian',
  outcomes: {
    nrmReferral: { date: '2027-03-02', reference: 'NRM_2027 [118]' },
    reasonableGrounds: { date: '2027-03-09', decision: 'positive' },
    jointInvestigationInterview: { date: '2027-03-03' },
  },
};

const held = (concern: ConcernRecord, reason = 'Police asked us to keep the file: see *Op Aurora*'): ConcernRecord => ({
  ...concern,
  legalHold: { reason, by: { aadObjectId: 'aad-lead', name: 'Lee _Lead_' }, at: '2027-03-04T10:02:00.000Z' },
});

/** An audit trail of `count` rows, each by someone with a long name. */
const trail = (count: number, who = 'Lee Lead'): TrailEntry[] =>
  Array.from({ length: count }, (_, i) => ({
    at: new Date(Date.UTC(2027, 2, 1, 9, 0) + i * 60_000).toISOString(),
    who,
    action: i % 3 ? 'concern.viewed' : 'concern.changed',
    outcome: i % 7 ? 'allowed' : 'refused',
    ...(i % 3 ? {} : { reason: 'actionRecorded' }),
  }));

const CARDS: Record<string, () => Card> = {
  'case details (empty)': () => caseDetailsCard(concernRecord(), { values: {} }),
  'case details (recorded)': () => caseDetailsCard(concernRecord({ caseDetails: details }), { values: caseFormValues(details) }),
  'case details (refused, every input kept, stale)': () =>
    caseDetailsCard(concernRecord({ caseDetails: details }), {
      values: Object.fromEntries(CASE_FIELDS.map((f) => [f, 'x'.repeat(100)])),
      errors: Object.fromEntries(CASE_FIELDS.map((f) => [f, 'Check this answer: '.repeat(4)])),
      notice: 'Not saved: someone changed the concern since this form was shown: Case details updated by Dana Second.',
    }),
  'legal hold (not on hold, reason kept)': () =>
    legalHoldCard(concernRecord(), { timeZone: TZ, reason: 'r'.repeat(1000), error: 'Keep the reason to 200 characters.' }),
  'legal hold (on hold)': () => legalHoldCard(held(concernRecord(), 'é'.repeat(LEGAL_HOLD_LIMITS.reason)), { timeZone: TZ, notice: 'Not saved.' }),
  'audit trail (short)': () => trailCard(concernRecord(), trail(3), TZ),
  'audit trail (long, long names)': () => trailCard(concernRecord(), trail(400, '名'.repeat(200)), TZ),
  'lead card (case details, legal hold)': () => leadCard(held(concernRecord({ caseDetails: details })), { timeZone: TZ, events: [], refreshUserIds: [] }),
  'lead card (closed, case details, legal hold, longest observed text)': () =>
    leadCard(held({ ...concernRecord({ caseDetails: details }), status: 'closed', outcome: 'nrmReferred' }, '観'.repeat(LEGAL_HOLD_LIMITS.reason)), {
      timeZone: TZ,
      events: [],
      refreshUserIds: Array.from({ length: 60 }, (_, i) => `29:${i}`),
    }),
};

describe('case details, legal hold and audit trail cards', () => {
  for (const [name, build] of Object.entries(CARDS)) {
    it(`when the ${name} card is expanded, then the official Adaptive Cards parser accepts it as version 1.5 with no unbound data`, () => {
      assertTeamsCard(build());
    });
  }

  it('when the case details form opens, then it asks for age, gender, a searchable nationality, an ethnic group by ONS heading and each dated outcome', () => {
    const card = CARDS['case details (empty)']!();
    assert.deepEqual(inputIds(card), [...CASE_FIELDS]);
    const nationalities = choiceTitles(card, 'nationality');
    assert.ok(nationalities.length > 240, `${nationalities.length} nationalities`);
    for (const name of ['United Kingdom', 'Vietnam', 'Albania', 'Eritrea', 'Kosovo', 'Stateless', 'Not known']) assert.ok(nationalities.includes(name), name);
    assert.ok(!nationalities.some((n) => /European Union|United Nations|Unknown Region|Pseudo/.test(n)), 'no unions or placeholders');
    assert.equal(new Set(choiceValues(card, 'nationality')).size, nationalities.length, 'no country twice (no aliases such as UK for GB)');
    const ethnicities = choiceTitles(card, 'ethnicity');
    assert.equal(ethnicities.length, Object.keys(ETHNICITIES).length + 2, 'the 19 ONS groups, Not known, and Not recorded');
    assert.ok(ethnicities.includes('Asian, Asian British or Asian Welsh: Indian'));
    assert.ok(ethnicities.includes('White: Roma'));
    const nationality = (card.body as { id?: string; style?: string }[]).find((e) => e.id === 'nationality');
    assert.equal(nationality?.style, 'filtered');
    assert.deepEqual(actionTitles(card), ['Save case details', 'Cancel']);
    assert.equal(findAction(card, 'Save case details').type, 'Action.Execute');
    assert.equal((findAction(card, 'Save case details').fallback as { type: string }).type, 'Action.Submit');
  });

  it('when details are recorded, then the Lead card shows them as facts, the NRM reference escaped, and the legal hold with its reason escaped', () => {
    const card = CARDS['lead card (case details, legal hold)']!();
    const facts = factsOf(card);
    assert.equal(facts.Age, '17 years');
    assert.equal(facts.Nationality, 'Vietnam');
    assert.equal(facts.Ethnicity, 'Any other Asian background (Asian, Asian British or Asian Welsh)');
    assert.equal(facts['NRM referral'], '2 Mar 2027 (reference NRM\\_2027 \\[118\\])');
    assert.equal(facts['Reasonable grounds decision'], '9 Mar 2027, positive');
    assert.match(visibleText(card), /On legal hold: Police asked us to keep the file: see \\\*Op Aurora\\\* \(set by Lee \\_Lead\\_ on 4 Mar 2027, 10:02\)/);
  });

  it('when the form comes back, then every input holds what was sent and a stale form shows what is recorded now', () => {
    const card = CARDS['case details (refused, every input kept, stale)']!();
    for (const field of CASE_FIELDS.filter((f) => f !== 'ageYears')) assert.equal(inputValue(card, field), 'x'.repeat(100), field);
    assert.match(visibleText(card), /Recorded now/);
    assert.equal(factsOf(card).Age, '17 years');
  });

  it('when a concern has a long audit trail, then the card shows the latest 50, newest first, and says how many more there are', () => {
    const text = visibleText(trailCard(concernRecord(), trail(120), TZ));
    assert.match(text, /120 entries in the audit log, newest first/);
    assert.match(text, /70 earlier entries are not shown here/);
    assert.ok(text.indexOf('1 Mar 2027, 10:59') < text.indexOf('1 Mar 2027, 10:58'), 'newest first');
    assert.match(visibleText(CARDS['audit trail (long, long names)']!()), /earlier entries are not shown here/);
  });

  it('when the longest observed text meets case details and a legal hold, then the Lead card still fits', () => {
    const card = leadCard(held(concernRecord({ caseDetails: details, intake: { ...concernRecord().intake, observed: '観'.repeat(LIMITS.observed) } })), {
      timeZone: TZ,
      events: [],
      refreshUserIds: [],
    });
    assertTeamsCard(card);
  });
});
