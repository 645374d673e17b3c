import assert from 'node:assert/strict';
import { figuresAnswerCard, figuresFormCard, FIGURES_CARD_ROWS } from '../../src/cards/figuresCards.js';
import type { Card } from '../../src/cards/renderCard.js';
import { describeBasis, describeQuestion, encodeQuestion } from '../../src/domain/figureQuestions.js';
import { answerQuestion, DIMENSIONS, type FigureQuestion, type IndexedRow } from '../../src/domain/figures.js';
import { financialYearPeriod } from '../../src/domain/figurePeriods.js';
import { COUNTRIES } from '../../src/domain/nationalities.js';
import { suppress } from '../../src/domain/suppression.js';
import { assertTeamsCard } from '../support/adaptiveCards.js';
import { actionsOf, choiceValues, inputValue, tableRows, visibleText } from '../support/cards.js';

const TZ = 'Europe/London';
const ETHNICITY_KEYS = ['indian', 'pakistani', 'african', 'british', 'otherWhite', 'roma', 'arab'] as const;

/** 600 concerns spread over 60 nationalities, both genders, several ethnicities and ages. */
const rows: IndexedRow[] = Array.from({ length: 600 }, (_, i) => ({
  raisedAt: '2027-05-01T10:00:00Z',
  raisedOn: '2027-05-01',
  status: 'new',
  group: 'housing',
  ageBand: i % 3 ? 'under16' : '18-25',
  child: i % 3 !== 0,
  types: i % 2 ? ['sexual'] : ['labour', 'criminal'],
  ageYears: i % 25,
  gender: i % 2 ? 'female' : 'male',
  nationality: COUNTRIES[i % 60]!.code,
  ethnicity: ETHNICITY_KEYS[i % ETHNICITY_KEYS.length],
  outcomes: i % 4 ? {} : { jointInvestigationInterview: { date: '2027-05-03' } },
}));

function answerFor(question: FigureQuestion, counted: IndexedRow[] = rows) {
  return {
    question,
    encoded: encodeQuestion(question),
    title: describeQuestion(question),
    basis: describeBasis(question.basis),
    asOf: '2027-06-01T09:00:00Z',
    tables: answerQuestion(counted, question).map((t) => ({
      rowsName: DIMENSIONS[t.spec.rows].label,
      columnsName: t.spec.columns ? DIMENSIONS[t.spec.columns].label : undefined,
      rowLabels: t.rowLabels,
      columnLabels: t.columnLabels,
      figures: suppress(t.counts),
    })),
  };
}
const ask = (tables: FigureQuestion['tables'], overrides: Partial<FigureQuestion> = {}): FigureQuestion => ({
  period: financialYearPeriod(2027),
  basis: 'raised',
  who: 'all',
  tables,
  ...overrides,
});

const CARDS: Record<string, () => Card> = {
  'figures form': () => figuresFormCard('2027-05-20'),
  'figures form (problems, answers kept)': () =>
    figuresFormCard('2027-05-20', {
      values: { period: 'range', from: '2027-05-01', to: '2027-04-01', rows: 'gender', columns: 'gender' },
      errors: { from: 'Wrong way round', columns: 'Same' },
    }),
  'answer: age band by exploitation type': () => figuresAnswerCard(answerFor(ask([{ rows: 'ageBand', columns: 'exploitation' }])), TZ),
  'answer: 60 nationalities by gender': () => figuresAnswerCard(answerFor(ask([{ rows: 'nationality', columns: 'gender' }])), TZ),
  'answer: 60 nationalities by exploitation type (the widest a card shows)': () =>
    figuresAnswerCard(answerFor(ask([{ rows: 'nationality', columns: 'exploitation' }])), TZ),
  'answer: age in years by ethnicity (too many columns)': () => figuresAnswerCard(answerFor(ask([{ rows: 'ageYears', columns: 'ethnicity' }])), TZ),
  'answer: two tables (a preset)': () =>
    figuresAnswerCard(answerFor(ask([{ rows: 'ageYears' }, { rows: 'ethnicity' }], { who: 'children', type: 'sexual' })), TZ),
};

describe('figures cards', () => {
  for (const [name, build] of Object.entries(CARDS)) {
    it(`when the ${name} card is expanded, then the official Adaptive Cards parser accepts it as version 1.5 with no unbound data, under the size limit`, () => {
      assertTeamsCard(build());
    });
  }

  it('when the form is shown, then it has the three presets, the periods with a range, the dimensions for rows and optional columns, and this financial year chosen', () => {
    const card = figuresFormCard('2027-05-20');
    assert.deepEqual(
      actionsOf(card).map((a) => a.title),
      [
        'Children who had a joint investigation interview since a date',
        'Children with sexual exploitation concerns this quarter, by age and by ethnicity',
        'Adult concerns and NRM referrals, by financial year',
        'Show figures',
      ],
    );
    assert.equal(inputValue(card, 'period'), 'fy:2027');
    assert.equal(inputValue(card, 'since'), '2027-04-01');
    assert.ok(choiceValues(card, 'period').includes('range'));
    assert.deepEqual(choiceValues(card, 'columns').slice(0, 3), ['none', 'ageBand', 'ageYears']);
    assert.ok(choiceValues(card, 'rows').includes('jointInvestigationInterview'));
  });

  it('when a table has more rows than the card holds, then the card shows the first ones with the total and says the CSV has the rest', () => {
    const card = figuresAnswerCard(answerFor(ask([{ rows: 'nationality' }])), TZ);
    const table = tableRows(card);
    assert.equal(table.length, 1 + FIGURES_CARD_ROWS + 1, 'a header, the rows shown, the total');
    assert.deepEqual(table.at(-1), ['Total', '600']);
    assert.match(visibleText(card), /36 more rows are in the CSV \(the total counts them all\)\./);
  });

  it('when a two-way table has more columns than a card can show, then the card shows the rows with their totals and says the whole table is in the CSV', () => {
    const card = figuresAnswerCard(answerFor(ask([{ rows: 'ageBand', columns: 'ethnicity' }])), TZ);
    assert.deepEqual(tableRows(card)[0], ['Age band', 'Concerns']);
    assert.match(visibleText(card), /The 21 columns \(Ethnicity \(ONS 2021\)\) are too many for a Teams card/);
  });

  it('when a table has small counts, then the card shows <5 and [c] and states the suppression rule', () => {
    const card = figuresAnswerCard(answerFor(ask([{ rows: 'ageBand', columns: 'gender' }]), rows.slice(0, 13)), TZ);
    const text = visibleText(card);
    assert.match(text, /Counts of 1 to 4 are shown as <5\. \d+ further counts? (is|are) shown as \[c\]/);
    assert.deepEqual(tableRows(card)[0], ['Age band', 'Female', 'Male', 'Non-binary or another gender', 'Not known', 'Not recorded', 'Total']);
    assert.deepEqual(tableRows(card).at(-1), ['Total', '[c]', '[c]', '0', '0', '0', '13']);
    assert.match(text, /Read against: The period is read against the date each concern was raised \(UK time\)\./);
    assert.match(text, /Counted: Concerns: each concern is one potential victim/);
  });
});
