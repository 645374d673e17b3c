import type { Clock } from '../domain/clock.js';
import type { ConcernRecord } from '../domain/concernRecord.js';
import type { AuditAction, AuditLog } from '../storage/auditLog.js';
import type { ConcernStore } from '../storage/concernStore.js';
import { concernIdSchema, type Actor } from './concernService.js';
import type { Directory } from './directory.js';
import { refusal, type Refused } from './results.js';

export interface LeadAccessDeps {
  concerns: ConcernStore;
  audit: AuditLog;
  directory: Directory;
  clock: Clock;
}

/** A concern as read for a change: the record and the ETag it was read with. */
export type LoadedConcern = { record: ConcernRecord; etag: string };

/** Appends one audit row about a concern (or about an attempt on one). Reasons are the server's words, never user text. */
export async function auditConcern(
  deps: Pick<LeadAccessDeps, 'audit' | 'clock'>,
  actor: Actor,
  action: AuditAction,
  concernId: string | undefined,
  outcome: 'allowed' | 'refused',
  reason?: string,
): Promise<void> {
  await deps.audit.append({
    at: deps.clock.now().toISOString(),
    actorId: actor.aadObjectId,
    action,
    outcome,
    ...(concernId ? { concernId } : {}),
    ...(reason ? { reason } : {}),
  });
}

/**
 * The concern for a Modern Slavery Lead or deputy, decided from the person the activity came from;
 * anyone else, and an id the server never made, is refused and the refusal audited (as
 * ConcernService does for the workflow's commands).
 */
export async function loadForLead(deps: LeadAccessDeps, actor: Actor, concernId: unknown, what: string): Promise<LoadedConcern | Refused> {
  const id = concernIdSchema.safeParse(concernId);
  if (!deps.directory.roles(actor).modernSlaveryLead) {
    await auditConcern(deps, actor, 'concern.refused', id.success ? id.data : undefined, 'refused', `${what}: not a Modern Slavery Lead`);
    return refusal('Only the Modern Slavery Lead and deputies can see or change a concern.');
  }
  const loaded = id.success ? await deps.concerns.get(id.data) : undefined;
  if (!loaded) {
    await auditConcern(deps, actor, 'concern.refused', undefined, 'refused', `${what}: unknown concern id`);
    return refusal('That concern could not be found.');
  }
  return loaded;
}

export const isRefused = (result: LoadedConcern | Refused): result is Refused => 'kind' in result && result.kind === 'refused';
