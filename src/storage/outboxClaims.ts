import { randomUUID } from 'node:crypto';
import type { TableClient } from '@azure/data-tables';
import type { OutboxEntry, OutboxState } from '../domain/outbox.js';
import { getOrUndefined, isStale } from './tables.js';

/**
 * One attempt's hold on an outbox entry: the ETag its claim left, and the claim's id, written on the
 * entry. The ETag changes when the entry is only marked (re-armed) under the attempt; the id changes
 * only when another attempt claims it, or a re-arm makes a sent entry due again.
 */
export interface Claim {
  etag: string;
  id: string;
}

/** The outcome of an attempt: delivered, given up, or due again at `nextAttemptAt`. */
export interface AttemptResult {
  state: OutboxState;
  lastStatus?: number;
  activityId?: string;
  nextAttemptAt?: Date;
}

/** An entry as stored, with what only the store writes: the claim it is under, and whether it was re-armed since. */
export type ClaimedRow = OutboxEntry & { etag: string; claimId?: string; rearmed?: boolean };

interface EntryKey {
  ownerId: string;
  rowKey: string;
}

/**
 * Claims an entry for one attempt by pushing its next attempt out by a lease, conditional on the
 * ETag it was read with: of two dispatchers (or two app instances) only one wins. Undefined when
 * another got there first. What the attempt sends is read after this, so a re-arm before it is in it.
 */
export async function claimEntry(table: TableClient, entry: EntryKey & { etag: string; attempts: number }, leaseUntil: Date): Promise<Claim | undefined> {
  const id = randomUUID();
  const claimed = {
    partitionKey: entry.ownerId,
    rowKey: entry.rowKey,
    nextAttemptAt: leaseUntil.toISOString(),
    attempts: entry.attempts + 1,
    rearmed: false,
    claimId: id,
  };
  try {
    const { etag } = await table.updateEntity(claimed, 'Merge', { etag: entry.etag });
    if (!etag) throw new Error('Table Storage answered a claim without an ETag');
    return { etag, id };
  } catch (error) {
    if (isStale(error)) return undefined;
    throw error;
  }
}

/**
 * Writes to an entry under an attempt's claim. When its ETag has changed but the claim is still this
 * attempt's (it was re-armed meanwhile, or this same write landed and was answered too late), the
 * row as it is now is passed to `fields` and written again; once another attempt holds it, the
 * 412 stands. Returns that row, or undefined when the first write went through.
 */
export async function writeUnderClaim(
  table: TableClient,
  entry: EntryKey,
  claim: Claim,
  fields: (now?: ClaimedRow) => Record<string, unknown>,
): Promise<ClaimedRow | undefined> {
  const key = { partitionKey: entry.ownerId, rowKey: entry.rowKey };
  try {
    await table.updateEntity({ ...fields(), ...key }, 'Merge', { etag: claim.etag });
    return undefined;
  } catch (error) {
    if (!isStale(error)) throw error;
    for (let tries = 0; ; tries++) {
      const row = await getOrUndefined<ClaimedRow>(table, entry.ownerId, entry.rowKey);
      if (row?.claimId !== claim.id || tries >= 5) throw error; // another attempt has it now
      try {
        await table.updateEntity({ ...fields(row), ...key }, 'Merge', { etag: row.etag });
        return row;
      } catch (again) {
        if (!isStale(again)) throw again;
      }
    }
  }
}

/** The fields an attempt's result sets. */
export function resultFields(result: AttemptResult): Record<string, unknown> {
  return {
    state: result.state,
    ...(result.lastStatus !== undefined ? { lastStatus: result.lastStatus } : {}),
    ...(result.activityId !== undefined ? { activityId: result.activityId } : {}),
    ...(result.nextAttemptAt ? { nextAttemptAt: result.nextAttemptAt.toISOString() } : {}),
  };
}
