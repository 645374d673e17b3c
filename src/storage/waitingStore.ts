import type { TableClient } from '@azure/data-tables';
import type { WaitingFor, WaitingRecord } from '../domain/outbox.js';
import { getOrUndefined, isConflict, isStale } from './tables.js';

const PARTITION = 'waiting';

type WaitingEntity = WaitingRecord & { partitionKey: string; rowKey: string };

/**
 * One row per cause of waiting, kept beside the conversation references: the coordinators are told
 * once per cause, and the notice counts the messages queued behind it.
 */
export class WaitingStore {
  constructor(private readonly table: TableClient) {}

  /**
   * Counts one more message waiting for `recipient`. Returns the record, and whether this starts a
   * new wait (the first message, or the first since the last one was resolved).
   */
  async add(recipient: string, waitingFor: WaitingFor, now: Date): Promise<{ record: WaitingRecord; started: boolean }> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const current = await getOrUndefined<WaitingEntity>(this.table, PARTITION, recipient);
      const started = !current || current.resolvedAt !== undefined;
      const record: WaitingRecord = started
        ? { recipient, waitingFor, count: 1, since: now.toISOString() }
        : { ...toRecord(current), count: current.count + 1 };
      const entity: WaitingEntity = { partitionKey: PARTITION, rowKey: recipient, ...record };
      try {
        if (current) await this.table.updateEntity(entity, 'Replace', { etag: current.etag });
        else await this.table.createEntity(entity);
        return { record, started };
      } catch (error) {
        if (!isStale(error) && !isConflict(error)) throw error; // someone counted at the same moment: count again
      }
    }
    throw new Error('too many messages were counted at once for one recipient');
  }

  /** Marks an open wait as put right; returns it, or undefined when nothing was waiting. */
  async resolve(recipient: string, now: Date): Promise<WaitingRecord | undefined> {
    const current = await getOrUndefined<WaitingEntity>(this.table, PARTITION, recipient);
    if (!current || current.resolvedAt) return undefined;
    const record = { ...toRecord(current), resolvedAt: now.toISOString() };
    try {
      await this.table.updateEntity({ partitionKey: PARTITION, rowKey: recipient, ...record }, 'Replace', { etag: current.etag });
    } catch (error) {
      if (isStale(error)) return this.resolve(recipient, now);
      throw error;
    }
    return record;
  }

  async get(recipient: string): Promise<WaitingRecord | undefined> {
    const entity = await getOrUndefined<WaitingEntity>(this.table, PARTITION, recipient);
    return entity && toRecord(entity);
  }
}

function toRecord(entity: WaitingRecord): WaitingRecord {
  return {
    recipient: entity.recipient,
    waitingFor: entity.waitingFor,
    count: entity.count,
    since: entity.since,
    ...(entity.resolvedAt ? { resolvedAt: entity.resolvedAt } : {}),
  };
}
