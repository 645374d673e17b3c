import type { Clock } from '../domain/clock.js';
import { holdings, rosterFragment, sameHolders, type Roster } from '../domain/people.js';
import type { Logger } from '../logger.js';
import type { AuditIntent, AuditLog } from '../storage/auditLog.js';
import { RosterChangedError, type PeopleStore, type StoredRoster } from '../storage/peopleStore.js';
import { auditIntent } from './auditIntents.js';
import type { Directory } from './directory.js';
import type { Actor, Refused } from './results.js';

export interface RosterKeeperDeps {
  store: PeopleStore;
  directory: Directory;
  audit: AuditLog;
  clock: Clock;
  logger: Logger;
}

/** What a change decided, given the roster as it is now: refused, nothing to do, or a new roster and what to audit. */
export type Decision<T> = Refused | { kind: 'unchanged'; detail: T } | { kind: 'change'; roster: Roster; reasons: string[]; detail: T };

/** How often every instance reads the roster's version to notice a change made by another instance. */
export const ROSTER_POLL_MS = 5_000;

/**
 * Keeps the Directory's snapshot of the roster in step with storage. At start it loads the roster
 * (seeding it from the protocol file on the very first start only). A change made here is written
 * with the ETag of the roster it was decided on and replaces the snapshot at once; a change made by
 * another instance is seen within ROSTER_POLL_MS by polling the roster's version (one point read),
 * and the roster is read again only when the version moved. A poll that fails keeps the last good
 * snapshot and is logged; the next one tries again.
 */
export class RosterKeeper {
  private version = 0;
  private timer: NodeJS.Timeout | undefined;
  private checking: Promise<void> | undefined;
  /** Audit events this process is copying now. */
  private readonly recording = new Set<string>();

  private constructor(private readonly deps: RosterKeeperDeps) {}

  /** Loads the roster, seeding it from the protocol file if storage has none yet. */
  static async open(deps: RosterKeeperDeps, file: Roster): Promise<RosterKeeper> {
    const keeper = new RosterKeeper(deps);
    let stored = await deps.store.read();
    if (!stored) {
      const now = deps.clock.now();
      const seed = rosterFragment(file);
      // Logged, not audited: no one changed anything, and a read-only command (audit:verify) on fresh storage must not write the audit log.
      const seeded = await deps.store.seed(seed, now);
      stored = (await deps.store.read())!;
      if (seeded) deps.logger.info('people.seeded', { roles: holdings(seed).length });
    } else {
      // Said once per start, so an operator who edited the file's people and restarted learns why nothing changed.
      deps.logger.info('people.managed_in_teams', {
        message: 'Roles are managed in Teams ("people", "members"); the protocol file seeded them on first start and its people are not read again.',
        fileDiffers: !sameHolders(file, stored.roster),
      });
    }
    keeper.adopt(stored);
    await keeper.recordAudits(stored.pendingAudits);
    return keeper;
  }

  /** Polls for changes made by other instances until stop(). */
  start(intervalMs = ROSTER_POLL_MS): void {
    this.timer = setInterval(() => void this.refresh(), intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.checking;
  }

  /** Reads the version; reads the roster again if another instance changed it. Never throws: a failure is logged. */
  refresh(): Promise<void> {
    this.checking ??= (async () => {
      try {
        const version = await this.deps.store.version();
        if (version === undefined || version <= this.version) return;
        const stored = await this.deps.store.read();
        if (stored) this.adopt(stored);
        if (stored?.pendingAudits.length) await this.recordAudits(stored.pendingAudits);
      } catch (error) {
        this.deps.logger.warn('people.refresh_failed', { error: String(error).slice(0, 200) });
      } finally {
        this.checking = undefined;
      }
    })();
    return this.checking;
  }

  /**
   * Makes a change decided on the roster as it is in storage now: `decide` sees the latest roster
   * (never a stale snapshot), and if someone else changes it before the write, it decides again on
   * theirs. The change and its audit events are one write; the events are copied into the audit
   * log at once (and at the next start or refresh if this process stops in between).
   */
  async change<T>(actor: Actor, decide: (roster: Roster) => Decision<T>): Promise<Decision<T>> {
    for (let attempt = 1; ; attempt++) {
      const stored = (await this.deps.store.read())!;
      this.adopt(stored);
      const decision = decide(stored.roster);
      if (decision.kind !== 'change') return decision;
      try {
        const saved = await this.deps.store.replace(stored, decision.roster, this.audits(actor, decision.reasons), this.deps.clock.now());
        this.adopt(saved);
        await this.recordAudits(saved.pendingAudits);
        return decision;
      } catch (error) {
        if (!(error instanceof RosterChangedError) || attempt >= 10) throw error;
      }
    }
  }

  private audits(actor: Actor, reasons: string[]): AuditIntent[] {
    const at = this.deps.clock.now().toISOString();
    return reasons.map((reason) => auditIntent({ at, actorId: actor.aadObjectId, action: 'people.changed', outcome: 'allowed', reason }));
  }

  /**
   * Copies audit events into the log (idempotent by event id), then clears them from the roster.
   * Two changes here at once can both find an event pending: it is copied by the first only.
   */
  private async recordAudits(pending: AuditIntent[]): Promise<void> {
    const mine = pending.filter((p) => !this.recording.has(p.eventId));
    if (!mine.length) return;
    for (const p of mine) this.recording.add(p.eventId);
    try {
      await Promise.all(mine.map(({ event, eventId }) => this.deps.audit.append(event, eventId)));
      await this.deps.store.auditsRecorded(mine.map((p) => p.eventId));
    } finally {
      for (const p of mine) this.recording.delete(p.eventId);
    }
  }

  /** The snapshot every service reads from now on, unless it is older than the one already held. */
  private adopt(stored: StoredRoster): void {
    if (stored.version < this.version) return;
    this.version = stored.version;
    this.deps.directory.replace(stored.roster);
  }
}
