import type { Application, TurnState } from '@microsoft/teams-ai';
import type { TurnContext } from 'botbuilder';
import { messageCard } from '../cards/messageCard.js';
import { CardTooLargeError, type Card } from '../cards/renderCard.js';
import type { Verb } from '../cards/verbs.js';
import type { Actor } from '../services/results.js';
import { typedCommand } from './commands.js';
import { actorOf, sendCard, showCard } from './turn.js';

export type CardData = Record<string, unknown>;

/**
 * Registers one card action for both ways Teams can send it: Action.Execute (an invoke, answered
 * with the card that replaces the clicked one) and its Action.Submit fallback (a message with
 * `value.verb`, answered with a new message). One handler, so the two can never disagree; it is
 * handed the person the guard resolved.
 */
export function onCardAction(app: Application<TurnState>, verb: Verb, handler: (actor: Actor, data: CardData, context: TurnContext) => Promise<Card>): void {
  app.adaptiveCards.actionExecute<CardData>(verb, async (context, _state, data) => {
    await showCard(context, await cardOrTooLarge(() => handler(actorOf(context), data, context)));
    return ''; // the invoke was answered above; teams-ai sends nothing more
  });
  app.adaptiveCards.actionSubmit<CardData>(verb, async (context, _state, data) => {
    await showCard(context, await cardOrTooLarge(() => handler(actorOf(context), data, context)));
  });
}

/**
 * Registers a typed command ("status", "draft strategy"). `command` is matched against the
 * normalised text (commands.ts: "Status?" is "status"), and the handler is handed that match, so
 * what it parses (a template, a group after "link") is exactly what matched. Its answer is sent as
 * a card; a handler that sends its own answers (files) returns nothing. Card submits are never
 * taken for commands.
 */
export function onCommand(
  app: Application<TurnState>,
  command: RegExp,
  handler: (actor: Actor, context: TurnContext, match: RegExpExecArray) => Promise<Card | undefined>,
): void {
  const match = (context: TurnContext) => {
    const typed = typedCommand(context);
    return typed === undefined ? null : command.exec(typed);
  };
  app.message(
    (context) => Promise.resolve(match(context) !== null),
    async (context) => {
      const answer = await cardOrTooLarge(() => handler(actorOf(context), context, match(context)!));
      if (answer) await sendCard(context, answer);
    },
  );
}

/**
 * A card too big for Teams is answered with a short message rather than "something went wrong";
 * the message does not claim success, because the work behind it may have been refused.
 */
async function cardOrTooLarge<T extends Card | undefined>(make: () => Promise<T>): Promise<T | Card> {
  try {
    return await make();
  } catch (error) {
    if (!(error instanceof CardTooLargeError)) throw error;
    return messageCard(
      'Too long to show here',
      'The answer is too long to show on a Teams card. Type "status" to see where things stand, or "help".',
      'attention',
    );
  }
}
