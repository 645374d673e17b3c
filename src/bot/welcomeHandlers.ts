import type { Application, TurnState } from '@microsoft/teams-ai';
import type { TurnContext } from 'botbuilder';
import { escapeMarkdown } from '../cards/markdown.js';
import { messageCard } from '../cards/messageCard.js';
import { channelWelcomeCard, notUnderstoodCard, welcomeCard } from '../cards/welcomeCard.js';
import type { ConversationService } from '../services/conversationService.js';
import type { Directory } from '../services/directory.js';
import { onCommand } from './cardActions.js';
import { COMMANDS } from './commands.js';
import { actorOf, answerInvoke, installation, isInvoke, isPersonalChat, sendCard } from './turn.js';

export interface WelcomeHandlerDeps {
  directory: Directory;
  /** Audits the card actions that reach the catch-all: no feature has their verb. */
  conversations: ConversationService;
}

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

const NO_CARD_ACTION = Symbol('not a card action');

/**
 * The verb of an Action.Execute invoke (`value.action.verb`); `NO_CARD_ACTION` for any other
 * invoke. Teams sends bots invokes of kinds this app does not use, which are not card actions and
 * so are answered but not audited.
 */
function executeVerb(context: TurnContext): unknown {
  if (context.activity.name !== 'adaptiveCard/action') return NO_CARD_ACTION;
  const value = context.activity.value as { action?: { verb?: unknown } } | undefined;
  return value?.action?.verb;
}

/** The verb of an Action.Submit (a message whose `value` is the card's data); `NO_CARD_ACTION` for a typed message. */
function submitVerb(context: TurnContext): unknown {
  const value: unknown = context.activity.value;
  return typeof value === 'object' && value !== null && 'verb' in value ? value.verb : NO_CARD_ACTION;
}

/**
 * Install welcome, help, and the answers for anything no other handler took. Register last.
 *
 * A card action that reaches here has a verb no feature registered: every verb of ours has a
 * handler, so it comes from an edited or forged card (or a much older app). It is refused and
 * audited here, once, after every feature had its chance, rather than by a list of verbs kept in
 * step with the handlers: there is no feature service to ask, so the refusal goes to the
 * conversation service, which audits the other refusals made before any feature sees an activity.
 */
export function registerWelcomeHandlers(app: Application<TurnState>, deps: WelcomeHandlerDeps): void {
  const { directory, conversations } = deps;
  app.activity('installationUpdate', async (context) => {
    if (installation(context) === 'added') await sendCard(context, welcomeFor(context, directory));
  });

  onCommand(app, HELP_COMMAND, (_actor, context) => Promise.resolve(welcomeFor(context, directory)));

  // Card actions with a verb nobody handles, and any other invoke: a clear answer, never a 501.
  app.activity(ActivityTypesInvoke, async (context) => {
    const verb = executeVerb(context);
    if (verb !== NO_CARD_ACTION) await conversations.refusedCardAction(actorOf(context), verb, 'unknown verb');
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
    const verb = submitVerb(context);
    if (verb === NO_CARD_ACTION) {
      await sendCard(context, notUnderstoodFor(context, directory));
      return;
    }
    await conversations.refusedCardAction(actorOf(context), verb, 'unknown verb');
    await sendCard(context, messageCard('Sorry', 'That button is not known any more. Type "help" to see what the bot can do.'));
  });
}

const ActivityTypesInvoke = (context: TurnContext) => Promise.resolve(isInvoke(context));
