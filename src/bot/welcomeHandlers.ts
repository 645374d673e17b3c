import type { Application, TurnState } from '@microsoft/teams-ai';
import type { TurnContext } from 'botbuilder';
import { escapeMarkdown } from '../cards/markdown.js';
import { messageCard } from '../cards/messageCard.js';
import { welcomeCard } from '../cards/welcomeCard.js';
import type { Directory } from '../services/directory.js';
import { answerInvoke, isInvoke, sendCard } from './turn.js';

export const HELP_COMMAND = /^\s*(help|hi|hello|start|\?)\s*$/i;

function welcomeFor(context: TurnContext, directory: Directory) {
  const from = context.activity.from;
  return welcomeCard(escapeMarkdown(from?.name ?? ''), directory.roles(from?.aadObjectId));
}

/** Install welcome, help, and the answers for anything no other handler took. Register last. */
export function registerWelcomeHandlers(app: Application<TurnState>, directory: Directory): void {
  app.activity('installationUpdate', async (context) => {
    const action = (context.activity as { action?: string }).action ?? '';
    if (action.startsWith('add')) await sendCard(context, welcomeFor(context, directory));
  });

  app.message(HELP_COMMAND, async (context) => sendCard(context, welcomeFor(context, directory)));

  // Card actions with a verb nobody handles, and any other invoke: a clear answer, never a 501.
  app.activity(ActivityTypesInvoke, async (context) => {
    await answerInvoke(
      context,
      {
        statusCode: 400,
        type: 'application/vnd.microsoft.error',
        value: { code: 'BadRequest', message: 'This action is not known. Type "help" to see what the bot can do.' },
      },
      200,
    );
  });

  app.activity('message', async (context) => {
    const unknownVerb = typeof (context.activity.value as { verb?: unknown } | undefined)?.verb === 'string';
    const text = unknownVerb
      ? 'That button is not known any more. Type "help" to see what the bot can do.'
      : 'I did not understand that. Type "raise concern" to raise a concern, or "help" to see what I can do.';
    await sendCard(context, messageCard('Sorry', text));
  });
}

const ActivityTypesInvoke = (context: TurnContext) => Promise.resolve(isInvoke(context));
