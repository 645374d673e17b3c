import { odata, type TableClient, type TransactionAction } from '@azure/data-tables';
import { anonymisedEvent, referencesOf } from '../domain/anonymisation.js';
import type { ConcernEvent, ConcernRecord } from '../domain/concernRecord.js';
import type { AuditIntent } from './auditLog.js';
import { auditEntity, auditIntentIndexEntity } from './auditIntentIndex.js';
import { CONCERN_ROW, StaleConcernError, toEntity, type ConcernEntity } from './concernStore.js';
import { getOrUndefined, isConflict, isStale, submitInTransactions, TRANSACTION_LIMIT } from './tables.js';

/** Set on a concern's row while rows of its partition are still to be anonymised (more than one transaction was needed). */
const UNFINISHED = 'anonymisationUnfinished';
/** The daily pass's ledger: one row per local day it ran, beside the concerns (no concern id looks like this). */
const RUNS = 'retention';

/** A closed concern as the retention pass reads it. */
export interface ClosedConcern {
  record: ConcernRecord;
  etag: string;
  /** Anonymised, but a pass stopped before the rest of its partition was: the next pass finishes it. */
  unfinished: boolean;
}

type Row = { partitionKey: string; rowKey: string; event?: string };

/**
 * Anonymisation of a concern's whole partition (ConcernStore keeps the record, its history, its
 * outbox entries, escalation ledger rows and audit intents together), and the daily pass's ledger.
 */
export class RetentionStore {
  constructor(private readonly table: TableClient) {}

  /** Every closed concern. Table storage indexes only keys, so this is one filtered scan either way. */
  async closed(): Promise<ClosedConcern[]> {
    const found: ClosedConcern[] = [];
    const rows = this.table.listEntities<ConcernEntity & { [UNFINISHED]?: boolean }>({
      queryOptions: { filter: odata`RowKey eq ${CONCERN_ROW} and status eq 'closed'` },
    });
    for await (const row of rows) found.push({ record: JSON.parse(row.record) as ConcernRecord, etag: row.etag, unfinished: row[UNFINISHED] === true });
    return found;
  }

  /**
   * Replaces the concern with its anonymised record, rewrites its history without people, notes or
   * references, and deletes its outbox entries (their keys name their recipients, the reporter
   * among them), with the audit intent, in one transaction conditional on the record's ETag: if a
   * Lead changed the concern since it was read, nothing is changed and StaleConcernError is thrown.
   * A partition too big for one transaction (100 operations) is finished in further ones, and the
   * record is marked unfinished until then, so a pass that stops half way is completed by the next.
   * `changedAt` is when this runs (the clock's now, not the instant the pass is computed for, which
   * an operator may set years ahead): the audit intent's index row, written ahead of the
   * transaction, makes the recovery pass look at the intent from just after then.
   */
  async anonymise(original: ConcernRecord, etag: string, anonymised: ConcernRecord, audit: AuditIntent, changedAt: Date): Promise<void> {
    const work = this.scrubbing(await this.rows(original.id), referencesOf(original));
    await this.table.upsertEntity(auditIntentIndexEntity(original.id, audit, changedAt), 'Replace');
    const room = TRANSACTION_LIMIT - 2;
    const rest = work.slice(room);
    const record = { ...toEntity(anonymised), ...(rest.length ? { [UNFINISHED]: true } : {}) };
    try {
      await this.table.submitTransaction([['update', record, 'Replace', { etag }], ['create', auditEntity(original.id, audit)], ...work.slice(0, room)]);
    } catch (error) {
      if (isStale(error) || isConflict(error)) throw new StaleConcernError(original.id);
      throw error;
    }
    if (rest.length) await this.complete(original.id, rest);
  }

  /** Finishes an anonymisation that stopped between transactions; doing it twice changes nothing more. */
  async finish(concernId: string): Promise<void> {
    await this.complete(concernId, this.scrubbing(await this.rows(concernId), []));
  }

  /** Whether the daily pass already ran on this local date. */
  async ranOn(day: string): Promise<boolean> {
    return (await getOrUndefined(this.table, RUNS, `run|${day}`)) !== undefined;
  }

  /** Records the daily pass of a local date with its counts; a second record of the same day is ignored. */
  async recordRun(day: string, at: Date, counts: Record<string, number>): Promise<void> {
    try {
      await this.table.createEntity({ partitionKey: RUNS, rowKey: `run|${day}`, at: at.toISOString(), ...counts });
    } catch (error) {
      if (!isConflict(error)) throw error;
    }
  }

  private async complete(concernId: string, work: TransactionAction[]): Promise<void> {
    await submitInTransactions(this.table, work);
    await this.table.updateEntity({ partitionKey: concernId, rowKey: CONCERN_ROW, [UNFINISHED]: false }, 'Merge');
  }

  private async rows(concernId: string): Promise<Row[]> {
    const rows: Row[] = [];
    const found = this.table.listEntities<Row>({ queryOptions: { filter: odata`PartitionKey eq ${concernId}`, select: ['RowKey', 'event'] } });
    for await (const row of found) rows.push({ partitionKey: concernId, rowKey: row.rowKey, ...(row.event ? { event: row.event } : {}) });
    return rows;
  }

  /**
   * History events rewritten, outbox entries deleted. Escalation ledger rows (a step and when) and
   * audit intents (copied into the audit log, which keeps who, when and what) are left as they are.
   */
  private scrubbing(rows: Row[], references: string[]): TransactionAction[] {
    const work: TransactionAction[] = [];
    for (const row of rows) {
      if (row.rowKey.startsWith('event|') && row.event) {
        const event = anonymisedEvent(JSON.parse(row.event) as ConcernEvent, references);
        work.push(['update', { partitionKey: row.partitionKey, rowKey: row.rowKey, event: JSON.stringify(event) }, 'Replace']);
      } else if (row.rowKey.startsWith('outbox|')) {
        // Its key names the recipient (the reporter, for their updates). One still waiting to be sent
        // is not sent now; a send under way this very moment fails to record its outcome (logged).
        work.push(['delete', { partitionKey: row.partitionKey, rowKey: row.rowKey }]);
      }
    }
    return work;
  }
}
