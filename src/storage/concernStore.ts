import { odata, type TableClient, type TransactionAction } from '@azure/data-tables';
import type { ConcernEvent, ConcernRecord } from '../domain/concernRecord.js';
import type { OutboxEntry } from '../domain/outbox.js';
import { AuditIntentIndex, auditEntity, auditIntentIndexEntity, intentRowKey } from './auditIntentIndex.js';
import type { AuditIntent } from './auditLog.js';
import { EscalationIndex, escalationIndexEntity } from './escalationIndex.js';
import { writePointers } from './outboxPointers.js';
import { OutboxStore } from './outboxStore.js';
import { statisticsEntity } from './statisticsStore.js';
import { getOrUndefined, ignoringRace, isConflict, isStale, rowsStartingWith } from './tables.js';

/** The concern already exists (a second submit of the same card). */
export class ConcernExistsError extends Error {}
/** Someone changed the concern since it was read. */
export class StaleConcernError extends Error {}

export const CONCERN_ROW = 'concern';
const eventRow = (revision: number) => `event|${String(revision).padStart(6, '0')}`;

export type ConcernEntity = {
  partitionKey: string;
  rowKey: string;
  reference: string;
  reporterId: string;
  status: string;
  urgent: boolean;
  createdAt: string;
  revision: number;
  /** The whole record as JSON: small (observed text is capped at 2,000 characters), one read. */
  record: string;
};

export function toEntity(record: ConcernRecord): ConcernEntity {
  return {
    partitionKey: record.id,
    rowKey: CONCERN_ROW,
    reference: record.reference,
    reporterId: record.reporter.aadObjectId,
    status: record.status,
    urgent: record.urgent,
    createdAt: record.createdAt,
    revision: record.revision,
    record: JSON.stringify(record),
  };
}

function eventEntity(concernId: string, event: ConcernEvent) {
  return { partitionKey: concernId, rowKey: eventRow(event.revision), event: JSON.stringify(event) };
}

/**
 * One partition per concern holds the concern, its history and its outbox entries, so that a
 * change and the messages it causes are written together in one transaction: a concern is never
 * stored without its notices, and a notice never goes out for a change that was not stored.
 * Before that transaction, one more on the table's due partition writes the pointers to its new
 * outbox entries, the index row of its audit intent and, for a new concern, its escalation index
 * row (write-ahead: one left without its concern is harmless, see OutboxStore, the escalation pass
 * and the audit recovery pass).
 */
export class ConcernStore {
  /** When the escalation pass is to look at each unacknowledged concern. */
  readonly escalationIndex: EscalationIndex;
  /** The outbox entries beside the concerns, and the escalation digests. */
  readonly outbox: OutboxStore;
  /** Which audit intents the recovery pass is to look at, and when. */
  readonly auditIntents: AuditIntentIndex;

  constructor(private readonly table: TableClient) {
    this.escalationIndex = new EscalationIndex(table);
    this.auditIntents = new AuditIntentIndex(table);
    this.outbox = new OutboxStore(table);
  }

  /** Stores a new concern with its first event, its audit intent and its outbox entries, or throws ConcernExistsError. */
  async create(record: ConcernRecord, event: ConcernEvent, outbox: OutboxEntry[], audit: AuditIntent): Promise<void> {
    await writePointers(this.table, record.id, outbox, [
      ['upsert', escalationIndexEntity(record.id, new Date(record.createdAt)), 'Replace'],
      ['upsert', auditIntentIndexEntity(record.id, audit, new Date(event.at)), 'Replace'],
    ]);
    const actions: TransactionAction[] = [
      ['create', toEntity(record)],
      // The figures' anonymised projection, in the same transaction, so it can never disagree with the record.
      ['upsert', statisticsEntity(record), 'Replace'],
      ['create', eventEntity(record.id, event)],
      ['create', auditEntity(record.id, audit)],
      ...outbox.map((entry): TransactionAction => ['create', { partitionKey: record.id, ...entry }]),
    ];
    try {
      await this.table.submitTransaction(actions);
    } catch (error) {
      if (isConflict(error)) throw new ConcernExistsError(record.id);
      throw error;
    }
  }

