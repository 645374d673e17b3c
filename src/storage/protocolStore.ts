import { odata, type TableClient, type TransactionAction } from '@azure/data-tables';
import { GROUP_IDS, type GroupId } from '../domain/groups.js';
import type { PersonRef } from '../domain/concernRecord.js';
import { emptyTemplateRecord, type TemplateEvent, type TemplateRecord, type VersionInfo } from '../domain/submission.js';
import { TEMPLATE_IDS, type DraftContent, type TemplateId } from '../domain/templates.js';
import type { OutboxEntry } from '../domain/outbox.js';
import { joinFromProperties, splitIntoProperties } from './chunks.js';
import { writePointers } from './outboxPointers.js';
import { getOrUndefined, isConflict, isStale, rowsStartingWith } from './tables.js';

/** Someone changed the template's status since it was read. */
export class StaleTemplateError extends Error {}

const STATUS_ROW = 'status';
const pad = (n: number) => String(n).padStart(6, '0');
const versionRow = (n: number) => `version|${pad(n)}`;
const eventRow = (n: number) => `event|${pad(n)}`;
const reminderRow = (step: string) => `reminder|${step}`;

/** The partition of one group's template: its status, every version, its history, reminders and outbox. */
export const templatePartition = (group: GroupId, template: TemplateId) => `${group}|${template}`;

type StatusEntity = { partitionKey: string; rowKey: string; status: string; revision: number; record: string };

function statusEntity(record: TemplateRecord): StatusEntity {
  return {
    partitionKey: templatePartition(record.group, record.template),
    rowKey: STATUS_ROW,
    status: record.status,
    revision: record.revision,
    record: JSON.stringify(record),
  };
}

function eventEntity(record: TemplateRecord, event: TemplateEvent) {
  return { partitionKey: templatePartition(record.group, record.template), rowKey: eventRow(event.revision), event: JSON.stringify(event) };
}

function outboxActions(partitionKey: string, outbox: OutboxEntry[]): TransactionAction[] {
  return outbox.map((entry): TransactionAction => ['create', { partitionKey, ...entry }]);
}

/**
 * One partition per group and template. Versions are only ever created, never updated: a save
 * is a new row whose number comes from the status row, written in the same transaction, so two
 * people saving at once get two versions, never one overwriting the other.
 */
export class ProtocolStore {
  constructor(private readonly table: TableClient) {}

  async status(group: GroupId, template: TemplateId): Promise<{ record: TemplateRecord; etag: string | undefined }> {
    const entity = await getOrUndefined<StatusEntity>(this.table, templatePartition(group, template), STATUS_ROW);
    return entity
      ? { record: JSON.parse(entity.record) as TemplateRecord, etag: entity.etag }
      : { record: emptyTemplateRecord(group, template), etag: undefined };
  }

  /** All 14 records (7 groups by 2 templates), with "not started" for those never touched, in group order. */
  async allStatuses(): Promise<TemplateRecord[]> {
    const found: TemplateRecord[] = [];
    for await (const row of this.table.listEntities<StatusEntity>({ queryOptions: { filter: odata`RowKey eq ${STATUS_ROW}` } }))
      found.push(JSON.parse(row.record) as TemplateRecord);
    return GROUP_IDS.flatMap((group) =>
      TEMPLATE_IDS.map((template) => found.find((r) => r.group === group && r.template === template) ?? emptyTemplateRecord(group, template)),
    );
  }

  /**
   * Saves a new version and the status change it brings, atomically; retries when another save
   * took the next number first. Returns the record as saved.
   */
  async saveVersion(
    group: GroupId,
    template: TemplateId,
    content: DraftContent,
    author: PersonRef,
    now: Date,
    change: (current: TemplateRecord) => { record: TemplateRecord; event: TemplateEvent },
  ): Promise<TemplateRecord> {
    const text = JSON.stringify(content);
    for (let attempt = 0; attempt < 20; attempt++) {
      const { record: current, etag } = await this.status(group, template);
      const { record, event } = change(current);
      const partitionKey = templatePartition(group, template);
      const info: VersionInfo = { version: record.latestVersion, author, savedAt: now.toISOString(), characters: text.length };
      try {
        await this.table.submitTransaction([
          ['create', { partitionKey, rowKey: versionRow(record.latestVersion), info: JSON.stringify(info), ...splitIntoProperties('content', text) }],
          etag ? ['update', statusEntity(record), 'Replace', { etag }] : ['create', statusEntity(record)],
          ['create', eventEntity(record, event)],
        ]);
        return record;
      } catch (error) {
        if (!isConflict(error) && !isStale(error)) throw error;
      }
    }
    throw new Error('too many people saved this draft at once; try again');
  }

