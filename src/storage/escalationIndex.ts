import { odata, type TableClient, type TransactionAction } from '@azure/data-tables';
import { duePartition, EVERY_DUE_PARTITION } from './outboxPointers.js';
import { getOrUndefined, inTransactions, isNotFound } from './tables.js';

/** Present once the index holds every unacknowledged concern (stores older than the index are built from one scan). */
const BUILT_ROW = 'escalation-index-built';

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
  /** Seen once, the built marker never goes away: no need to read it again. */
  private built = false;

  constructor(private readonly table: TableClient) {}

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
    const byPartition = new Map<string, TransactionAction[]>();
    const add = (action: TransactionAction) => {
      const partition = byPartition.get(action[1].partitionKey);
      if (partition) partition.push(action);
      else byPartition.set(action[1].partitionKey, [action]);
    };
    for (const entity of upserts) add(['upsert', entity, 'Replace']);
    for (const row of done) if (!kept.has(row.rowKey)) add(['delete', { partitionKey: row.partitionKey, rowKey: row.rowKey }]);
    const chunks = [...byPartition.values()].flatMap(inTransactions);
    for (const chunk of chunks) {
      try {
        await this.table.submitTransaction(chunk);
      } catch (error) {
        // A racing pass removed one of these rows first: the rest one by one.
        if (!isNotFound(error)) throw error;
        for (const action of chunk) await this.one(action);
      }
    }
  }

  private async one([kind, entity]: TransactionAction): Promise<void> {
    if (kind === 'upsert') await this.table.upsertEntity(entity, 'Replace');
    else
      await this.table.deleteEntity(entity.partitionKey, entity.rowKey).catch((error: unknown) => {
        if (!isNotFound(error)) throw error;
      });
  }

  async isBuilt(): Promise<boolean> {
    this.built ||= (await getOrUndefined(this.table, duePartition(BUILT_ROW), BUILT_ROW)) !== undefined;
    return this.built;
  }

  /** Indexes concerns stored before the index existed, due at once, then marks the index built. */
  async build(concerns: { id: string; createdAt: string }[]): Promise<void> {
    await this.settle(
      concerns.map((c) => ({ concernId: c.id, lookAt: new Date(c.createdAt) })),
      [],
    );
    await this.table.upsertEntity({ partitionKey: duePartition(BUILT_ROW), rowKey: BUILT_ROW }, 'Replace');
    this.built = true;
  }
}
