import type { CloudAdapter, ConversationReference } from 'botbuilder';
import { MessageFactory } from 'botbuilder';
import { channelNoticeCard, leadCard, messageCard } from '../cards/concernCards.js';
import { cardAttachment } from '../cards/renderCard.js';
import type { Clock } from '../domain/clock.js';
import { GROUP_INFO, isGroupId } from '../domain/groups.js';
import type { Protocol } from '../domain/protocol.js';
import { leadTeamsUserIds } from '../services/leadDirectory.js';
import type { ConcernStore } from '../storage/concernStore.js';
import type { ConversationStore, GroupChannelStore } from '../storage/conversationStore.js';
import type { StoredOutboxEntry } from '../storage/outboxStore.js';
import { DeliveryError, type DeliverEntry } from './outboxDispatcher.js';
import { RateLimiter, TEAMS_CONVERSATION_LIMITS, TEAMS_TENANT_LIMITS } from './rateLimiter.js';
import { parseRetryAfter } from './retryPolicy.js';

export interface TeamsDeliveryDeps {
  adapter: CloudAdapter;
  /** The bot's app id; empty for local development without authentication. */
  appId: string;
  protocol: Protocol;
  concerns: ConcernStore;
  conversations: ConversationStore;
  groupChannels: GroupChannelStore;
  clock: Clock;
  limiter?: RateLimiter;
}

const KIND_NAMES: Record<StoredOutboxEntry['kind'], string> = {
  leadCard: "the Modern Slavery Lead's card",
  channelNotice: 'the group channel notice',
  coordinatorNotice: 'a coordinator notice',
};

/**
 * Turns an outbox entry into a Teams message and sends it proactively. The content is rendered from
 * the concern as stored now, so a late delivery shows the current state.
 */
export function teamsDelivery(deps: TeamsDeliveryDeps): DeliverEntry {
  const limiter = deps.limiter ?? new RateLimiter(TEAMS_CONVERSATION_LIMITS, TEAMS_TENANT_LIMITS);
  const people = [...deps.protocol.modernSlaveryLeads, ...deps.protocol.deputies, ...deps.protocol.coordinators];
  const nameOf = (aadObjectId: string) => people.find((p) => p.aadObjectId === aadObjectId)?.name ?? 'a recipient';

  async function render(entry: StoredOutboxEntry): Promise<{ reference: Partial<ConversationReference>; card: Record<string, unknown> }> {
    const stored = await deps.concerns.get(entry.ownerId);
    if (!stored) throw new DeliveryError('concern missing', 404);
    const concern = stored.record;
    if (entry.kind === 'channelNotice') {
      if (!isGroupId(entry.recipient)) throw new DeliveryError('unknown group', 404);
      const link = await deps.groupChannels.get(entry.recipient);
      const reference = link && (await deps.conversations.channel(link.channelKey));
      if (!reference) throw new DeliveryError('group channel not linked', 404);
      return { reference, card: channelNoticeCard(concern, entry.recipient) };
    }
    const reference = await deps.conversations.personal(entry.recipient);
    if (!reference) throw new DeliveryError('app not installed for recipient', 404);
    if (entry.kind === 'leadCard') {
      const refreshUserIds = await leadTeamsUserIds(deps.protocol, deps.conversations);
      const events = await deps.concerns.events(concern.id);
      return { reference, card: leadCard(concern, { timeZone: deps.protocol.timeZone, events, refreshUserIds }) };
    }
    const [kind, recipient, status] = (entry.about ?? '').split('|');
    const failedKind = KIND_NAMES[kind as StoredOutboxEntry['kind']] ?? 'a message';
    const target = kind === 'channelNotice' && recipient && isGroupId(recipient) ? `the ${GROUP_INFO[recipient].name} channel` : nameOf(recipient ?? '');
    const why = status === '404' ? 'the app is not installed there or the channel is not linked' : status === '403' ? 'the app is blocked or not allowed there' : `it kept failing (${status ?? 'unknown'})`;
    return {
      reference,
      card: messageCard(
        `Undelivered: ${concern.reference}`,
        `${failedKind} for concern ${concern.reference} could not be delivered to ${target}: ${why}. Please fix this (install the app, or link the channel with "link <group>") so that no concern is missed.`,
        'attention',
      ),
    };
  }

  return async (entry) => {
    const { reference, card } = await render(entry);
    const conversationId = reference.conversation?.id ?? entry.recipient;
    await limiter.acquire(conversationId);
    let activityId: string | undefined;
    let failure: unknown;
    // The adapter hands errors thrown inside the callback to its turn-error handler, so the
    // failure is caught here and rethrown below, where the outbox can decide to retry.
    await deps.adapter.continueConversationAsync(deps.appId, { ...reference, activityId: undefined }, async (context) => {
      try {
        const response = await context.sendActivity(MessageFactory.attachment(cardAttachment(card)));
        activityId = response?.id;
      } catch (error) {
        failure = error;
      }
    });
    if (failure !== undefined) throw toDeliveryError(failure, deps.clock.now());
    return activityId ? { activityId } : {};
  };
}

/** Reads the HTTP status and Retry-After from whatever the Bot Framework connector threw. */
function toDeliveryError(error: unknown, now: Date): DeliveryError {
  const e = error as { statusCode?: number; message?: string; response?: { headers?: { get?(name: string): string | undefined } } };
  const status = typeof e?.statusCode === 'number' ? e.statusCode : undefined;
  const retryAfter = parseRetryAfter(e?.response?.headers?.get?.('retry-after'), now);
  return new DeliveryError(e?.message ?? 'send failed', status, retryAfter);
}
