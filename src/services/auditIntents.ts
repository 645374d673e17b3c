import { randomUUID } from 'node:crypto';
import type { Clock } from '../domain/clock.js';
import type { AuditIntentIndexRow } from '../storage/auditIntentIndex.js';
import type { AuditEvent, AuditIntent, AuditLog } from '../storage/auditLog.js';
import type { ConcernStore } from '../storage/concernStore.js';
import { mapConcurrently } from '../storage/tables.js';

/** An audit event to be written with the change it records (see AuditIntent in auditLog.ts). */
export function auditIntent(event: AuditEvent): AuditIntent {
  return { eventId: randomUUID(), event };
}

/**
 * Copies an intent into the audit log, then clears it from the concern. Appending is idempotent
 * by event id, so a copy that a recovery pass makes at the same moment is not a second row.
 */
export async function recordAuditIntent(deps: { concerns: ConcernStore; audit: AuditLog }, concernId: string, intent: AuditIntent): Promise<void> {
  await deps.audit.append(intent.event, intent.eventId);
  await deps.concerns.auditRecorded(concernId, intent.eventId);
}

/**
 * Right after the change it records is stored: copies the intent, or, if that fails now, leaves it
 * for the scheduler's recovery pass, so the person is not told a stored change failed.
 */
export async function copyAuditIntent(deps: { concerns: ConcernStore; audit: AuditLog }, concernId: string, intent: AuditIntent): Promise<void> {
  await recordAuditIntent(deps, concernId, intent).catch(() => undefined);
}

/** Index rows a pass reads at a time (it reads further pages while there are more due). */
const PAGE = 500;
/** Intents looked at together: their point reads and copies overlap, and the audit log batches the copies of one day. */
const AT_ONCE = 16;
/**
 * An index row whose intent is neither in its concern nor in the audit log is kept this long past
 * its first time: the change's transaction may still be held up (failing storage, a process
 * paused mid-request), and a row dropped before it lands would leave its intent unfound, a change
 * without its audit row. Far longer than an outbox pointer's 15 minutes, since a miss here costs
 * an audit row, and cheap: only changes never stored reach it (a transaction that failed, the
 * second create of a card submitted twice), and each is looked at once every RELOOK_MS.
 */
export const INTENT_GRACE_MS = 24 * 60 * 60_000;
/** A row still waiting moves on by this much, so it neither holds back the rows due behind it nor is read at every pass. */
export const RELOOK_MS = 30 * 60_000;
/** At most this many pages in one pass: a backlog larger than that is carried on by the next. */
const MOST_PAGES = 100;

type Outcome = 'copied' | 'settled' | 'waiting';

/** One due index row: its intent copied if it is still there, else whether the row can go. */
async function lookAt(deps: AuditRecoveryDeps, row: AuditIntentIndexRow, now: Date): Promise<Outcome> {
  // Both at once: nearly always the intent is gone and the log has it (the normal copy worked).
  const [intent, inLog] = await Promise.all([deps.concerns.auditIntents.intent(row), deps.audit.has(row.eventId, row.eventAt)]);
  if (intent) {
    await recordAuditIntent(deps, row.concernId, intent);
    return 'copied';
  }
  if (inLog) return 'settled';
  return Date.parse(row.since ?? row.lookAt) + INTENT_GRACE_MS <= now.getTime() ? 'settled' : 'waiting';
}

export interface AuditRecoveryDeps {
  concerns: ConcernStore;
  audit: AuditLog;
  clock: Clock;
}

/**
 * Copies into the audit log every intent a process left behind (it died, or the audit table was
 * unreachable, between the concern's write and the audit's). Run at start and on every scheduler
 * pass; returns how many it copied. It reads only the index rows due (one per change, a minute
 * after it), never the concerns themselves, so a pass costs the changes made since the last one:
 * the normal path's copy leaves its index row, which a pass drops after two point reads.
 * A store written before the index existed is indexed from one scan, once.
 */
export async function recoverAuditIntents(deps: AuditRecoveryDeps): Promise<number> {
  const index = deps.concerns.auditIntents;
  const now = deps.clock.now();
  await index.indexOnce(now);
  let copied = 0;
  for (let page = 1; page <= MOST_PAGES; page++) {
    const due = await index.due(now, PAGE);
    // One look per intent: the backfill gives an intent already indexed a second row.
    const intents = [...new Map(due.map((row) => [row.eventId, row])).values()];
    const looked = await mapConcurrently(intents, AT_ONCE, (row) => lookAt(deps, row, now));
    const outcomes = new Map(intents.map((row, i) => [row.eventId, looked[i]!]));
    const waits = (row: AuditIntentIndexRow) => outcomes.get(row.eventId) === 'waiting';
    await Promise.all([index.drop(due.filter((row) => !waits(row))), index.postpone(due.filter(waits), new Date(now.getTime() + RELOOK_MS))]);
    copied += looked.filter((o) => o === 'copied').length;
    // Every row read has left the range due (dropped, or moved on): a full page may have more behind it.
    if (due.length < PAGE) break;
  }
  return copied;
}
