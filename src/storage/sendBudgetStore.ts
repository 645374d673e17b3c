import { odata, type TableClient } from '@azure/data-tables';
import { ignoringRace } from './tables.js';

/** Every running instance of the app has one row here, in one small partition that is read whole. */
const SENDERS = 'senders';

/** One instance of the app as the others see it. */
export interface SenderRow {
  instanceId: string;
  /** Until when it counts as sending: renewed while it sends, let lapse (or set to now) when it stops. */
  expiresAt: Date;
  /** Teams answered it 429: nobody sends before this. */
  pausedUntil?: Date;
  etag: string;
}

interface SenderEntity {
  partitionKey: string;
  rowKey: string;
  expiresAt?: string;
  pausedUntil?: string;
}

/**
 * The instances that share the tenant's sending budget, and the pauses Teams asked for. Each
 * instance writes only its own row (a heartbeat, a pause), so no row is contended by every send or
 * by every instance; each reads the whole partition, a handful of rows, about once a second.
 */
export class SendBudgetStore {
  constructor(private readonly table: TableClient) {}

  /** Renews this instance's row until `expiresAt`, then reads every instance's row (its own included). */
  async heartbeat(instanceId: string, expiresAt: Date): Promise<SenderRow[]> {
    await this.table.upsertEntity<SenderEntity>({ partitionKey: SENDERS, rowKey: instanceId, expiresAt: expiresAt.toISOString() }, 'Merge');
    return this.senders();
  }

  /** Every instance's row, live or lapsed. */
  async senders(): Promise<SenderRow[]> {
    const rows: SenderRow[] = [];
    for await (const row of this.table.listEntities<SenderEntity>({ queryOptions: { filter: odata`PartitionKey eq ${SENDERS}` } })) {
      rows.push({
        instanceId: row.rowKey,
        expiresAt: new Date(row.expiresAt ?? 0),
        ...(row.pausedUntil ? { pausedUntil: new Date(row.pausedUntil) } : {}),
        etag: row.etag,
      });
    }
    return rows;
  }

  /** Records, on this instance's row, that nobody should send before `until`. */
  async pause(instanceId: string, until: Date): Promise<void> {
    await this.table.upsertEntity<SenderEntity>({ partitionKey: SENDERS, rowKey: instanceId, pausedUntil: until.toISOString() }, 'Merge');
  }

  /** This instance stops sending: it counts only until `at`, but a pause it recorded still holds. */
  async leave(instanceId: string, at: Date): Promise<void> {
    await this.table.upsertEntity<SenderEntity>({ partitionKey: SENDERS, rowKey: instanceId, expiresAt: at.toISOString() }, 'Merge');
  }

  /** Removes the row of an instance long gone, unless it was written since it was read. */
  async remove(row: SenderRow): Promise<void> {
    // Another instance removed it, or it came back.
    await ignoringRace(() => this.table.deleteEntity(SENDERS, row.instanceId, { etag: row.etag }));
  }
}
