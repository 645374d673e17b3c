import { randomUUID } from 'node:crypto';
import type { AuditEvent, AuditIntent, AuditLog } from '../storage/auditLog.js';
import type { ConcernStore } from '../storage/concernStore.js';

/** An audit event to be written with the change it records (see AuditIntent in auditLog.ts). */
export function auditIntent(event: AuditEvent): AuditIntent {
  return { eventId: randomUUID(), event };
}

/**
 * Copies an intent into the audit log, then clears it from the concern. Appending is idempotent
 * by event id, so a copy that a recovery pass makes at the same moment is not a second row.
 */
export async function recordAuditIntent(deps: { concerns: ConcernStore; audit: AuditLog }, concernId: string, intent: AuditIntent): Promise<void> {
  await deps.audit.append(intent.event, intent.eventId);
  await deps.concerns.auditRecorded(concernId, intent.eventId);
}

/**
 * Right after the change it records is stored: copies the intent, or, if that fails now, leaves it
 * for the scheduler's recovery pass, so the person is not told a stored change failed.
 */
export async function copyAuditIntent(deps: { concerns: ConcernStore; audit: AuditLog }, concernId: string, intent: AuditIntent): Promise<void> {
  await recordAuditIntent(deps, concernId, intent).catch(() => undefined);
}

/**
 * Copies into the audit log every intent a process left behind (it died, or the audit table was
 * unreachable, between the concern's write and the audit's). Run at start and on every scheduler
 * pass; returns how many it copied.
 */
export async function recoverAuditIntents(deps: { concerns: ConcernStore; audit: AuditLog }): Promise<number> {
  const pending = await deps.concerns.pendingAudits();
  for (const { concernId, ...intent } of pending) await recordAuditIntent(deps, concernId, intent);
  return pending.length;
}
