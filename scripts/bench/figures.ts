/**
 * A figure over 100,000 concerns (target: under 1 second on the embedded storage), measured through
 * the figures service over its statistics index, in a table of its own in the bench's Azurite:
 *   - 100,000 projection rows seeded, one per concern partition as the app writes them (not timed);
 *   - baseline: reading every row from Azurite once, as a figure without the index would;
 *   - cold, first start ever (no snapshot yet): every row read, the index built, a snapshot saved;
 *   - cold, a restart (a new index: the snapshot, then the 500 rows changed since it);
 *   - warm: the rows changed since the last figure, then the count; and after one new concern.
 * Every row here is a projection row; the app's concerns table also holds each concern's record,
 * history and outbox rows, which the scan for changed rows passes over too (the scan is printed).
 * The figure is "children by age band and exploitation type, financial year 2027-28", audited as
 * every figure is.
 */
import { tableClientFor } from '../../src/storage/tables.js';
import { randomUUID } from 'node:crypto';
import { TableClient } from '@azure/data-tables';
import { ETHNICITIES } from '../../src/domain/caseDetails.js';
import type { Clock } from '../../src/domain/clock.js';
import { GROUP_IDS } from '../../src/domain/groups.js';
import { STATISTICS_VERSION, type StatisticsRow } from '../../src/domain/statistics.js';
import { Directory } from '../../src/services/directory.js';
import { FiguresService, INDEX_WAIT_MS } from '../../src/services/figuresService.js';
import { StatisticsIndex, SYNC_OVERLAP_MS } from '../../src/services/statisticsIndex.js';
import { AuditLog } from '../../src/storage/auditLog.js';
import { STATISTICS_ROW, StatisticsStore } from '../../src/storage/statisticsStore.js';
import { PEOPLE, testProtocol } from '../../test/support/people.js';
import { ms, timed } from './timing.js';

const CONCERNS = 100_000;
const WRITERS = 32;
const TARGET_MS = 1_000;
/** Below the 1,000 changes after which an index saves a new snapshot: the most a restart reads besides the overlap. */
const CHANGED_SINCE_SNAPSHOT = 500;
const TZ = 'Europe/London';
const verdict = (n: number) => (n < TARGET_MS ? 'under' : 'OVER');

const BANDS = ['under16', '16-17', '18-25', '26plus', 'unknown'] as const;
const TYPES = ['labour', 'sexual', 'criminal', 'domestic', 'financial', 'organ', 'other'] as const;
const NATIONALITIES = ['GB', 'VN', 'AL', 'RO', 'PL', 'ER', 'SD', 'IR', 'IQ', 'AF', 'NG', 'CN', 'IN', 'PK', 'SY', 'UA', 'stateless', 'notKnown'];
const ETHNICITY_KEYS = Object.keys(ETHNICITIES) as (keyof typeof ETHNICITIES)[];

/** A plausible concern's projection, from a seeded generator: raised over six financial years. */
function projection(next: () => number): StatisticsRow {
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)]!;
  const ageBand = pick(BANDS);
  const child = ageBand === 'under16' || ageBand === '16-17' || next() < 0.1;
  const types = [...new Set([pick(TYPES), ...(next() < 0.3 ? [pick(TYPES)] : [])])];
  const raisedAt = new Date(Date.UTC(2022, 3, 1) + Math.floor(next() * 6 * 365 * 86_400_000)).toISOString();
  return {
    raisedAt,
    status: pick(['new', 'acknowledged', 'inProgress', 'closed'] as const),
    group: pick(GROUP_IDS),
    ageBand,
    child,
    types,
    ...(next() < 0.7 ? { ageYears: child ? Math.floor(next() * 18) : 18 + Math.floor(next() * 50) } : {}),
    ...(next() < 0.8 ? { gender: pick(['female', 'male', 'other', 'notKnown'] as const) } : {}),
    ...(next() < 0.7 ? { nationality: pick(NATIONALITIES) } : {}),
    ...(next() < 0.6 ? { ethnicity: pick(ETHNICITY_KEYS) } : {}),
    outcomes: {
      ...(child && next() < 0.2 ? { jointInvestigationInterview: { date: raisedAt.slice(0, 10) } } : {}),
      ...(!child && next() < 0.3 ? { nrmReferral: { date: raisedAt.slice(0, 10) } } : {}),
    },
  };
}

