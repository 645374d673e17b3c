import type { Application, TurnState } from '@microsoft/teams-ai';
import type { TurnContext } from 'botbuilder';
import { messageCard } from '../cards/concernCards.js';
import { CardTooLargeError } from '../cards/renderCard.js';
import { showCard } from './turn.js';

type Card = Record<string, unknown>;

/**
 * Registers one card action for both ways Teams can send it: Action.Execute (an invoke, answered
 * with the card that replaces the clicked one) and its Action.Submit fallback (a message with
 * `value.verb`, answered with a new message). One handler, so the two can never disagree.
 */
export function onCardAction(
  app: Application<TurnState>,
  verb: string,
  handler: (context: TurnContext, data: Record<string, unknown>) => Promise<Card>,
): void {
  app.adaptiveCards.actionExecute<Record<string, unknown>>(verb, async (context, _state, data) => {
    await showCard(context, await cardOrTooLarge(() => handler(context, data)));
    return ''; // the invoke was answered above; teams-ai sends nothing more
  });
  app.adaptiveCards.actionSubmit<Record<string, unknown>>(verb, async (context, _state, data) => {
    await showCard(context, await cardOrTooLarge(() => handler(context, data)));
  });
}

/**
 * A card too big for Teams is answered with a short message rather than "something went wrong";
 * the message does not claim success, because the work behind it may have been refused.
 */
export async function cardOrTooLarge(make: () => Promise<Card>): Promise<Card> {
  try {
    return await make();
  } catch (error) {
    if (!(error instanceof CardTooLargeError)) throw error;
    return messageCard('Too long to show here', 'The answer is too long to show on a Teams card. Type "status" to see where things stand, or "help".', 'attention');
  }
}
