/**
 * The audit recovery pass (run at start and after every scheduler pass, every 5 minutes) beside
 * the concerns already stored, in the app's own concerns table:
 *   - `seed` more concerns stored as the app leaves them once their changes are long past: the
 *     record, its statistics row and first event, no intent and no index row (not timed);
 *   - the changes of the last 5 minutes as the normal path leaves them: stored, copied into the
 *     audit log, the index row left for the pass (not timed);
 *   - a pass (those changes due), the pass repeated (nothing due), and the filter every pass ran
 *     before the index (every intent row of the whole table) for comparison.
 */
import { odata, type TableClient } from '@azure/data-tables';
import type { App } from '../../src/app.js';
import { recordAuditIntent, recoverAuditIntents } from '../../src/services/auditIntents.js';
import { toEntity } from '../../src/storage/concernStore.js';
import { mapConcurrently } from '../../src/storage/tables.js';
import { statisticsEntity } from '../../src/storage/statisticsStore.js';
import { auditFor, concernRecord, raisedEvent } from '../../test/support/records.js';
import { ms, timed } from './timing.js';

const WRITERS = 32;

/** How many concerns the table holds (a scan of the keys alone; not timed). */
async function concernsStored(concerns: TableClient): Promise<number> {
  let count = 0;
  for await (const row of concerns.listEntities({ queryOptions: { filter: odata`RowKey eq 'concern'`, select: ['PartitionKey'] } })) if (row) count += 1;
  return count;
}

/**
 * `concerns` is the app's concerns table: seeded directly, and read for the filter the pass used
 * before the index. `seed`: concerns to add first (0 to use what is stored, e.g. the escalation
 * bench's 10,000); `recent`: changes made since the last pass.
 */
export async function benchAuditRecovery(
  app: { stores: Pick<App['stores'], 'concerns' | 'audit'> },
  concerns: TableClient,
  options: { seed?: number; recent?: number } = {},
): Promise<void> {
  const { seed = 0, recent = 20 } = options;
  const { concerns: store, audit } = app.stores;
  const longAgo = new Date(Date.now() - 24 * 60 * 60_000).toISOString();
  const old = Array.from({ length: seed }, (_, i) =>
    concernRecord({ reference: `MS-2025-${String(i + 1).padStart(6, '0')}`, createdAt: longAgo, updatedAt: longAgo }),
  );
  await mapConcurrently(old, WRITERS, (record) =>
    concerns.submitTransaction([
      ['create', toEntity(record)],
      ['upsert', statisticsEntity(record), 'Replace'],
      ['create', { partitionKey: record.id, rowKey: 'event|000001', event: JSON.stringify(raisedEvent(record)) }],
    ]),
  );
  // Whatever the table held before the index gets its rows now, as at the app's start: not timed.
  const now = new Date();
  await recoverAuditIntents({ concerns: store, audit, clock: { now: () => now } });

  const fresh = Array.from({ length: recent }, () => concernRecord({ createdAt: now.toISOString(), updatedAt: now.toISOString() }));
  await mapConcurrently(fresh, WRITERS, async (record) => {
    const intent = auditFor(record);
    await store.create(record, raisedEvent(record), [], intent);
    await recordAuditIntent({ concerns: store, audit }, record.id, intent);
  });
  const stored = await concernsStored(concerns);

  // The next scheduler pass, 5 minutes on: the recent changes' index rows are due.
  const next = { now: () => new Date(now.getTime() + 5 * 60_000) };
  const [, passMs] = await timed(() => recoverAuditIntents({ concerns: store, audit, clock: next }));
  const [, againMs] = await timed(() => recoverAuditIntents({ concerns: store, audit, clock: next }));
  const [scanned, scanMs] = await timed(async () => {
    let rows = 0;
    for await (const row of concerns.listEntities({ queryOptions: { filter: odata`RowKey ge 'audit|' and RowKey lt 'audit}'` } })) if (row) rows += 1;
    return rows;
  });
  const n = stored.toLocaleString('en-GB');
  console.log(`audit recovery pass with ${n} concerns stored: ${ms(passMs)} (reads only what is due: ${recent} changes since the last pass)`);
  console.log(
    `audit recovery pass repeated, nothing due: ${ms(againMs)}; the whole-table filter every pass ran before the index: ${ms(scanMs)} (${scanned} rows)`,
  );
}
