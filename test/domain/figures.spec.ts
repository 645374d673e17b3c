import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import { anonymisedRecord } from '../../src/domain/anonymisation.js';
import { localDate } from '../../src/domain/calendar.js';
import { auditReason, decodeQuestion, describeQuestion, encodeQuestion, parseFigureForm, presetQuestion } from '../../src/domain/figureQuestions.js';
import { answerQuestion, type FigureQuestion, type IndexedRow } from '../../src/domain/figures.js';
import { financialYearOf, financialYearPeriod, LocalDays, periodChoices, quarterOf, quarterPeriod, rangePeriod } from '../../src/domain/figurePeriods.js';
import { statisticsRow, type StatisticsRow } from '../../src/domain/statistics.js';
import { suppress } from '../../src/domain/suppression.js';
import { concernRecord } from '../support/records.js';

const TZ = 'Europe/London';

/** A projection row raised at an instant, read in UK time as the index reads it. */
function row(raisedAt: string, overrides: Partial<StatisticsRow> = {}): IndexedRow {
  const base: StatisticsRow = { raisedAt, status: 'new', group: 'housing', ageBand: '26plus', child: false, types: ['labour'], outcomes: {}, ...overrides };
  return { ...base, raisedOn: new LocalDays(TZ).dayOf(raisedAt) };
}

const question = (overrides: Partial<FigureQuestion> = {}): FigureQuestion => ({
  period: financialYearPeriod(2027),
  basis: 'raised',
  who: 'all',
  tables: [{ rows: 'ageBand' }],
  ...overrides,
});

