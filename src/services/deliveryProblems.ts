import type { Clock } from '../domain/clock.js';
import { newOutboxEntry, UNREPORTED_KINDS, type UndeliveredReason, type WaitingFor } from '../domain/outbox.js';
import type { DeliveryProblemHandler } from '../messaging/delivery.js';
import type { AuditLog } from '../storage/auditLog.js';
import type { OutboxStore, StoredOutboxEntry } from '../storage/outboxStore.js';
import type { WaitingStore } from '../storage/waitingStore.js';
import { concernIdSchema } from './concernService.js';
import type { Directory } from './directory.js';

export interface DeliveryProblemDeps {
  waiting: WaitingStore;
  /** Where the coordinators' notices are queued (beside the waiting records). */
  notices: OutboxStore;
  directory: Directory;
  clock: Clock;
  /** Where refusals by Teams (403) are recorded. */
  audit: AuditLog;
  /** The concerns' outbox: a Lead card Teams refused is queued again there for the deputies. */
  concernOutbox: OutboxStore;
}

/** The partition of the coordinators' notice about one recipient's waiting messages. */
export const waitingPartition = (recipient: string) => `wait-${recipient}`;

/**
 * Decides who is told when a message cannot go out. A message waiting for someone to install the
 * app, or for a group's channel to be linked, is counted against that cause: the coordinators get
 * one notice per cause, updated as more messages queue behind it and again when it is put right.
 * A message that fails for good (blocked, gone) is reported on its own.
 */
export class DeliveryProblems implements DeliveryProblemHandler {
  constructor(private readonly deps: DeliveryProblemDeps) {}

  /**
   * Called on every attempt that finds the recipient unreachable. The message is counted on its
   * first attempt (or again if no open wait is recorded), and the notices are made sure of every
   * time, so a storage failure part-way through is put right by the next attempt.
   */
  async waiting(entry: StoredOutboxEntry, waitingFor: WaitingFor): Promise<void> {
    if (UNREPORTED_KINDS.includes(entry.kind)) return;
    const now = this.deps.clock.now();
    const open = await this.deps.waiting.get(entry.recipient);
    const count = entry.attempts === 1 || !open || open.resolvedAt !== undefined;
    if (count) await this.deps.waiting.add(entry.recipient, waitingFor, now);
    const partition = waitingPartition(entry.recipient);
    const notices = this.deps.directory
      .coordinators()
      .map((c) =>
        newOutboxEntry({ kind: 'waitingNotice', recipient: c.aadObjectId, now, key: 'waiting', payload: { recipient: entry.recipient, waitingFor } }),
      );
    await this.deps.notices.add(partition, notices); // insert-if-absent: one notice per coordinator and cause
    // A notice already sent is updated with the new count (or, after a resolved wait, the new one).
    if (count) await this.deps.notices.rearm(partition, now);
  }

  /**
   * Teams refused it (403) or it failed for good. A refusal is audited, whatever the message; a
   * refused Lead card goes to the deputies instead. Everything else reported is told to the
   * coordinators, without its content: they can put it right (unblock, re-add the app).
   */
  async undeliverable(entry: StoredOutboxEntry, reason: UndeliveredReason): Promise<void> {
    if (reason === '403') await this.auditRefusal(entry);
    if (UNREPORTED_KINDS.includes(entry.kind)) return;
    const instead = reason === '403' ? await this.sendInstead(entry) : undefined;
    const payload = { failedKind: entry.kind, recipient: entry.recipient, reason, owner: entry.ownerId, ...(instead ? { sentInsteadTo: instead } : {}) };
    const notices = this.deps.directory.coordinators().map((c) =>
      newOutboxEntry({
        kind: 'coordinatorNotice',
        recipient: c.aadObjectId,
        revision: entry.revision,
        now: this.deps.clock.now(),
        key: `${entry.kind}-${entry.recipient}-${reason}`,
        payload,
      }),
    );
    await this.deps.notices.add(`failed-${entry.ownerId}`, notices);
  }

  /** Who Teams refused, what kind of message and about which concern; never what it said. */
  private async auditRefusal(entry: StoredOutboxEntry): Promise<void> {
    await this.deps.audit.append({
      at: this.deps.clock.now().toISOString(),
      actorId: entry.recipient,
      action: 'request.refused',
      outcome: 'refused',
      reason: `delivery refused 403: ${entry.kind}`,
      ...(concernIdSchema.safeParse(entry.ownerId).success ? { concernId: entry.ownerId } : {}),
    });
  }

  /**
   * A refused Lead card is queued for each deputy (who acts on concerns like a Lead), in the
   * concern's own outbox, so it shows the concern as it is when sent. Insert-if-absent: two Leads
   * refusing give each deputy one card. Coordinators never get a Lead card: they may not see concerns.
   */
  private async sendInstead(entry: StoredOutboxEntry): Promise<'deputies' | undefined> {
    if (entry.kind !== 'leadCard') return undefined;
    const leads = new Set(this.deps.directory.leads().map((p) => p.aadObjectId));
    const deputies = this.deps.directory.leadsAndDeputies().filter((p) => !leads.has(p.aadObjectId) && p.aadObjectId !== entry.recipient);
    if (!deputies.length || entry.source !== this.deps.concernOutbox.source) return undefined;
    const now = this.deps.clock.now();
    const cards = deputies.map((d) => newOutboxEntry({ kind: 'leadCard', recipient: d.aadObjectId, revision: entry.revision, now, key: 'instead' }));
    await this.deps.concernOutbox.add(entry.ownerId, cards);
    return 'deputies';
  }

  /** The person installed the app or the channel was linked: the notice says the wait is over. */
  async resolved(recipient: string): Promise<void> {
    const now = this.deps.clock.now();
    if (await this.deps.waiting.resolve(recipient, now)) await this.deps.notices.rearm(waitingPartition(recipient), now);
  }
}
