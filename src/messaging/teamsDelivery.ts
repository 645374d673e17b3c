import type { TableClient } from '@azure/data-tables';
import type { CloudAdapter, ConversationReference } from 'botbuilder';
import { MessageFactory } from 'botbuilder';
import { CardTooLargeError, type Card } from '../cards/renderCard.js';
import type { Clock } from '../domain/clock.js';
import type { ConversationStore, GroupChannelStore } from '../storage/conversationStore.js';
import type { Logger } from '../logger.js';
import type { StoredOutboxEntry } from '../storage/outboxStore.js';
import { DeliveryError, type DeliverEntry } from './delivery.js';
import { RateLimiter, TEAMS_CONVERSATION_LIMITS, TEAMS_TENANT_LIMITS } from './rateLimiter.js';
import { afterRefusal, findConversation, type Destination } from './recipientConversation.js';
import { parseRetryAfter } from './retryPolicy.js';
import { cardAttachment } from './teamsCard.js';
import { sharedRateLimiter } from './tenantBudget.js';

export type { Destination } from './recipientConversation.js';

/** What an outbox entry says and where it goes, worked out when it is sent. */
export interface ComposedMessage {
  to: Destination;
  card: Card;
}

/**
 * Works out an entry's message from the records as they are now; undefined when it is no longer
 * worth sending. Deciding what to say is service work: delivery is handed this function.
 * `shortened` asks for the short form (reference, kind, a button to open it), for a card Teams
 * refused as too large; a card too large to render is shortened by the composer itself.
 */
export type ComposeMessage = (entry: StoredOutboxEntry, options?: { shortened?: boolean }) => Promise<ComposedMessage | undefined>;

export interface TeamsDeliveryDeps {
  adapter: CloudAdapter;
  /** The bot's app id; empty for local development without authentication. */
  appId: string;
  conversations: ConversationStore;
  groupChannels: GroupChannelStore;
  clock: Clock;
  compose: ComposeMessage;
  limiter?: RateLimiter;
  /** The table where the app's instances share the tenant's rate limit (tenantBudget.ts); without it, this process keeps the limits alone. */
  budget?: TableClient;
  logger?: Logger;
}

/**
 * Sends an outbox entry to Teams proactively: finds the stored conversation, keeps within Teams'
 * rate limits, and turns the connector's failures into DeliveryErrors the outbox can act on.
 */
export function teamsDelivery(deps: TeamsDeliveryDeps): DeliverEntry & { close(): Promise<void> } {
  const limiter = deps.limiter ?? (deps.budget ? sharedRateLimiter(deps.budget, deps.logger) : new RateLimiter(TEAMS_CONVERSATION_LIMITS, TEAMS_TENANT_LIMITS));

  async function send(entry: StoredOutboxEntry, reference: Partial<ConversationReference>, card: Card): Promise<string | undefined> {
    await limiter.acquire(reference.conversation?.id ?? entry.recipient);
    let activityId: string | undefined;
    let failure: unknown;
    // The adapter hands errors thrown inside the callback to its turn-error handler, so the
    // failure is caught here and rethrown below, where the outbox can decide to retry.
    await deps.adapter.continueConversationAsync(deps.appId, { ...reference, activityId: undefined }, async (context) => {
      try {
        const activity = MessageFactory.attachment(cardAttachment(card));
        // An entry that already sent its message (and was queued again) updates that message in place.
        if (entry.activityId) {
          await context.updateActivity({ ...activity, id: entry.activityId });
          activityId = entry.activityId;
        } else {
          activityId = (await context.sendActivity(activity))?.id;
        }
      } catch (error) {
        failure = error;
      }
    });
    if (failure !== undefined) throw toDeliveryError(failure, deps.clock.now());
    return activityId;
  }

  const deliver: DeliverEntry = async (entry) => {
    const message = await composeOrRefuse(deps.compose, entry);
    if (!message) return { superseded: true };
    const found = await findConversation(deps, message.to);
    let activityId: string | undefined;
    try {
      try {
        activityId = await send(entry, found.reference, message.card);
      } catch (error) {
        // Teams found the card too large after all (its limit is on the whole message): the short form, at once.
        if (!(error instanceof DeliveryError && error.status === 413)) throw error;
        const short = await deps.compose(entry, { shortened: true });
        if (!short) return { superseded: true };
        activityId = await send(entry, found.reference, short.card);
      }
    } catch (error) {
      if (!(error instanceof DeliveryError)) throw error;
      throw await afterRefusal(deps, found, error, { updating: Boolean(entry.activityId), now: deps.clock.now() });
    }
    return activityId ? { activityId } : {};
  };
  // Watched by the limiter: each request counted when it leaves, and a 429, even one the SDK retries by itself, pauses every instance.
  // `close` leaves the shared budget when the app stops.
  return Object.assign((entry: StoredOutboxEntry) => limiter.watch(() => deliver(entry)), { close: () => limiter.close() });
}

/** A message too big for a Teams card is refused like Teams would refuse it (413), never retried as a network failure. */
async function composeOrRefuse(compose: ComposeMessage, entry: StoredOutboxEntry): Promise<ComposedMessage | undefined> {
  try {
    return await compose(entry);
  } catch (error) {
    if (error instanceof CardTooLargeError) throw new DeliveryError('card too large for Teams', 413);
    throw error;
  }
}

/**
 * Whether a message to `to` could go out now: the person has installed the app, or the group's
 * channel is linked. For telling people truthfully what was sent and what waits.
 */
export function reachability(deps: Pick<TeamsDeliveryDeps, 'conversations' | 'groupChannels'>): (to: Destination) => Promise<boolean> {
  return async (to) => {
    if ('person' in to) return (await deps.conversations.personal(to.person)) !== undefined;
    const link = await deps.groupChannels.get(to.group);
    return link !== undefined && (await deps.conversations.channel(link.channelKey)) !== undefined;
  };
}

/** Reads the HTTP status and Retry-After from whatever the Bot Framework connector threw. */
function toDeliveryError(error: unknown, now: Date): DeliveryError {
  const e = error as { statusCode?: number; message?: string; response?: { headers?: { get?(name: string): string | undefined } } };
  const status = typeof e?.statusCode === 'number' ? e.statusCode : undefined;
  const retryAfter = parseRetryAfter(e?.response?.headers?.get?.('retry-after'), now);
  return new DeliveryError(e?.message ?? 'send failed', status, retryAfter);
}