describe('figures: periods, grouping and questions', () => {
  it('when a concern is raised in the first minute of 1 April in British Summer Time (23:00 UTC on 31 March), then it counts in the new financial year and not the old', () => {
    const lastOfOld = row('2027-03-31T22:59:59.000Z');
    const firstOfNew = row('2027-03-31T23:00:00.000Z');
    assert.equal(lastOfOld.raisedOn, '2027-03-31');
    assert.equal(firstOfNew.raisedOn, '2027-04-01');
    const total = (year: number) => answerQuestion([lastOfOld, firstOfNew], question({ period: financialYearPeriod(year) }))[0]!.counts.total;
    assert.equal(total(2026), 1);
    assert.equal(total(2027), 1);
  });

  it('when a financial year or quarter is named, then it runs 1 April to 31 March and April-June is Q1 and January-March Q4, leap days included', () => {
    assert.deepEqual([financialYearPeriod(2027).from, financialYearPeriod(2027).to], ['2027-04-01', '2028-03-31']);
    assert.match(financialYearPeriod(2027).label, /^financial year 2027-28 \(1 April 2027 to 31 March 2028\)$/);
    assert.deepEqual(
      ([1, 2, 3, 4] as const).map((q) => [quarterPeriod(2027, q).from, quarterPeriod(2027, q).to]),
      [
        ['2027-04-01', '2027-06-30'],
        ['2027-07-01', '2027-09-30'],
        ['2027-10-01', '2027-12-31'],
        ['2028-01-01', '2028-03-31'],
      ],
    );
    assert.deepEqual(quarterOf('2028-02-29'), { year: 2027, quarter: 4 });
    assert.deepEqual(quarterOf('2027-06-30'), { year: 2027, quarter: 1 });
    assert.deepEqual(quarterOf('2027-07-01'), { year: 2027, quarter: 2 });
    assert.equal(financialYearOf('2028-03-31'), 2027);
    assert.equal(financialYearOf('2028-04-01'), 2028);
  });

  it('when instants fall every quarter of an hour across both clock changes of a year, then the fast local day agrees with the time zone rules every time', () => {
    const days = new LocalDays(TZ);
    for (const [from, to] of [
      ['2027-03-27T20:00:00Z', '2027-03-28T04:00:00Z'],
      ['2027-10-30T20:00:00Z', '2027-10-31T04:00:00Z'],
      ['2027-06-30T21:00:00Z', '2027-07-01T01:00:00Z'],
    ] as const) {
      for (let t = DateTime.fromISO(from); t <= DateTime.fromISO(to); t = t.plus({ minutes: 15 })) {
        const iso = t.toUTC().toISO()!;
        assert.equal(days.dayOf(iso), localDate(new Date(iso), TZ), iso);
      }
    }
  });

  it('when concerns have several exploitation types, then each counts in every type it has but once in the total, and the rule says the rows can add up to more', () => {
    const rows = [row('2027-05-01T10:00:00Z', { types: ['sexual', 'criminal'] }), row('2027-05-02T10:00:00Z', { types: ['sexual'] })];
    const [table] = answerQuestion(rows, question({ tables: [{ rows: 'exploitation' }] }));
    const count = (key: string) => table!.counts.counts[table!.counts.rowKeys.indexOf(key)]![0];
    assert.equal(count('sexual'), 2);
    assert.equal(count('criminal'), 1);
    assert.equal(table!.counts.total, 2);
    assert.equal(table!.counts.rowsAdditive, false);
    assert.match(suppress(table!.counts).rule, /A concern can have more than one exploitation type, so these counts can add up to more than the total\./);
  });

  it('when a concern is projected, then it counts as a child when treated as one at intake or when the recorded age is under 18', () => {
    const raisedAsChild = concernRecord({ treatedAsChild: true });
    const agedSeventeen = concernRecord({ caseDetails: { ageYears: 17, outcomes: {} } });
    const adult = concernRecord({ caseDetails: { ageYears: 30, outcomes: {} } });
    assert.deepEqual(
      [raisedAsChild, agedSeventeen, adult].map((r) => statisticsRow(r).child),
      [true, true, false],
    );
  });

  it('when a concern is projected for figures, then nothing typed, no place, no name and no reference is in its row', () => {
    const record = concernRecord({
      reporter: { aadObjectId: 'aad-staff', name: 'Sam Staffname' },
      handledBy: { aadObjectId: 'aad-lead', name: 'Lee Leadname' },
      actions: [{ action: 'nrmReferral', reference: 'NRM-REF-4471', by: { aadObjectId: 'aad-lead', name: 'Lee Leadname' }, at: '2027-05-01T09:00:00Z' }],
      caseDetails: { ageYears: 15, nationality: 'GB', outcomes: { nrmReferral: { date: '2027-05-01', reference: 'NRM-REF-4471' } } },
    });
    const json = JSON.stringify(statisticsRow(record));
    for (const secret of ['Foleshill', 'passport', 'Sam', 'Lee', 'NRM-REF-4471', record.reference, record.id, 'aad-'])
      assert.ok(!json.includes(secret), secret);
    assert.deepEqual(statisticsRow(record).outcomes, { nrmReferral: { date: '2027-05-01' } });
  });

  it('when a concern is anonymised by the retention pass, then its projection is unchanged, so the figures survive anonymisation', () => {
    const record = concernRecord({
      treatedAsChild: true,
      status: 'closed',
      caseDetails: {
        ageYears: 15,
        gender: 'male',
        nationality: 'AL',
        ethnicity: 'anyOther',
        outcomes: { nrmReferral: { date: '2027-05-01', reference: 'NRM-9' } },
      },
    });
    assert.deepEqual(statisticsRow(anonymisedRecord(record, new Date('2033-06-01T00:00:00Z'))), statisticsRow(record));
  });

  it('when a question is carried on the export button and read back, then it is the same question; a changed one is not accepted', () => {
    const asked = question({
      who: 'children',
      type: 'sexual',
      basis: 'jointInvestigationInterview',
      tables: [{ rows: 'ageYears' }, { rows: 'ethnicity', columns: 'gender' }],
    });
    assert.deepEqual(decodeQuestion(encodeQuestion(asked), '2027-06-01'), asked);
    const range = question({ period: rangePeriod('2018-04-01', '2027-05-12') });
    assert.deepEqual(decodeQuestion(encodeQuestion(range), '2027-06-01'), range);
    for (const changed of [
      { ...encodeQuestion(asked), tables: 'ageBand*observed' },
      { ...encodeQuestion(asked), period: 'fy:9999' },
      { ...encodeQuestion(asked), who: 'everyone' },
      { ...encodeQuestion(asked), period: 'range:2027-05-01:2027-04-01' },
    ])
      assert.equal(decodeQuestion(changed, '2027-06-01'), undefined, JSON.stringify(changed));
  });

  it('when the form is sent with dates the wrong way round or the same dimension twice, then each problem is named against its input', () => {
    const result = parseFigureForm({ period: 'range', from: '2027-05-01', to: '2027-04-01', rows: 'gender', columns: 'gender' }, '2027-06-01');
    assert.ok(!result.ok);
    assert.deepEqual(result.errors, { from: 'The first date is after the second.', columns: 'Choose something other than the rows, or none.' });
    const fine = parseFigureForm({ period: 'q:2027:1', rows: 'exploitation', columns: 'none', who: 'children', type: 'any', basis: 'raised' }, '2027-06-01');
    assert.ok(fine.ok);
    assert.equal(describeQuestion(fine.question), 'Concerns about children raised in Q1 of 2027-28 (1 April 2027 to 30 June 2027), by exploitation type');
    assert.equal(auditReason(fine.question), 'exploitation; who children; raised 2027-04-01..2027-06-30');
  });

  it('when the form lists periods, then it offers this financial year and five before, this quarter and seven before, and a range', () => {
    const titles = periodChoices('2027-05-20').map((c) => c.title);
    assert.deepEqual(titles.slice(0, 2), ['Financial year 2027-28 (so far)', 'Financial year 2026-27']);
    assert.equal(titles[5], 'Financial year 2022-23');
    assert.deepEqual(titles.slice(6, 8), ['Q1 of 2027-28 (so far)', 'Q4 of 2026-27']);
    assert.equal(titles[13], 'Q2 of 2025-26');
    assert.equal(titles.at(-1), 'Between the dates below');
  });

  it('when a preset is chosen, then it asks its question: interviews since a date read on the interview date, this quarter, every financial year since the first concern', () => {
    const interviewed = presetQuestion('childrenInterviewed', { today: '2027-05-20', since: '2018-04-01' });
    assert.ok(!('error' in interviewed));
    assert.deepEqual(
      [interviewed.period.from, interviewed.period.to, interviewed.basis, interviewed.who],
      ['2018-04-01', '2027-05-20', 'jointInvestigationInterview', 'children'],
    );
    assert.deepEqual(presetQuestion('childrenInterviewed', { today: '2027-05-20', since: '2027-06-01' }), { error: 'The date is after today.' });
    const quarter = presetQuestion('childSexualExploitation', { today: '2027-05-20' });
    assert.ok(!('error' in quarter));
    assert.deepEqual([quarter.period.code, quarter.type, quarter.tables], ['q:2027:1', 'sexual', [{ rows: 'ageYears' }, { rows: 'ethnicity' }]]);
    const years = presetQuestion('adultNrmByYear', { today: '2027-05-20', earliestRaisedOn: '2025-03-02' });
    assert.ok(!('error' in years));
    assert.deepEqual([years.period.from, years.period.to, years.tables], ['2024-04-01', '2028-03-31', [{ rows: 'financialYear', columns: 'nrmReferral' }]]);
  });
});
