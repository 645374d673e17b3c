import { ActivityTypes, MessageFactory, type TurnContext } from 'botbuilder';
import { messageCard } from '../cards/concernCards.js';
import { cardAttachment } from '../cards/renderCard.js';
import type { Actor } from '../services/concernService.js';

type Card = Record<string, unknown>;

/** The person acting, from the activity itself; undefined when Teams did not say who it is. */
export function actorOf(context: TurnContext): Actor | undefined {
  const from = context.activity.from;
  if (!from?.aadObjectId) return undefined;
  return { aadObjectId: from.aadObjectId, name: from.name?.trim() || 'Unknown' };
}

/** The tenant the activity came from, as Teams reports it. */
export function tenantOf(context: TurnContext): string | undefined {
  const channelData = context.activity.channelData as { tenant?: { id?: string } } | undefined;
  return channelData?.tenant?.id ?? context.activity.conversation?.tenantId;
}

export function isInvoke(context: TurnContext): boolean {
  return context.activity.type === (ActivityTypes.Invoke as string);
}

/** A channel's conversation id without the thread part, so every thread maps to its channel. */
export function channelConversationId(context: TurnContext): string | undefined {
  const conversation = context.activity.conversation;
  if (conversation?.conversationType !== 'channel') return undefined;
  return conversation.id.split(';')[0];
}

/** Answers an invoke directly, so the 5-second reply goes out as soon as the work is done. */
export async function answerInvoke(context: TurnContext, body: unknown, status = 200): Promise<void> {
  await context.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status, body } });
}

/** Answers an Action.Execute with a card that replaces the one the person clicked. */
export async function answerWithCard(context: TurnContext, card: Card): Promise<void> {
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

export function refusalCard(text: string): Card {
  return messageCard('Not allowed', text, 'attention');
}
