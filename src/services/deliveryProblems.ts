import type { Clock } from '../domain/clock.js';
import { newOutboxEntry, UNREPORTED_KINDS, type UndeliveredReason, type WaitingFor } from '../domain/outbox.js';
import type { DeliveryProblemHandler } from '../messaging/delivery.js';
import type { OutboxStore, StoredOutboxEntry } from '../storage/outboxStore.js';
import type { WaitingStore } from '../storage/waitingStore.js';
import type { Directory } from './directory.js';

export interface DeliveryProblemDeps {
  waiting: WaitingStore;
  /** Where the coordinators' notices are queued (beside the waiting records). */
  notices: OutboxStore;
  directory: Directory;
  clock: Clock;
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

  async undeliverable(entry: StoredOutboxEntry, reason: UndeliveredReason): Promise<void> {
    if (UNREPORTED_KINDS.includes(entry.kind)) return;
    const payload = { failedKind: entry.kind, recipient: entry.recipient, reason, owner: entry.ownerId };
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

  /** The person installed the app or the channel was linked: the notice says the wait is over. */
  async resolved(recipient: string): Promise<void> {
    const now = this.deps.clock.now();
    if (await this.deps.waiting.resolve(recipient, now)) await this.deps.notices.rearm(waitingPartition(recipient), now);
  }
}