/** Seeds the projection rows, WRITERS at a time (each row is in its own concern's partition, so no batches). */
async function seed(table: TableClient): Promise<void> {
  let state = 20_27;
  const next = () => (state = (state * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
  let written = 0;
  await Promise.all(
    Array.from({ length: WRITERS }, async () => {
      while (written < CONCERNS) {
        written++;
        await table.createEntity({ partitionKey: randomUUID(), rowKey: STATISTICS_ROW, v: STATISTICS_VERSION, stats: JSON.stringify(projection(next)) });
      }
    }),
  );
}

/** Writes `count` more projection rows, as other instances raising concerns would. */
async function more(table: TableClient, count: number): Promise<void> {
  let state = count;
  const next = () => (state = (state * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
  for (let i = 0; i < count; i++)
    await table.createEntity({ partitionKey: randomUUID(), rowKey: STATISTICS_ROW, v: STATISTICS_VERSION, stats: JSON.stringify(projection(next)) });
}

export async function benchFigures(connectionString: string, audit: AuditLog): Promise<void> {
  const table = tableClientFor(connectionString, 'figuresbench');
  await table.createTable();
  console.log(`figures: seeding ${CONCERNS.toLocaleString('en-GB')} projection rows, ${WRITERS} writers ...`);
  const [, seedMs] = await timed(() => seed(table));
  const seeded = Date.now();
  console.log(`figures: seeded in ${(seedMs / 1000).toFixed(0)} s (not part of any figure)`);

  const store = new StatisticsStore(table);
  const [rows, rawMs] = await timed(async () => (await store.all()).length);
  console.log(
    `figures baseline: reading all ${rows.toLocaleString('en-GB')} rows from Azurite once: ${ms(rawMs)} (what every figure would cost without the index)`,
  );
  const [, scanMs] = await timed(() => store.changedSince(Date.now()));
  console.log(`figures baseline: one filtered scan of the table finding nothing (each sync's read of the rows changed since): ${ms(scanMs)}`);
  // A sync re-reads rows stamped in the 2 x 15 s before it: let the seeding burst age past that, as real traffic would.
  const wait = Math.max(0, seeded + 2 * SYNC_OVERLAP_MS - Date.now());
  if (wait) await new Promise((resolve) => setTimeout(resolve, wait));

  const clock: Clock = { now: () => new Date('2027-11-15T12:00:00Z') };
  const lead = { aadObjectId: PEOPLE.lead.aadObjectId, name: PEOPLE.lead.name };
  // Waits as long as the index takes, to time it (the app answers "being prepared" after INDEX_WAIT_MS instead).
  const indexWaitMs = 600_000;
  const service = () =>
    new FiguresService({
      index: new StatisticsIndex({ store, timeZone: TZ }),
      audit,
      directory: new Directory(testProtocol()),
      clock,
      timeZone: TZ,
      indexWaitMs,
    });
  const question = { period: 'fy:2027', who: 'children', rows: 'ageBand', columns: 'exploitation' };
  const figure = async (figures: FiguresService, label: string) => {
    const [result, took] = await timed(() => figures.answer(lead, question));
    if (result.kind !== 'answer') throw new Error(`figure refused: ${result.kind}`);
    const { sync, tables } = result.answer;
    console.log(
      `figure over ${sync.size.toLocaleString('en-GB')} concerns, ${label}: ${ms(took)} (target ${ms(TARGET_MS)}: ${verdict(took)}; index from ${sync.source}, ${sync.rowsRead.toLocaleString('en-GB')} rows read; total shown ${String(tables[0]!.figures.total)})`,
    );
  };
  await figure(service(), `cold, first start ever (every row read, index built, snapshot saved; the app answers "being prepared" after ${ms(INDEX_WAIT_MS)})`);
  await more(table, CHANGED_SINCE_SNAPSHOT);
  const restarted = service();
  await figure(restarted, `cold, a restart with ${CHANGED_SINCE_SNAPSHOT} concerns changed since the snapshot`);
  for (let i = 1; i <= 3; i++) await figure(restarted, `warm #${i}`);
  await more(table, 1);
  await figure(restarted, 'warm, after another instance raised a concern');
  const memory = process.memoryUsage();
  console.log(
    `figures: bench process heap used after the runs (two indexes of ${CONCERNS.toLocaleString('en-GB')} rows held): ${(memory.heapUsed / 2 ** 20).toFixed(0)} MiB`,
  );
}