  async get(id: string): Promise<{ record: ConcernRecord; etag: string } | undefined> {
    const entity = await getOrUndefined<ConcernEntity>(this.table, id, CONCERN_ROW);
    return entity && { record: JSON.parse(entity.record) as ConcernRecord, etag: entity.etag };
  }

  /** Saves a change only if nobody changed the concern since `etag` was read (else StaleConcernError). */
  async update(record: ConcernRecord, etag: string, event: ConcernEvent, outbox: OutboxEntry[], audit: AuditIntent): Promise<void> {
    // With no outbox entries this is still one call, for the intent's index row.
    await writePointers(this.table, record.id, outbox, [['upsert', auditIntentIndexEntity(record.id, audit, new Date(event.at)), 'Replace']]);
    const actions: TransactionAction[] = [
      ['update', toEntity(record), 'Replace', { etag }],
      ['upsert', statisticsEntity(record), 'Replace'],
      ['create', eventEntity(record.id, event)],
      ['create', auditEntity(record.id, audit)],
      ...outbox.map((entry): TransactionAction => ['create', { partitionKey: record.id, ...entry }]),
    ];
    try {
      await this.table.submitTransaction(actions);
    } catch (error) {
      // A racing writer either changed the concern (412) or already wrote this revision's event (409).
      if (isStale(error) || isConflict(error)) throw new StaleConcernError(record.id);
      throw error;
    }
  }

  /** The intent is in the audit log now; a second clear (two instances recovering) is harmless. */
  async auditRecorded(concernId: string, eventId: string): Promise<void> {
    await ignoringRace(() => this.table.deleteEntity(concernId, intentRowKey(eventId)));
  }

  /** The concern's history, oldest first. */
  async events(id: string): Promise<ConcernEvent[]> {
    const events: ConcernEvent[] = [];
    const rows = this.table.listEntities<{ event: string }>({
      queryOptions: { filter: rowsStartingWith(id, 'event') },
    });
    for await (const row of rows) events.push(JSON.parse(row.event) as ConcernEvent);
    return events;
  }

  /** Concerns not closed yet, oldest first: the Modern Slavery Lead's worklist. */
  async open(): Promise<ConcernRecord[]> {
    const found = await this.records(odata`RowKey eq ${CONCERN_ROW} and status ne 'closed'`);
    return found.sort((a, b) => Number(b.urgent) - Number(a.urgent) || a.createdAt.localeCompare(b.createdAt));
  }

  /** Concerns nobody has acknowledged yet, for escalation. */
  async unacknowledged(): Promise<ConcernRecord[]> {
    return this.records(odata`RowKey eq ${CONCERN_ROW} and status eq 'new'`);
  }

  /**
   * Records an escalation step exactly once (insert-if-absent on the ledger row in the concern's
   * partition). Returns false when this step was already recorded (by another pass or instance).
   */
  async recordEscalation(concernId: string, step: string, at: Date): Promise<boolean> {
    try {
      await this.table.createEntity({ partitionKey: concernId, rowKey: `escalation|${step}`, sentAt: at.toISOString() });
      return true;
    } catch (error) {
      if (isConflict(error)) return false;
      throw error;
    }
  }

  async hasEscalation(concernId: string, step: string): Promise<boolean> {
    return (await getOrUndefined(this.table, concernId, `escalation|${step}`)) !== undefined;
  }

  /** The concerns one person raised, newest first. */
  async listByReporter(reporterId: string): Promise<ConcernRecord[]> {
    const found = await this.records(odata`RowKey eq ${CONCERN_ROW} and reporterId eq ${reporterId}`);
    return found.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  /** The concern rows matching a filter, as records. */
  private async records(filter: string): Promise<ConcernRecord[]> {
    const found: ConcernRecord[] = [];
    for await (const row of this.table.listEntities<ConcernEntity>({ queryOptions: { filter } })) found.push(JSON.parse(row.record) as ConcernRecord);
    return found;
  }
}
