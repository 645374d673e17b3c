import { randomUUID } from 'node:crypto';
import type { WorkingCalendar } from '../domain/calendar.js';
import type { Clock } from '../domain/clock.js';
import type { ConcernRecord } from '../domain/concernRecord.js';
import { digestOwner, escalationDigest, type EscalationDigestItem } from '../domain/escalationDigest.js';
import { newOutboxEntry } from '../domain/outbox.js';
import type { Person, Protocol } from '../domain/protocol.js';
import { escalationStepsAt, type EscalationStep } from '../domain/schedule.js';
import type { AuditLog } from '../storage/auditLog.js';
import type { ConcernStore } from '../storage/concernStore.js';
import type { EscalationIndexRow } from '../storage/escalationIndex.js';
import { mapConcurrently } from '../storage/tables.js';
import type { Directory } from './directory.js';
import type { PassItem } from './reminderService.js';

export interface EscalationPassDeps {
  concerns: ConcernStore;
  audit: AuditLog;
  directory: Directory;
  protocol: Pick<Protocol, 'timeZone' | 'escalation'>;
  calendar: WorkingCalendar;
  clock: Clock;
}

/**
 * How long a digest written at the start of a pass waits before it may go out as written (listing
 * every step the pass might win): time for the pass to record its steps and narrow it to those.
 */
const DIGEST_HOLD_MS = 2 * 60_000;
/**
 * How long a concern's row is kept while the concern itself is not found: its row is written just
 * before it, and failing storage can hold that write up long after the person was answered.
 */
const NOT_STORED_YET_MS = 15 * 60_000;
/** Concerns read, and ledger rows written, at once. */
const AT_ONCE = 32;

/** An index row due, and what was found: the concern if still unacknowledged, the step due now and the step after. */
interface Looked {
  row: EscalationIndexRow;
  /** The concern is not stored (yet): the row stays. */
  keep?: boolean;
  concern?: ConcernRecord;
  step?: EscalationStep;
  next?: EscalationStep;
}
type Candidate = Required<Pick<Looked, 'concern' | 'step'>>;

/**
 * One escalation pass: the concerns whose index rows are due are read; each one still unacknowledged
 * and past a step is escalated once per step (the ledger row in its partition), to every deputy and
 * coordinator in one digest per person per pass; each concern's row then moves to its next step's
 * time, or goes when there is none or the concern was acknowledged. Safe to run from several
 * instances at once, and after a crash anywhere: a step is never lost, at worst listed twice.
 */
export async function escalationPass(deps: EscalationPassDeps, now: Date, options: { dryRun?: boolean } = {}): Promise<PassItem[]> {
  const { protocol, calendar } = deps;
  const { rows, extra } = onePerConcern(await dueRows(deps, now, options.dryRun ?? false));
  const looked = await mapConcurrently(rows, AT_ONCE, async (row): Promise<Looked> => {
    const concern = (await deps.concerns.get(row.concernId))?.record;
    // Not stored yet: its row is written first, and a slow write may still land; looked at again next pass.
    if (!concern && Date.parse(row.lookAt) > now.getTime() - NOT_STORED_YET_MS) return { row, keep: true };
    if (concern?.status !== 'new') return { row }; // acknowledged, closed or gone: never escalated again
    const { due, next } = escalationStepsAt(new Date(concern.createdAt), concern.urgent, protocol.escalation, calendar, protocol.timeZone, now);
    return { row, concern, step: due, next };
  });
  const candidates = looked.filter((l): l is Looked & Candidate => l.concern !== undefined && l.step !== undefined);
  const recipients = deps.directory.escalationRecipients();
  const names = recipients.map((p) => p.name);
  const item = (c: Candidate, sent: boolean): PassItem => ({ what: 'escalation', subject: `${c.concern.reference} ${c.step.id}`, recipients: names, sent });
  if (options.dryRun) {
    const recorded = await mapConcurrently(candidates, AT_ONCE, (c) => deps.concerns.hasEscalation(c.concern.id, c.step.id));
    return candidates.map((c, i) => item(c, !recorded[i]));
  }
  const won = await escalate(deps, candidates, recipients, now);
  await deps.concerns.escalationIndex.settle(
    looked.flatMap((l) => (l.concern && l.next ? [{ concernId: l.concern.id, lookAt: l.next.dueAt }] : [])),
    [...looked.filter((l) => !l.keep).map((l) => l.row), ...extra],
  );
  return candidates.map((c, i) => item(c, won[i]!));
}

