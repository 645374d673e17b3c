import assert from 'node:assert/strict';
import { tableClientFor } from '../../src/storage/tables.js';
import { randomUUID } from 'node:crypto';
import { TableClient } from '@azure/data-tables';
import type { CaseDetails } from '../../src/domain/caseDetails.js';
import { concernEvent, type ConcernRecord } from '../../src/domain/concernRecord.js';
import { presetQuestion } from '../../src/domain/figureQuestions.js';
import {
  answerQuestion,
  countedRows,
  MAX_CROSS_CELLS,
  MAX_CROSS_ROWS,
  type FigureQuestion,
  type FigureTable,
  type IndexedRow,
} from '../../src/domain/figures.js';
import { COUNTRIES } from '../../src/domain/nationalities.js';
import { financialYearPeriod, LocalDays, quarterPeriod } from '../../src/domain/figurePeriods.js';
import { statisticsRow } from '../../src/domain/statistics.js';
import { ConcernService } from '../../src/services/concernService.js';
import { Directory } from '../../src/services/directory.js';
import { FiguresService } from '../../src/services/figuresService.js';
import { StatisticsIndex } from '../../src/services/statisticsIndex.js';
import { AuditLog } from '../../src/storage/auditLog.js';
import { ConcernStore } from '../../src/storage/concernStore.js';
import { CounterStore } from '../../src/storage/counterStore.js';
import { StatisticsStore } from '../../src/storage/statisticsStore.js';
import { usingAzurite } from '../support/azurite.js';
import { validIntake } from '../support/harness.js';
import { PEOPLE, testProtocol } from '../support/people.js';

const TZ = 'Europe/London';
const TODAY = '2027-11-15';
const lead = { aadObjectId: PEOPLE.lead.aadObjectId, name: PEOPLE.lead.name };
const staff = { aadObjectId: PEOPLE.staff.aadObjectId, name: PEOPLE.staff.name };

/** Raw counts of a table as { row: { column: n } }, zero cells left out, with the total. */
function countsOf(table: FigureTable): { cells: Record<string, Record<string, number>>; total: number } {
  const cells: Record<string, Record<string, number>> = {};
  table.counts.rowKeys.forEach((r, i) =>
    table.counts.columnKeys.forEach((c, j) => {
      const n = table.counts.counts[i]![j]!;
      if (n) (cells[r] ??= {})[c] = n;
    }),
  );
  return { cells, total: table.counts.total };
}

