import type { Application, TurnState } from '@microsoft/teams-ai';
import type { TurnContext } from 'botbuilder';
import { escapeMarkdown } from '../cards/markdown.js';
import { messageCard } from '../cards/messageCard.js';
import { channelWelcomeCard, notUnderstoodCard, welcomeCard } from '../cards/welcomeCard.js';
import type { Directory } from '../services/directory.js';
import { onCommand } from './cardActions.js';
import { COMMANDS } from './commands.js';
import { answerInvoke, isInvoke, isPersonalChat, sendCard } from './turn.js';

export const HELP_COMMAND = COMMANDS.help;

/**
 * The welcome or help card. In a personal chat it is the person's own (their name, roles and
 * commands); anywhere else everyone reads it, so it names nobody and says what the bot does there.
 */
function welcomeFor(context: TurnContext, directory: Directory) {
  if (!isPersonalChat(context)) return channelWelcomeCard();
  const from = context.activity.from;
  return welcomeCard(escapeMarkdown(from?.name ?? ''), directory.roles(from?.aadObjectId));
}

/** The answer to a message that is not a command: what this person can do, as buttons. */
function notUnderstoodFor(context: TurnContext, directory: Directory) {
  if (!isPersonalChat(context)) return channelWelcomeCard({ notUnderstood: true });
  return notUnderstoodCard(directory.roles(context.activity.from?.aadObjectId));
}

/** Install welcome, help, and the answers for anything no other handler took. Register last. */
export function registerWelcomeHandlers(app: Application<TurnState>, directory: Directory): void {
  app.activity('installationUpdate', async (context) => {
    const action = (context.activity as { action?: string }).action ?? '';
    if (action.startsWith('add')) await sendCard(context, welcomeFor(context, directory));
  });

  onCommand(app, HELP_COMMAND, (_actor, context) => Promise.resolve(welcomeFor(context, directory)));

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
    await sendCard(
      context,
      unknownVerb ? messageCard('Sorry', 'That button is not known any more. Type "help" to see what the bot can do.') : notUnderstoodFor(context, directory),
    );
  });
}

const ActivityTypesInvoke = (context: TurnContext) => Promise.resolve(isInvoke(context));
