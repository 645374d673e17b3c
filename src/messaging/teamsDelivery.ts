import type { CloudAdapter, ConversationReference } from 'botbuilder';
import { MessageFactory } from 'botbuilder';
import { channelNoticeCard, leadCard } from '../cards/concernCards.js';
import { cardAttachment } from '../cards/renderCard.js';
import type { Clock } from '../domain/clock.js';
import { GROUP_INFO, isGroupId, type GroupId } from '../domain/groups.js';
import type { Protocol } from '../domain/protocol.js';
import { TEMPLATE_NAMES, type TemplateId } from '../domain/templates.js';
import { leadTeamsUserIds } from '../services/leadDirectory.js';
import type { ConcernStore } from '../storage/concernStore.js';
import type { ConversationStore, GroupChannelStore } from '../storage/conversationStore.js';
import type { StoredOutboxEntry } from '../storage/outboxStore.js';
import type { ProtocolStore } from '../storage/protocolStore.js';
import { daysBetween, localDate } from '../domain/calendar.js';
import { deadlineWords } from '../domain/schedule.js';
import { awaitingSubmission } from '../domain/submission.js';
import { escalationMessage, reminderMessage, reviewMessage, undeliveredMessage, type EscalationPayload, type ReminderPayload, type ReviewPayload } from './messages.js';
import { DeliveryError, type DeliverEntry } from './outboxDispatcher.js';
import { RateLimiter, TEAMS_CONVERSATION_LIMITS, TEAMS_TENANT_LIMITS } from './rateLimiter.js';
import { parseRetryAfter } from './retryPolicy.js';

export interface TeamsDeliveryDeps {
  adapter: CloudAdapter;
  /** The bot's app id; empty for local development without authentication. */
  appId: string;
  protocol: Protocol;
  concerns: ConcernStore;
  protocolStore: ProtocolStore;
  conversations: ConversationStore;
  groupChannels: GroupChannelStore;
  clock: Clock;
  limiter?: RateLimiter;
}

type Card = Record<string, unknown>;

/**
 * Turns an outbox entry into a Teams message and sends it proactively. Concern messages are
 * rendered from the concern as stored now, so a late delivery shows the current state; other
 * messages carry their content in the entry.
 */
export function teamsDelivery(deps: TeamsDeliveryDeps): DeliverEntry {
  const limiter = deps.limiter ?? new RateLimiter(TEAMS_CONVERSATION_LIMITS, TEAMS_TENANT_LIMITS);
  const people = [...deps.protocol.modernSlaveryLeads, ...deps.protocol.deputies, ...deps.protocol.coordinators, ...deps.protocol.groups.flatMap((g) => [...g.leads, ...g.members])];
  const nameOf = (aadObjectId: string) => people.find((p) => p.aadObjectId === aadObjectId)?.name ?? 'a recipient';

  async function personal(aadObjectId: string): Promise<Partial<ConversationReference>> {
    const reference = await deps.conversations.personal(aadObjectId);
    if (!reference) throw new DeliveryError('app not installed for recipient', 404, undefined, 'install');
    return reference;
  }

  async function channel(group: string): Promise<Partial<ConversationReference>> {
    if (!isGroupId(group)) throw new DeliveryError('unknown group', 404);
    const link = await deps.groupChannels.get(group);
    const reference = link && (await deps.conversations.channel(link.channelKey));
    if (!reference) throw new DeliveryError('group channel not linked', 404, undefined, 'link');
    return reference;
  }

  async function concernOf(entry: StoredOutboxEntry) {
    const stored = await deps.concerns.get(entry.ownerId);
    if (!stored) throw new DeliveryError('concern missing', 404);
    return stored.record;
  }

  const payloadOf = <T>(entry: StoredOutboxEntry) => JSON.parse(entry.payload ?? '{}') as T;

  /**
   * A reminder is sent only if it is still the latest one recorded and the template is still not
   * submitted; what it says (days left, status) is worked out now, not when it was recorded.
   */
  async function reminderCard(entry: StoredOutboxEntry): Promise<Card | undefined> {
    const payload = payloadOf<ReminderPayload>(entry);
    const [{ record }, recorded] = await Promise.all([deps.protocolStore.status(payload.group, payload.template), deps.protocolStore.remindersSent(payload.group, payload.template)]);
    if (!awaitingSubmission(record.status) || recorded.at(-1)?.step !== payload.step) return undefined;
    const { deadline, timeZone } = deps.protocol;
    return reminderMessage(payload, { daysLeft: daysBetween(localDate(deps.clock.now(), timeZone), deadline), status: record.status, deadline: deadlineWords(deadline, timeZone) });
  }

  /** What to send where, for each kind of entry; undefined when it is no longer worth sending. */
  async function render(entry: StoredOutboxEntry): Promise<{ reference: Partial<ConversationReference>; card: Card } | undefined> {
    switch (entry.kind) {
      case 'leadCard': {
        const concern = await concernOf(entry);
        const [reference, events, refreshUserIds] = await Promise.all([personal(entry.recipient), deps.concerns.events(concern.id), leadTeamsUserIds(deps.protocol, deps.conversations)]);
        return { reference, card: leadCard(concern, { timeZone: deps.protocol.timeZone, events, refreshUserIds }) };
      }
      case 'channelNotice':
        return { reference: await channel(entry.recipient), card: channelNoticeCard(await concernOf(entry), entry.recipient as GroupId) };
      case 'escalation': {
        const concern = await concernOf(entry);
        if (concern.status !== 'new') return undefined; // acknowledged meanwhile
        return { reference: await personal(entry.recipient), card: escalationMessage(concern, payloadOf<EscalationPayload>(entry), deps.protocol.timeZone) };
      }
      case 'reminder':
      case 'reminderChannel': {
        const card = await reminderCard(entry);
        if (!card) return undefined;
        return { reference: entry.kind === 'reminder' ? await personal(entry.recipient) : await channel(entry.recipient), card };
      }
      case 'review':
        return { reference: await personal(entry.recipient), card: reviewMessage(payloadOf<ReviewPayload>(entry)) };
      case 'coordinatorNotice':
        return { reference: await personal(entry.recipient), card: undeliveredMessage(entry.about, await subjectOf(entry), nameOf) };
    }
  }

  /** What an undelivered entry was about, in words: a concern reference or a group's template. */
  async function subjectOf(entry: StoredOutboxEntry): Promise<string> {
    const [group, template] = entry.ownerId.split('|');
    if (template && group && isGroupId(group)) return `the ${GROUP_INFO[group].name} ${TEMPLATE_NAMES[template as TemplateId] ?? template}`;
    return `concern ${(await concernOf(entry)).reference}`;
  }

  return async (entry) => {
    const rendered = await render(entry);
    if (!rendered) return { superseded: true };
    const { reference, card } = rendered;
    await limiter.acquire(reference.conversation?.id ?? entry.recipient);
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
