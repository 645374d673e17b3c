import type { TrailEntry } from '../cards/trailCard.js';
import type { ConcernRecord } from '../domain/concernRecord.js';
import type { OutboxStore } from '../storage/outboxStore.js';
import { CaseDetailsService, type CaseDetailsServiceDeps } from './caseDetailsService.js';
import type { Actor } from './concernService.js';
import { auditConcern, isRefused, loadForLead, type LeadAccessDeps } from './leadAccess.js';
import type { Refused } from './results.js';
import { namesFor, subjectAccessFile, subjectAccessFileName } from './subjectAccess.js';

export interface ConcernRecordsServiceDeps extends LeadAccessDeps {
  /** The outbox entries beside the concerns (the concerns table's outbox). */
  outbox: OutboxStore;
}

export type TrailResult = Refused | { kind: 'trail'; concern: ConcernRecord; entries: TrailEntry[] };
export type ExportResult = Refused | { kind: 'file'; concern: ConcernRecord; name: string; bytes: Buffer };

/**
 * What the app holds about one concern, for the Modern Slavery Lead and deputies: who has seen or
 * changed it (its audit trail), and everything held, as a file for a subject access request.
 * Looking at the trail is itself audited; so is the export, when the file is actually sent.
 */
export class ConcernRecordsService {
  constructor(private readonly deps: ConcernRecordsServiceDeps) {}

  /** The concern's audit trail, this look at it included. */
  async trail(actor: Actor, concernId: unknown): Promise<TrailResult> {
    const loaded = await loadForLead(this.deps, actor, concernId, 'audit trail');
    if (isRefused(loaded)) return loaded;
    const { record } = loaded;
    await auditConcern(this.deps, actor, 'concern.trailViewed', record.id, 'allowed');
    const [audit, events] = await Promise.all([this.deps.audit.forConcern(record.id), this.deps.concerns.events(record.id)]);
    const nameOf = namesFor(this.deps.directory, record, events);
    const entries = audit.map((e) => ({
      at: e.at,
      who: nameOf(e.actorId) ?? e.actorId,
      action: e.action,
      outcome: e.outcome,
      ...(e.reason ? { reason: e.reason } : {}),
    }));
    return { kind: 'trail', concern: record, entries };
  }

  /**
   * The subject access file for a concern. It is made when offered (to give Teams its size) and
   * made again when the Lead accepts it; only the second is an export, and is audited then, just
   * before it is uploaded, so a file that reached someone's OneDrive always has its audit row.
   */
  async exportFile(actor: Actor, concernId: unknown, purpose: 'offer' | 'upload'): Promise<ExportResult> {
    const loaded = await loadForLead(this.deps, actor, concernId, 'export');
    if (isRefused(loaded)) return loaded;
    const { record } = loaded;
    const [events, audit, outbox] = await Promise.all([
      this.deps.concerns.events(record.id),
      this.deps.audit.forConcern(record.id),
      this.deps.outbox.list(record.id),
    ]);
    const bytes = subjectAccessFile({
      concern: record,
      events,
      audit,
      outbox,
      exportedAt: this.deps.clock.now(),
      exportedBy: actor,
      nameOf: namesFor(this.deps.directory, record, events),
    });
    if (purpose === 'upload') await auditConcern(this.deps, actor, 'concern.exported', record.id, 'allowed', 'subject access file (JSON)');
    return { kind: 'file', concern: record, name: subjectAccessFileName(record), bytes };
  }
}

/** The services behind the Lead card's records: case details and legal hold; the audit trail and the export. */
export function caseRecordServices(deps: CaseDetailsServiceDeps & ConcernRecordsServiceDeps) {
  return { caseDetails: new CaseDetailsService(deps), concernRecords: new ConcernRecordsService(deps) };
}
