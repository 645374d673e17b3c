import { odata, type TableClient, type TransactionAction } from '@azure/data-tables';
import { DoneMarker, duePartition, EVERY_DUE_PARTITION } from './outboxPointers.js';
import { deletions, settleInTransactions } from './tables.js';

/** When the escalation pass is to look at a concern next. */
export interface EscalationIndexRow {
  partitionKey: string;
  rowKey: string;
  concernId: string;
  lookAt: string;
}

/** Keyed by the instant first, so the rows due at a moment are one range of keys. */
const rowKey = (lookAt: string, concernId: string) => `escalation|${lookAt}|${concernId}`;

/** The index row saying "look at this concern at `lookAt`", in the concern's due partition (beside its outbox pointers). */
export function escalationIndexEntity(concernId: string, lookAt: Date) {
  const at = lookAt.toISOString();
  return { partitionKey: duePartition(concernId), rowKey: rowKey(at, concernId), concernId, lookAt: at };
}

/**
 * The escalation index: for each unacknowledged concern, a row keyed by when its next escalation
 * step is due (or earlier: a concern is first indexed at the moment it is raised, and the pass puts
 * it at its first step's time). A pass reads only the rows due, so a pass that finds nothing new
 * costs one short read whatever the number of concerns stored.
 */
export class EscalationIndex {
  /** Present once the index holds every unacknowledged concern (stores older than the index are built from one scan). */
  private readonly built: DoneMarker;

  constructor(private readonly table: TableClient) {
    this.built = new DoneMarker(table, 'escalation-index-built');
  }

  /** The rows due at `now`, earliest first. */
  async due(now: Date): Promise<EscalationIndexRow[]> {
    const rows: EscalationIndexRow[] = [];
    const filter = `${EVERY_DUE_PARTITION} and ${odata`RowKey ge 'escalation|' and RowKey lt ${`escalation|${now.toISOString()}}`}`}`;
    for await (const row of this.table.listEntities<EscalationIndexRow>({ queryOptions: { filter } }))
      rows.push({ partitionKey: row.partitionKey ?? '', rowKey: row.rowKey ?? '', concernId: row.concernId, lookAt: row.lookAt });
    return rows;
  }

  /**
   * Writes the rows for when to look next and removes the rows dealt with, a hundred to a
   * transaction (by partition), so a crash leaves a row to be looked at again rather than a concern
   * forgotten.
   */
  async settle(next: { concernId: string; lookAt: Date }[], done: Pick<EscalationIndexRow, 'partitionKey' | 'rowKey'>[]): Promise<void> {
    const upserts = next.map((n) => escalationIndexEntity(n.concernId, n.lookAt));
    const kept = new Set(upserts.map((u) => u.rowKey));
    await settleInTransactions(this.table, [
      ...upserts.map((entity): TransactionAction => ['upsert', entity, 'Replace']),
      ...deletions(done.filter((row) => !kept.has(row.rowKey))),
    ]);
  }

  isBuilt(): Promise<boolean> {
    return this.built.isDone();
  }

  /** Indexes concerns stored before the index existed, due at once, then marks the index built. */
  async build(concerns: { id: string; createdAt: string }[]): Promise<void> {
    await this.settle(
      concerns.map((c) => ({ concernId: c.id, lookAt: new Date(c.createdAt) })),
      [],
    );
    await this.built.mark();
  }
}
