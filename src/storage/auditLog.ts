import { randomUUID } from 'node:crypto';
import { odata, type TableClient } from '@azure/data-tables';

export type AuditAction =
  | 'concern.raised'
  | 'protocol.approval'
  | 'concern.viewed'
  | 'concern.changed'
  | 'concern.listed'
  | 'concern.refused'
  | 'concern.duplicateSubmit'
  | 'channel.linked'
  | 'request.refused'
  | 'template.changed'
  | 'reminder.sent'
  | 'concern.escalated'
  | 'protocol.collated'
  | 'signup.recorded'
  | 'signup.sent'
  | 'signup.exported'
  | 'protocol.exported'
  | 'protocol.reviewed';

/** One audit event: who did what to which record, and whether it was allowed. No free text from users. */
export interface AuditEvent {
  at: string;
  actorId: string;
  action: AuditAction;
  concernId?: string;
  outcome: 'allowed' | 'refused';
  reason?: string;
}

/**
 * The append-only audit log: entries are only ever created, never updated or deleted by the app.
 * Partitioned by day so that a period can be read back without scanning everything.
 */
export class AuditLog {
  constructor(private readonly table: TableClient) {}

  async append(event: AuditEvent): Promise<void> {
    await this.table.createEntity({
      partitionKey: event.at.slice(0, 10),
      rowKey: `${event.at}|${randomUUID()}`,
      ...event,
    });
  }

  /** Events about one concern, oldest first. */
  async forConcern(concernId: string): Promise<AuditEvent[]> {
    const events: AuditEvent[] = [];
    for await (const row of this.table.listEntities<AuditEvent>({ queryOptions: { filter: odata`concernId eq ${concernId}` } })) {
      events.push({
        at: row.at,
        actorId: row.actorId,
        action: row.action,
        outcome: row.outcome,
        concernId: row.concernId,
        ...(row.reason ? { reason: row.reason } : {}),
      });
    }
    return events.sort((a, b) => a.at.localeCompare(b.at));
  }

  /** Every event of one day (UTC), oldest first. */
  async forDay(day: string): Promise<AuditEvent[]> {
    const events: AuditEvent[] = [];
    for await (const row of this.table.listEntities<AuditEvent>({ queryOptions: { filter: odata`PartitionKey eq ${day}` } })) events.push(row);
    return events.sort((a, b) => a.at.localeCompare(b.at));
  }
}
