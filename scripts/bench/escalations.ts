/**
 * Escalation over 10,000 open, unacknowledged concerns, and the outbox poll beside them, in the
 * app's own concerns table (target for a pass that finds nothing new: under 1 s):
 *   - 10,000 concerns raised two hours before the pass, laid out as ConcernStore.create writes
 *     them (not timed): 1,000 urgent ones, never looked at, and 9,000 not urgent, whose first step
 *     is days away, that earlier passes have already placed at tomorrow, as a running store looks;
 *   - the first pass: the 1,000 index rows due, each concern read and escalated, one digest per
 *     person (a burst beyond the 700 overdue that once took 12 minutes to deliver);
 *   - the pass repeated: nothing new among the 10,000;
 *   - one outbox poll (what the dispatcher reads every 5 s and after every write), against the
 *     filter the poll used before the index: every pending row of the whole table.
 */
import { performance } from 'node:perf_hooks';
import { odata, type TableClient } from '@azure/data-tables';
import type { App } from '../../src/app.js';
import { toEntity } from '../../src/storage/concernStore.js';
import { mapConcurrently } from '../../src/storage/tables.js';
import { statisticsEntity } from '../../src/storage/statisticsStore.js';
import { concernRecord, raisedEvent } from '../../test/support/records.js';
import { ms, timed } from './timing.js';

const CONCERNS = 10_000;
const OVERDUE = 1_000;
const WRITERS = 32;
const TARGET_MS = 1_000;

/** Says every 5 s what the bench is waiting for. */
async function sayingWhile<T>(what: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const waiting = setInterval(() => console.log(`${what} ... ${ms(performance.now() - started)}`), 5_000);
  try {
    return await work();
  } finally {
    clearInterval(waiting);
  }
}

/** `concerns` is the app's concerns table, read directly for the filter the poll used before. */
/** `concerns` is the app's concerns table: seeded directly, and read for the filter the poll used before. */
export async function benchEscalations(app: Pick<App, 'reminders' | 'stores'>, concerns: TableClient): Promise<void> {
  const raisedAt = new Date(Date.now() - 2 * 60 * 60_000).toISOString();
  const tomorrow = new Date(Date.now() + 24 * 60 * 60_000);
  const records = Array.from({ length: CONCERNS }, (_, i) =>
    concernRecord({ reference: `MS-2026-${String(i + 1).padStart(6, '0')}`, createdAt: raisedAt, updatedAt: raisedAt, urgent: i < OVERDUE }),
  );
  // The first OVERDUE have the row their create wrote (due since they were raised); the others, the row a pass left.
  const lookAt = (i: number) => (i < OVERDUE ? new Date(raisedAt) : tomorrow);
  // The app's first pass built the index while the store was small, as a running app's does.
  await app.reminders.runEscalations(new Date(0));
  const started = performance.now();
  let stored = 0;
  const waiting = setInterval(() => console.log(`escalation: seeding ${CONCERNS.toLocaleString('en-GB')} unacknowledged concerns ... ${stored} stored`), 5_000);
  try {
    // As ConcernStore.create lays them out: the index rows in the due partitions (here a hundred to
    // a transaction), and in each concern's partition its record, statistics row and first event.
    await app.stores.concerns.escalationIndex.settle(
      records.map((r, i) => ({ concernId: r.id, lookAt: lookAt(i) })),
      [],
    );
    await mapConcurrently(records, WRITERS, async (record) => {
      await concerns.submitTransaction([
        ['create', toEntity(record)],
        ['upsert', statisticsEntity(record), 'Replace'],
        ['create', { partitionKey: record.id, rowKey: 'event|000001', event: JSON.stringify(raisedEvent(record)) }],
      ]);
      stored += 1;
    });
  } finally {
    clearInterval(waiting);
  }
  console.log(`escalation: ${CONCERNS.toLocaleString('en-GB')} concerns stored, ${WRITERS} at a time, in ${ms(performance.now() - started)} (not timed below)`);

  const at = new Date();
  const [first, firstMs] = await timed(() =>
    sayingWhile(`escalation: first pass over ${OVERDUE.toLocaleString('en-GB')} overdue concerns`, () => app.reminders.runEscalations(at)),
  );
  const [again, againMs] = await timed(() => app.reminders.runEscalations(at));
  console.log(
    `escalation pass over ${CONCERNS.toLocaleString('en-GB')} unacknowledged concerns: first ${ms(firstMs)} (${first.filter((i) => i.sent).length} of ${OVERDUE.toLocaleString('en-GB')} overdue escalated, one digest per person), repeated ${ms(againMs)} (${again.length} looked at; target for nothing new: under 1 s: ${againMs < TARGET_MS ? 'met' : 'NOT MET'})`,
  );

  const [poll, pollMs] = await timed(() => app.stores.outbox.due(new Date(), 1_000));
  const [scanned, scanMs] = await timed(async () => {
    let rows = 0;
    const filter = odata`state eq 'pending' and nextAttemptAt le ${new Date().toISOString()}`;
    for await (const row of concerns.listEntities({ queryOptions: { filter } })) if (row) rows += 1;
    return rows;
  });
  console.log(
    `outbox poll of the concerns table with ${CONCERNS.toLocaleString('en-GB')} concerns stored: ${ms(pollMs)} (${poll.entries.length} due); the whole-table filter it replaced: ${ms(scanMs)} (${scanned} rows)`,
  );
}
