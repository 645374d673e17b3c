import { anonymisedRecord } from '../domain/anonymisation.js';
import { localDate } from '../domain/calendar.js';
import type { Clock } from '../domain/clock.js';
import type { ConcernRecord } from '../domain/concernRecord.js';
import { retentionState, type RetentionDate, type RetentionRules } from '../domain/retention.js';
import type { Logger } from '../logger.js';
import type { AuditLog } from '../storage/auditLog.js';
import { StaleConcernError, type ConcernStore } from '../storage/concernStore.js';
import type { RetentionStore } from '../storage/retentionStore.js';
import { auditIntent, copyAuditIntent } from './auditIntents.js';

/** Who the audit log names for what the retention pass does: no person acts. */
export const RETENTION_ACTOR = 'system:retention';

/** One concern in the pass's report: its reference and its dates, never anything typed. */
export interface RetentionItem extends Pick<RetentionDate, 'basis' | 'keepUntil' | 'rule'> {
  concernId: string;
  reference: string;
}

/** What a pass did (or, in a dry run, would do), concern by concern. */
export interface RetentionReport {
  at: string;
  dryRun: boolean;
  /** Anonymised by this pass (a dry run: would be). */
  anonymised: RetentionItem[];
  /** Kept on a Lead's legal hold, due or not. */
  held: RetentionItem[];
  /** Closed, kept until their date. */
  notYetDue: RetentionItem[];
  /** A Lead changed the concern while the pass was at it: nothing was changed, the next pass looks again. */
  changed: RetentionItem[];
  /** Anonymised by an earlier pass. */
  alreadyAnonymised: number;
}

export interface RetentionServiceDeps {
  store: RetentionStore;
  concerns: ConcernStore;
  audit: AuditLog;
  protocol: { retention: RetentionRules; timeZone: string };
  clock: Clock;
  logger: Logger;
}

/**
 * The retention pass: closed concerns past the protocol's retention period are anonymised (see
 * domain/anonymisation.ts for what goes and what stays), unless a Lead put them on legal hold.
 * Safe to run twice: an anonymised concern is left alone, and each change is conditional on the
 * record as read, so a Lead's change at the same moment is never overwritten.
 */
export class RetentionService {
  constructor(private readonly deps: RetentionServiceDeps) {}

  /** One pass as of `at`. A dry run reads and reports, and writes nothing. */
  async runPass(at: Date, options: { dryRun?: boolean } = {}): Promise<RetentionReport> {
    const dryRun = options.dryRun ?? false;
    const { store } = this.deps;
    const { retention: rules, timeZone } = this.deps.protocol;
    const report: RetentionReport = { at: at.toISOString(), dryRun, anonymised: [], held: [], notYetDue: [], changed: [], alreadyAnonymised: 0 };
    const closed = await store.closed();
    closed.sort((a, b) => a.record.reference.localeCompare(b.record.reference));
    for (const { record, etag, unfinished } of closed) {
      const state = retentionState(record, rules, timeZone, at);
      if (state.kind === 'anonymised') {
        if (unfinished && !dryRun) await store.finish(record.id);
        report.alreadyAnonymised += 1;
        continue;
      }
      if (state.kind === 'open') continue;
      const item: RetentionItem = {
        concernId: record.id,
        reference: record.reference,
        basis: state.date.basis,
        keepUntil: state.date.keepUntil,
        rule: state.date.rule,
      };
      if (state.kind === 'held') report.held.push(item);
      else if (state.kind === 'notYetDue') report.notYetDue.push(item);
      else if (dryRun) report.anonymised.push(item);
      else await this.anonymise(record, etag, item, at, report);
    }
    return report;
  }

  /**
   * The daily pass: the first call on each local day runs a pass and records it, later calls that
   * day do nothing (the scheduler calls this on every tick). Another instance may run the same day's
   * pass at the same moment; that is harmless, since each anonymisation happens once.
   */
  async runDaily(): Promise<RetentionReport | undefined> {
    const now = this.deps.clock.now();
    const day = localDate(now, this.deps.protocol.timeZone);
    if (await this.deps.store.ranOn(day)) return undefined;
    const report = await this.runPass(now);
    const counts = { anonymised: report.anonymised.length, held: report.held.length, notYetDue: report.notYetDue.length, changed: report.changed.length };
    await this.deps.store.recordRun(day, now, counts);
    // Counts and references only: the logs never hold what a concern says.
    this.deps.logger.info('retention.pass', { ...counts, anonymisedReferences: report.anonymised.map((i) => i.reference) });
    return report;
  }

  private async anonymise(record: ConcernRecord, etag: string, item: RetentionItem, at: Date, report: RetentionReport) {
    const intent = auditIntent({
      at: at.toISOString(),
      actorId: RETENTION_ACTOR,
      action: 'concern.anonymised',
      concernId: record.id,
      outcome: 'allowed',
      reason: `${record.reference}: ${item.rule}`,
    });
    try {
      await this.deps.store.anonymise(record, etag, anonymisedRecord(record, at), intent, this.deps.clock.now());
    } catch (error) {
      if (!(error instanceof StaleConcernError)) throw error;
      report.changed.push(item);
      return;
    }
    report.anonymised.push(item);
    await copyAuditIntent(this.deps, record.id, intent);
  }
}
