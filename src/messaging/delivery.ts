import type { UndeliveredReason, WaitingFor } from '../domain/outbox.js';
import type { StoredOutboxEntry } from '../storage/outboxStore.js';

/**
 * Who hears about messages that cannot go out is service work; the dispatcher only reports them.
 * Both are called after the entry's own state is recorded.
 */
export interface DeliveryProblemHandler {
  /** An attempt found the recipient unreachable for now (not installed, channel not linked); `entry.attempts` says which. */
  waiting(entry: StoredOutboxEntry, waitingFor: WaitingFor): Promise<void>;
  /** The message will not be delivered (blocked, gone, or retries used up). */
  undeliverable(entry: StoredOutboxEntry, reason: UndeliveredReason): Promise<void>;
}

/** A failed send, with the connector's HTTP status when there was one. */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly retryAfterMs?: number,
    /** The recipient has not installed the app, or the group has no linked channel yet. */
    readonly waitingFor?: WaitingFor,
  ) {
    super(message);
  }
}

/** Sends one entry to Teams (or finds it superseded); throws DeliveryError on failure. */
export type DeliverEntry = (entry: StoredOutboxEntry) => Promise<{ activityId?: string; superseded?: boolean }>;