/**
 * One row per concern (the earliest); the others are removed with the rest. A concern gets a
 * second row when its card is submitted again: the row is written before the create finds it
 * exists.
 */
function onePerConcern(rows: EscalationIndexRow[]): { rows: EscalationIndexRow[]; extra: EscalationIndexRow[] } {
  const first = new Map<string, EscalationIndexRow>();
  const extra: EscalationIndexRow[] = [];
  for (const row of rows) {
    if (first.has(row.concernId)) extra.push(row);
    else first.set(row.concernId, row);
  }
  return { rows: [...first.values()], extra };
}

/** The index rows due; the first pass over a store older than the index builds it from a scan. */
async function dueRows(deps: EscalationPassDeps, now: Date, dryRun: boolean): Promise<EscalationIndexRow[]> {
  const index = deps.concerns.escalationIndex;
  if (!(await index.isBuilt())) {
    const unacknowledged = await deps.concerns.unacknowledged();
    if (dryRun) return unacknowledged.map((c) => ({ partitionKey: '', rowKey: '', concernId: c.id, lookAt: c.createdAt }));
    await index.build(unacknowledged);
  }
  return index.due(now);
}

/**
 * Records each candidate step once and tells every recipient in one digest. In this order, so that
 * nothing is lost: the digests first, listing every candidate and held back; then the ledger rows
 * (insert-if-absent: of two passes racing, one wins each step); then each digest narrowed to the
 * steps this pass won and made due now, or withdrawn if it won none. A crash in between leaves a
 * digest listing more than was won, which goes out when its hold ends: a repeat, never a miss.
 * Returns which candidates this pass won.
 */
async function escalate(deps: EscalationPassDeps, candidates: Candidate[], recipients: Person[], now: Date): Promise<boolean[]> {
  if (!candidates.length) return [];
  const outbox = deps.concerns.outbox;
  // Due for delivery now, whatever instant the pass is computed for (an operator's --at).
  const dueNow = deps.clock.now();
  const owner = digestOwner(`${dueNow.toISOString().replace(/\D/g, '').slice(0, 14)}-${randomUUID().slice(0, 8)}`);
  const everyCandidate = escalationDigest(candidates.map(digestItem)); // the same for every recipient
  const held = recipients.map((p) =>
    newOutboxEntry({ kind: 'escalationDigest', recipient: p.aadObjectId, now: new Date(dueNow.getTime() + DIGEST_HOLD_MS), payload: everyCandidate }),
  );
  await outbox.add(owner, held);

  const won = await mapConcurrently(candidates, AT_ONCE, (c) => deps.concerns.recordEscalation(c.concern.id, c.step.id, now));
  const wonSteps = candidates.filter((_, i) => won[i]);
  await Promise.all(
    wonSteps.map((c) =>
      deps.audit.append({
        at: dueNow.toISOString(),
        actorId: 'scheduler',
        action: 'concern.escalated',
        concernId: c.concern.id,
        outcome: 'allowed',
        reason: c.step.id,
      }),
    ),
  );

  const digest = wonSteps.length ? JSON.stringify(escalationDigest(wonSteps.map(digestItem))) : undefined;
  await Promise.all(held.map((entry) => (digest ? outbox.revise(owner, entry.rowKey, digest, dueNow) : outbox.withdraw(owner, entry.rowKey))));
  return won;
}

function digestItem({ concern, step }: Candidate): EscalationDigestItem {
  return {
    concernId: concern.id,
    reference: concern.reference,
    step: step.id,
    after: step.after,
    urgent: concern.urgent,
    child: concern.treatedAsChild,
    raisedAt: concern.createdAt,
  };
}
