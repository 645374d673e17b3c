import { ActivityTypes, MessageFactory, type TurnContext } from 'botbuilder';
import type { Card } from '../cards/renderCard.js';
import { cardAttachment } from '../messaging/teamsCard.js';
import { channelKey } from '../storage/conversationStore.js';
import type { Actor } from '../services/results.js';

const ACTOR = Symbol('actor');

/** The person acting, from the activity itself (`from.aadObjectId`); undefined when Teams did not say. */
export function actorFromActivity(context: TurnContext): Actor | undefined {
  const from = context.activity.from;
  if (!from?.aadObjectId) return undefined;
  return { aadObjectId: from.aadObjectId, name: from.name?.trim() || 'Unknown' };
}

/** Set by the guard once it has checked who is acting, so handlers are handed a known person. */
export function setActor(context: TurnContext, actor: Actor): void {
  context.turnState.set(ACTOR, actor);
}

/**
 * The person the guard resolved. The guard refuses every message and invoke without an Entra
 * object id, so a handler never runs without one: reaching here without it is a bug, not a user error.
 */
export function actorOf(context: TurnContext): Actor {
  const actor = context.turnState.get<Actor | undefined>(ACTOR);
  if (!actor) throw new Error('a handler ran for an activity the guard did not resolve a person for');
  return actor;
}

/** The tenant the activity came from, as Teams reports it. */
export function tenantOf(context: TurnContext): string | undefined {
  const channelData = context.activity.channelData as { tenant?: { id?: string } } | undefined;
  return channelData?.tenant?.id ?? context.activity.conversation?.tenantId;
}

export function isInvoke(context: TurnContext): boolean {
  return context.activity.type === (ActivityTypes.Invoke as string);
}

/** For an installationUpdate: the app was added ('add', 'add-upgrade') or removed ('remove', 'remove-upgrade'); undefined for any other activity. */
export function installation(context: TurnContext): 'added' | 'removed' | undefined {
  if (context.activity.type !== 'installationUpdate') return undefined;
  const action = (context.activity as { action?: string }).action ?? '';
  return action.startsWith('add') ? 'added' : action.startsWith('remove') ? 'removed' : undefined;
}

/** Concerns are raised and listed only in a personal chat, so nothing of them is posted where others read. */
export function isPersonalChat(context: TurnContext): boolean {
  return context.activity.conversation?.conversationType === 'personal';
}

/** A channel's conversation id without the thread part, so every thread maps to its channel. */
export function channelConversationId(context: TurnContext): string | undefined {
  const conversation = context.activity.conversation;
  if (conversation?.conversationType !== 'channel') return undefined;
  return conversation.id.split(';')[0];
}

/** The storage key of the channel the activity came from, if it came from a team channel. */
export function channelKeyOf(context: TurnContext): string | undefined {
  const id = channelConversationId(context);
  return id ? channelKey(id) : undefined;
}

/** Answers an invoke directly, so the 5-second reply goes out as soon as the work is done. */
export async function answerInvoke(context: TurnContext, body: unknown, status = 200): Promise<void> {
  await context.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status, body } });
}

/** Answers an Action.Execute with a card that replaces the one the person clicked. */
async function answerWithCard(context: TurnContext, card: Card): Promise<void> {
  await answerInvoke(context, { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: card });
}

/** Sends a card as a new message in the current conversation. */
export async function sendCard(context: TurnContext, card: Card): Promise<void> {
  await context.sendActivity(MessageFactory.attachment(cardAttachment(card)));
}

/**
 * Shows a card in reply to a card action: the answer to an Action.Execute (replacing the card), or
 * a new message for the Action.Submit fallback.
 */
export async function showCard(context: TurnContext, card: Card): Promise<void> {
  if (isInvoke(context)) await answerWithCard(context, card);
  else await sendCard(context, card);
}