describe('figures over concerns in Azurite: presets, the projection and its index', function () {
  this.timeout(120_000);
  const world = usingAzurite();
  let now = new Date(`${TODAY}T12:00:00Z`);
  const clock = { now: () => now };
  let table: TableClient;
  let concerns: ConcernStore;
  let service: ConcernService;
  let store: StatisticsStore;
  let index: StatisticsIndex;
  let figures: FiguresService;
  let audit: AuditLog;

  /** Raises a concern at an instant through the service, as a reporter would; returns its id. */
  async function raise(at: string, intake: Record<string, unknown>): Promise<string> {
    now = new Date(at);
    const result = await service.raise(staff, randomUUID(), validIntake(intake));
    assert.equal(result.kind, 'created');
    now = new Date(`${TODAY}T12:00:00Z`);
    return (result as { concern: ConcernRecord }).concern.id;
  }

  /** Records case details as the Lead's card does: the next revision, through the store, in the concern's transaction. */
  async function recordDetails(id: string, details: Partial<CaseDetails>): Promise<void> {
    const loaded = (await concerns.get(id))!;
    const previous = loaded.record.caseDetails ?? { outcomes: {} };
    const caseDetails: CaseDetails = { ...previous, ...details, outcomes: { ...previous.outcomes, ...details.outcomes } };
    const updated: ConcernRecord = { ...loaded.record, caseDetails, revision: loaded.record.revision + 1, updatedAt: now.toISOString() };
    const event = concernEvent(updated, 'actionRecorded', lead, now, 'Case details updated');
    await concerns.update(updated, loaded.etag, event, [], {
      eventId: randomUUID(),
      event: { at: now.toISOString(), actorId: lead.aadObjectId, action: 'concern.changed', concernId: id, outcome: 'allowed' },
    });
  }

  const times = async (n: number, work: (i: number) => Promise<void>) => {
    for (let i = 0; i < n; i++) await work(i);
  };

  before(async () => {
    // Tables of its own: the shared emulator's concerns table holds other specs' concerns (they would be counted),
    // and other specs count the rows of its audit table.
    const own = async (name: string) => {
      const client = tableClientFor(world.connectionString, `${name}${randomUUID().replace(/-/g, '').slice(0, 12)}`);
      await client.createTable();
      return client;
    };
    table = await own('figures');
    concerns = new ConcernStore(table);
    audit = new AuditLog(await own('figuresaudit'));
    const directory = new Directory(testProtocol());
    service = new ConcernService({
      concerns,
      counters: new CounterStore(await own('figurescounters')),
      leadRefreshIds: () => Promise.resolve([]),
      audit,
      directory,
      timeZone: TZ,
      clock,
      outboxWritten: () => undefined,
    });
    store = new StatisticsStore(table);
    index = new StatisticsIndex({ store, timeZone: TZ });
    figures = new FiguresService({ index, audit, directory, clock, timeZone: TZ });

    // Children with joint investigation interviews (labour): 6 under 16 (one interviewed on 1 April 2018 exactly),
    // 5 aged 16-17, 5 with an adult band but possibly children; not counted: one interviewed the day before,
    // two adults interviewed, one child never interviewed.
    await times(6, async (i) => {
      const id = await raise(i === 0 ? '2018-03-20T10:00:00Z' : `2019-05-0${i}T10:00:00Z`, { ageBand: 'under16', consent: '' });
      await recordDetails(id, { outcomes: { jointInvestigationInterview: { date: i === 0 ? '2018-04-01' : '2019-06-01' } } });
    });
    await times(5, async () =>
      recordDetails(await raise('2027-04-10T10:00:00Z', { ageBand: '16-17', consent: '' }), {
        outcomes: { jointInvestigationInterview: { date: '2027-04-20' } },
      }),
    );
    await times(5, async () =>
      recordDetails(await raise('2027-10-05T10:00:00Z', { ageBand: '18-25', possiblyChild: 'true', consent: '' }), {
        outcomes: { jointInvestigationInterview: { date: '2027-10-06' } },
      }),
    );
    await recordDetails(await raise('2018-03-01T10:00:00Z', { ageBand: 'under16', consent: '' }), {
      outcomes: { jointInvestigationInterview: { date: '2018-03-31' } },
    });
    await times(2, async () => recordDetails(await raise('2020-01-01T10:00:00Z', {}), { outcomes: { jointInvestigationInterview: { date: '2020-01-02' } } }));
    await raise('2027-04-11T10:00:00Z', { ageBand: 'under16', consent: '' });

    // Children with sexual exploitation: 5 aged 14 (White British) raised at 00:30 BST on 1 October, the quarter's
    // first half hour; 5 aged 15 (African) also criminal; not this quarter: one raised at 23:30 BST on 30 September;
    // not children: two adults; not sexual: one child.
    await times(5, async () =>
      recordDetails(await raise('2027-09-30T23:30:00Z', { ageBand: 'under16', exploitation: 'sexual', consent: '' }), { ageYears: 14, ethnicity: 'british' }),
    );
    await times(5, async () =>
      recordDetails(await raise('2027-11-01T12:00:00Z', { ageBand: 'under16', exploitation: 'sexual,criminal', consent: '' }), {
        ageYears: 15,
        ethnicity: 'african',
      }),
    );
    await recordDetails(await raise('2027-09-30T22:30:00Z', { ageBand: 'under16', exploitation: 'sexual', consent: '' }), {
      ageYears: 14,
      ethnicity: 'british',
    });
    await times(2, async () => void (await raise('2027-10-20T10:00:00Z', { ageBand: '18-25', exploitation: 'sexual' })));
    await raise('2027-10-21T10:00:00Z', { ageBand: 'under16', consent: '' });

    // Adults: 5 raised in 2025-26 and referred into the NRM, 6 raised in 2026-27 and not.
    await times(5, async () =>
      recordDetails(await raise('2025-06-01T10:00:00Z', {}), { outcomes: { nrmReferral: { date: '2025-06-10', reference: 'NRM-1' } } }),
    );
    await times(6, async () => void (await raise('2026-06-01T10:00:00Z', {})));
  });

  it('when the preset "children who had a joint investigation interview since 1 April 2018" is asked, then it counts the 16 children interviewed from that date, by age band, read on the interview date', async () => {
    const question = presetQuestion('childrenInterviewed', { today: TODAY, since: '2018-04-01' }) as FigureQuestion;
    const [table] = answerQuestion((await index.current()).rows, question);
    assert.deepEqual(countsOf(table!), { cells: { under16: { concerns: 6 }, '16-17': { concerns: 5 }, '18-25': { concerns: 5 } }, total: 16 });
    const result = await figures.preset(lead, 'childrenInterviewed', { since: '2018-04-01' });
    assert.ok(result.kind === 'answer');
    assert.deepEqual(result.answer.tables[0]!.figures.cells, [[6], [5], [5], [0], [0]], 'every count 5 or more: shown as counted');
    assert.equal(result.answer.tables[0]!.figures.total, 16);
    assert.match(result.answer.basis, /date of each concern's joint investigation interview/);
  });

  it('when the preset "children with sexual exploitation this quarter, by age and by ethnicity" is asked, then the 10 children raised from the first half hour of 1 October (BST) are counted in both tables', async () => {
    now = new Date(`${TODAY}T12:00:00Z`);
    const result = await figures.preset(lead, 'childSexualExploitation', {});
    assert.ok(result.kind === 'answer');
    assert.equal(result.answer.question.period.code, quarterPeriod(2027, 3).code);
    const [byAge, byEthnicity] = answerQuestion((await index.current()).rows, result.answer.question);
    assert.deepEqual(countsOf(byAge!), { cells: { '14': { concerns: 5 }, '15': { concerns: 5 } }, total: 10 });
    assert.deepEqual(countsOf(byEthnicity!), { cells: { british: { concerns: 5 }, african: { concerns: 5 } }, total: 10 });
    assert.deepEqual(
      result.answer.tables.map((t) => t.figures.total),
      [10, 10],
    );
  });

  it('when the preset "adult concerns and NRM referrals by financial year" is asked, then each year since the first concern has its adults, split by NRM referral', async () => {
    const result = await figures.preset(lead, 'adultNrmByYear', {});
    assert.ok(result.kind === 'answer');
    const [table] = answerQuestion((await index.current()).rows, result.answer.question);
    assert.deepEqual(table!.rowLabels, [
      '2017-18',
      '2018-19',
      '2019-20',
      '2020-21',
      '2021-22',
      '2022-23',
      '2023-24',
      '2024-25',
      '2025-26',
      '2026-27',
      '2027-28',
    ]);
    assert.deepEqual(countsOf(table!), {
      cells: { '2019': { notRecorded: 2 }, '2025': { recorded: 5 }, '2026': { notRecorded: 6 }, '2027': { notRecorded: 2 } },
      total: 15,
    });
    const shown = result.answer.tables[0]!.figures;
    assert.deepEqual([shown.cells[2], shown.cells[8], shown.total], [[0, '<5'], [5, 0], 15]);
  });

  it('when children are counted by exploitation type for the financial year, then a concern with two types is in both rows and once in the total', async () => {
    const question: FigureQuestion = { period: financialYearPeriod(2027), basis: 'raised', who: 'children', tables: [{ rows: 'exploitation' }] };
    const [table] = answerQuestion((await index.current()).rows, question);
    assert.deepEqual(countsOf(table!), { cells: { labour: { concerns: 12 }, sexual: { concerns: 11 }, criminal: { concerns: 5 } }, total: 23 });
  });

  it('when concerns are raised, changed by a Lead and given case details, then the projection equals a full recount from the records, row for row and figure for figure', async () => {
    const open = await concerns.open();
    const [first, second, third] = open;
    await service.act(lead, first!.id, first!.revision, 'acknowledge', {});
    await service.act(lead, second!.id, second!.revision, 'reroute', { group: 'health', rerouteNote: '' });
    await service.act(lead, third!.id, third!.revision, 'close', { outcome: 'nrmReferred', closeNote: '', confirmed: 'true' });
    await recordDetails(first!.id, {
      ageYears: 9,
      gender: 'female',
      nationality: 'VN',
      ethnicity: 'otherAsian',
      outcomes: { reasonableGrounds: { date: '2027-11-01', decision: 'positive' } },
    });
    await recordDetails(second!.id, { ageYears: 40, outcomes: { conclusiveGrounds: { date: '2027-11-02', decision: 'negative' } } });
    await raise('2027-11-14T08:00:00Z', { ageBand: 'unknown', possiblyChild: 'true', exploitation: 'domestic,financial', consent: '' });

    const records: ConcernRecord[] = [];
    for await (const record of store.records()) records.push(record);
    const stored = new Map((await store.all()).map((row) => [row.concernId, row.json]));
    assert.equal(stored.size, records.length, 'one projection row per concern');
    for (const record of records) assert.equal(stored.get(record.id), JSON.stringify(statisticsRow(record)), record.id);

    const days = new LocalDays(TZ);
    const recount: IndexedRow[] = records.map((r) => ({ ...statisticsRow(r), raisedOn: days.dayOf(r.createdAt) }));
    const indexed = [...(await index.current()).rows];
    const questions: FigureQuestion[] = [
      {
        period: financialYearPeriod(2027),
        basis: 'raised',
        who: 'all',
        tables: [
          { rows: 'ageBand', columns: 'exploitation' },
          { rows: 'group', columns: 'gender' },
        ],
      },
      { period: quarterPeriod(2027, 3), basis: 'raised', who: 'children', tables: [{ rows: 'ageYears', columns: 'ethnicity' }, { rows: 'nationality' }] },
      { period: financialYearPeriod(2027), basis: 'reasonableGrounds', who: 'all', tables: [{ rows: 'reasonableGrounds', columns: 'conclusiveGrounds' }] },
      { period: financialYearPeriod(2017), basis: 'raised', who: 'adults', tables: [{ rows: 'financialYear', columns: 'jointInvestigationInterview' }] },
    ];
    for (const question of questions) assert.deepEqual(answerQuestion(indexed, question), answerQuestion(recount, question));
    assert.equal(countedRows(indexed, { ...questions[0]!, period: { ...questions[0]!.period, from: '2000-01-01', to: '2099-12-31' } }).length, records.length);
  });

  it('when a second instance starts and then another changes a concern, then the second loads the snapshot and counts the change at its next figure', async () => {
    const restarted = new StatisticsIndex({ store, timeZone: TZ });
    const first = await restarted.current();
    assert.equal(first.report.source, 'snapshot');
    const before = first.report.size;
    await raise('2027-11-15T09:00:00Z', { ageBand: 'under16', consent: '' });
    const next = await restarted.current();
    assert.equal(next.report.source, 'memory');
    assert.equal(next.report.size, before + 1);
  });

  it('when the projection rows and the snapshot are lost, then a rebuild from the records restores them and a running index reloads to the same figures', async () => {
    const question: FigureQuestion = { period: financialYearPeriod(2027), basis: 'raised', who: 'all', tables: [{ rows: 'ageBand', columns: 'exploitation' }] };
    const expected = answerQuestion((await index.current()).rows, question);
    for await (const row of table.listEntities({ queryOptions: { filter: "RowKey eq 'stats' or PartitionKey eq 'statistics'" } }))
      await table.deleteEntity(row.partitionKey!, row.rowKey!);
    const operator = new StatisticsIndex({ store, timeZone: TZ });
    const report = await operator.rebuild();
    assert.deepEqual({ ...report, concerns: 0 }, { concerns: 0, written: report.concerns, unchanged: 0, removed: 0, skipped: 0 });
    const again = await operator.rebuild();
    assert.deepEqual([again.written, again.unchanged], [0, report.concerns], 'a second rebuild finds every row right');
    const reloaded = await index.current();
    assert.equal(reloaded.report.source, 'snapshot', 'the running index saw the new epoch and reloaded');
    assert.deepEqual(answerQuestion(reloaded.rows, question), expected);
  });

  it('when the index is still loading when a figure is asked for, then the answer says the figures are being prepared and counts nothing, and once loaded the figure is answered', async () => {
    const loading = new StatisticsIndex({ store, timeZone: TZ });
    const impatient = new FiguresService({ index: loading, audit, directory: new Directory(testProtocol()), clock, timeZone: TZ, indexWaitMs: 0 });
    const first = await impatient.answer(lead, { period: 'fy:2027', rows: 'group' });
    assert.equal(first.kind, 'preparing');
    assert.match((first as { reason: string }).reason, /being prepared/);
    await loading.current();
    const patient = new FiguresService({ index: loading, audit, directory: new Directory(testProtocol()), clock, timeZone: TZ });
    assert.equal((await patient.answer(lead, { period: 'fy:2027', rows: 'group' })).kind, 'answer');
  });

  it('when a staff member or a group member asks for figures, then they are refused and each refusal is audited; a coordinator and a deputy are answered', async () => {
    const housingMember = { aadObjectId: PEOPLE.housingMember.aadObjectId, name: PEOPLE.housingMember.name };
    const housingLead = { aadObjectId: PEOPLE.housingLead.aadObjectId, name: PEOPLE.housingLead.name };
    for (const actor of [staff, housingMember, housingLead]) {
      assert.equal((await figures.form(actor)).kind, 'refused');
      assert.equal((await figures.preset(actor, 'childSexualExploitation', {})).kind, 'refused');
      assert.equal((await figures.file(actor, { period: 'fy:2027', basis: 'raised', who: 'all', type: '', tables: 'ageBand' }, 'upload')).kind, 'refused');
    }
    const events = await audit.forDay(now.toISOString().slice(0, 10));
    for (const actor of [staff, housingMember, housingLead]) {
      const refused = events.filter((e) => e.actorId === actor.aadObjectId && e.outcome === 'refused').map((e) => e.reason);
      assert.deepEqual(
        new Set(refused),
        new Set([
          'figures: not a Modern Slavery Lead, deputy or coordinator',
          'figures preset: not a Modern Slavery Lead, deputy or coordinator',
          'export figures: not a Modern Slavery Lead, deputy or coordinator',
        ]),
      );
    }
    for (const key of ['coordinator', 'deputy'] as const) {
      const result = await figures.answer({ aadObjectId: PEOPLE[key].aadObjectId, name: PEOPLE[key].name }, { period: 'fy:2027', rows: 'group' });
      assert.equal(result.kind, 'answer', key);
    }
  });
});

describe('figures: a table too big to check in time', () => {
  it('when a table with columns would have more than 40 rows (41 nationalities by gender), then the form comes back saying so next to the columns, and nothing is counted or audited', async () => {
    const rows: IndexedRow[] = Array.from({ length: 41 * 5 }, (_, i) => ({
      raisedAt: '2027-05-01T10:00:00Z',
      raisedOn: '2027-05-01',
      status: 'new',
      group: 'housing',
      ageBand: '26plus',
      child: false,
      types: ['labour'],
      nationality: COUNTRIES[i % 41]!.code,
      gender: 'female',
      outcomes: {},
    }));
    const index = { current: () => Promise.resolve({ rows, report: { source: 'memory', rowsRead: 0, size: rows.length }, earliestRaisedOn: '2027-05-01' }) };
    const appended: unknown[] = [];
    const audit = { append: (event: unknown) => Promise.resolve(void appended.push(event)) };
    const figures = new FiguresService({
      index: index as unknown as StatisticsIndex,
      audit: audit as unknown as AuditLog,
      directory: new Directory(testProtocol()),
      clock: { now: () => new Date('2027-06-01T12:00:00Z') },
      timeZone: TZ,
    });
    const result = await figures.answer(lead, { period: 'fy:2027', rows: 'nationality', columns: 'gender' });
    assert.ok(result.kind === 'invalid');
    assert.equal(
      result.errors.columns,
      `Nationality by gender would have 42 rows and 5 columns: too many to check for small numbers in time. Ask without columns, or for a table of at most ${MAX_CROSS_ROWS} rows and ${MAX_CROSS_CELLS} cells.`,
    );
    assert.deepEqual(appended, []);
    const oneWay = await figures.answer(lead, { period: 'fy:2027', rows: 'nationality' });
    assert.ok(oneWay.kind === 'answer');
    assert.equal(oneWay.answer.tables[0]!.figures.total, 205);
  });
});
