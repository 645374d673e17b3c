import type { Application, TurnState } from '@microsoft/teams-ai';
import type { TurnContext } from 'botbuilder';
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
    await showCard(context, await handler(context, data));
    return ''; // the invoke was answered above; teams-ai sends nothing more
  });
  app.adaptiveCards.actionSubmit<Record<string, unknown>>(verb, async (context, _state, data) => {
    await showCard(context, await handler(context, data));
  });
}