  async version(group: GroupId, template: TemplateId, version: number): Promise<{ info: VersionInfo; content: DraftContent } | undefined> {
    const entity = await getOrUndefined<Record<string, unknown> & { info: string }>(this.table, templatePartition(group, template), versionRow(version));
    return entity && { info: JSON.parse(entity.info) as VersionInfo, content: JSON.parse(joinFromProperties('content', entity)) as DraftContent };
  }

  /** Who saved which version when, newest first (without the content). */
  async versions(group: GroupId, template: TemplateId): Promise<VersionInfo[]> {
    const found: VersionInfo[] = [];
    const rows = this.table.listEntities<{ info: string }>({
      queryOptions: { filter: rowsStartingWith(templatePartition(group, template), 'version'), select: ['info'] },
    });
    for await (const row of rows) found.push(JSON.parse(row.info) as VersionInfo);
    return found.sort((a, b) => b.version - a.version);
  }

  async events(group: GroupId, template: TemplateId): Promise<TemplateEvent[]> {
    const found: TemplateEvent[] = [];
    const rows = this.table.listEntities<{ event: string }>({
      queryOptions: { filter: rowsStartingWith(templatePartition(group, template), 'event') },
    });
    for await (const row of rows) found.push(JSON.parse(row.event) as TemplateEvent);
    return found;
  }

  /** A status change (submit, accept, return) with its event and the messages it causes; StaleTemplateError on a race. */
  async changeStatus(record: TemplateRecord, etag: string | undefined, event: TemplateEvent, outbox: OutboxEntry[]): Promise<void> {
    const partitionKey = templatePartition(record.group, record.template);
    await writePointers(this.table, partitionKey, outbox);
    try {
      await this.table.submitTransaction([
        etag ? ['update', statusEntity(record), 'Replace', { etag }] : ['create', statusEntity(record)],
        ['create', eventEntity(record, event)],
        ...outboxActions(partitionKey, outbox),
      ]);
    } catch (error) {
      if (isStale(error) || isConflict(error)) throw new StaleTemplateError(partitionKey);
      throw error;
    }
  }

  /**
   * Records that a reminder step was sent, with its messages, exactly once: insert-if-absent on
   * the ledger row. Returns false when the step was already recorded (by this or another instance).
   */
  async recordReminder(group: GroupId, template: TemplateId, step: string, at: Date, outbox: OutboxEntry[]): Promise<boolean> {
    const partitionKey = templatePartition(group, template);
    // Every pass offers the latest step again: a step already recorded needs no pointers written ahead.
    if (await getOrUndefined(this.table, partitionKey, reminderRow(step))) return false;
    await writePointers(this.table, partitionKey, outbox);
    try {
      await this.table.submitTransaction([
        ['create', { partitionKey, rowKey: reminderRow(step), sentAt: at.toISOString() }],
        ...outboxActions(partitionKey, outbox),
      ]);
      return true;
    } catch (error) {
      if (isConflict(error)) return false;
      throw error;
    }
  }

  /**
   * The reminder steps recorded for one group's template, in the order they were written (the
   * service's timestamp: an operator's catch-up run "as of" an earlier instant still counts as newer).
   */
  async remindersSent(group: GroupId, template: TemplateId): Promise<{ step: string; sentAt: string; recordedAt: string }[]> {
    const found: { step: string; sentAt: string; recordedAt: string }[] = [];
    const rows = this.table.listEntities<{ sentAt: string }>({ queryOptions: { filter: rowsStartingWith(templatePartition(group, template), 'reminder') } });
    for await (const row of rows) found.push({ step: String(row.rowKey).slice('reminder|'.length), sentAt: row.sentAt, recordedAt: row.timestamp ?? '' });
    return found.sort((a, b) => a.recordedAt.localeCompare(b.recordedAt));
  }
}
