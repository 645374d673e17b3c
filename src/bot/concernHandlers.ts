import { randomUUID } from 'node:crypto';
import type { Application, TurnState } from '@microsoft/teams-ai';
import type { TaskModuleTaskInfo, TurnContext } from 'botbuilder';
import { leadCard, myConcernsCard, openConcernsCard, receiptCard } from '../cards/concernCards.js';
import { intakeCard } from '../cards/intakeCard.js';
import { messageCard, refusalCard } from '../cards/messageCard.js';
import type { Card } from '../cards/renderCard.js';
import { VERBS, type Verb } from '../cards/verbs.js';
import { LIMITS, observedTooLong } from '../domain/concern.js';
import type { ConcernCommand } from '../domain/status.js';
import type { Logger } from '../logger.js';
import { cardAttachment } from '../messaging/teamsCard.js';
import type { ConcernService, LeadResult, RaiseResult } from '../services/concernService.js';
import { onCardAction, onCommand, type CardData } from './cardActions.js';
import { beforeTeamsGivesUp } from './answerDeadline.js';
import { COMMANDS } from './commands.js';
import { isRepeatDelivery } from './guards.js';
import { actorOf, answerInvoke, isPersonalChat } from './turn.js';

export interface ConcernHandlerDeps {
  concerns: ConcernService;
  timeZone: string;
  logger: Logger;
}

/** A raise storage did not confirm before Teams stops waiting: the person is asked to send it again. */
type RaiseAnswer = RaiseResult | { kind: 'unconfirmed' };

export const RAISE_COMMAND = COMMANDS.raise;
export const MY_CONCERNS_COMMAND = COMMANDS.myConcerns;
export const OPEN_CONCERNS_COMMAND = COMMANDS.openConcerns;
export const MESSAGE_EXTENSION_COMMAND = 'raiseConcern';

const personalChatOnly = () =>
  messageCard(
    'Please use a personal chat',
    'To keep details private, concerns are raised and listed only in a personal chat with me: open a chat with the bot and type "raise concern". You can also use "Raise a concern" from the ... menu on any message.',
    'attention',
  );

const LEAD_COMMANDS: [Verb, ConcernCommand][] = [
  [VERBS.acknowledge, 'acknowledge'],
  [VERBS.recordAction, 'recordAction'],
  [VERBS.reroute, 'reroute'],
  [VERBS.close, 'close'],
];

/** Raise, receipt, "my concerns", the Lead's card actions and the message-extension dialog. */
export function registerConcernHandlers(app: Application<TurnState>, deps: ConcernHandlerDeps): void {
  const { concerns, timeZone, logger } = deps;

  /** The card that answers a raise attempt: the receipt, or the same form with the problems marked. */
  function raiseResultCard(result: RaiseAnswer, data: CardData, inDialog: boolean): Card {
    switch (result.kind) {
      case 'unconfirmed':
        return intakeCard(String(data.submissionId), { values: data, inDialog, unconfirmed: true });
      case 'created':
      case 'duplicate':
        return receiptCard(result.concern, { timeZone, alreadySubmitted: result.kind === 'duplicate' });
      case 'refused':
        return refusalCard(result.reason);
      case 'invalid':
        return intakeCard(String(data.submissionId), { values: data, errors: result.errors, inDialog });
    }
  }

  function leadResultCard(result: LeadResult): Card {
    if (result.kind === 'refused') return refusalCard(result.reason);
    const notice = result.kind === 'stale' ? result.changes : result.kind === 'invalid' ? result.message : undefined;
    const form = result.kind === 'stale' || result.kind === 'invalid' ? result.form : undefined;
    return leadCard(result.concern, {
      timeZone,
      events: result.events,
      refreshUserIds: result.refreshUserIds,
      ...(notice ? { notice } : {}),
      ...(form ? { form } : {}),
      ...(result.kind === 'confirm' ? { confirm: result.form } : {}),
    });
  }

  /**
   * Raises the concern, answering before Teams stops waiting: "submitted" only once it is stored.
   * If storage has not confirmed by then, the form comes back to be sent again (the write may
   * still land; sending again then shows the receipt, never a second concern).
   */
  const raise = (context: TurnContext, data: CardData) =>
    beforeTeamsGivesUp<RaiseAnswer>(context, concerns.raise(actorOf(context), data.submissionId, data), (why) => {
      logger.warn('concern.not_confirmed', { why }); // no id or content: nothing was confirmed stored
      return { kind: 'unconfirmed' };
    });

  /** Personal chat only: elsewhere the person is asked to open one, and nothing is shown. */
  const personal = (context: TurnContext, answer: () => Promise<Card>) => (isPersonalChat(context) ? answer() : Promise.resolve(personalChatOnly()));

  onCommand(app, RAISE_COMMAND, (_actor, context) => personal(context, () => Promise.resolve(intakeCard(randomUUID()))));
  onCardAction(app, VERBS.openIntake, (_actor, _data, context) => personal(context, () => Promise.resolve(intakeCard(randomUUID()))));
  onCardAction(app, VERBS.submitIntake, (_actor, data, context) => personal(context, async () => raiseResultCard(await raise(context, data), data, false)));

  const showMine = (actor: Parameters<ConcernService['mine']>[0], context: TurnContext) =>
    personal(context, async () => myConcernsCard(await concerns.mine(actor), timeZone));
  onCommand(app, MY_CONCERNS_COMMAND, showMine);
  onCardAction(app, VERBS.myConcerns, (actor, _data, context) => showMine(actor, context));

  onCommand(app, OPEN_CONCERNS_COMMAND, (actor, context) =>
    personal(context, async () => {
      const result = await concerns.openConcerns(actor);
      return result.kind === 'refused' ? refusalCard(result.reason) : openConcernsCard(result.concerns, timeZone);
    }),
  );

  onCardAction(app, VERBS.refreshConcern, async (actor, data) => {
    const result = await concerns.view(actor, data.concernId);
    // Someone who is not a Lead sees that the card is restricted, not why or what it holds.
    if (result.kind === 'refused') return messageCard('Modern slavery concern', 'This concern is visible to the Modern Slavery Lead only.');
    return leadResultCard(result);
  });

  for (const [verb, command] of LEAD_COMMANDS) {
    onCardAction(app, verb, async (actor, data, context) =>
      leadResultCard(await concerns.act(actor, data.concernId, data.revision, command, data, { repeat: await isRepeatDelivery(context) })),
    );
  }

  app.messageExtensions.fetchTask(MESSAGE_EXTENSION_COMMAND, (context) => {
    const payload = (context.activity.value as { messagePayload?: { body?: { content?: string } } } | undefined)?.messagePayload;
    // A message longer than the limit is not cut without a word: the dialog opens with it and says so.
    const observed = plainText(payload?.body?.content ?? '');
    const errors = observed.length > LIMITS.observed ? { observed: observedTooLong(observed.length) } : {};
    return Promise.resolve(dialog(intakeCard(randomUUID(), { values: { observed }, errors, inDialog: true })));
  });

  app.messageExtensions.submitAction<CardData>(MESSAGE_EXTENSION_COMMAND, async (context, _state, data) => {
    const card = raiseResultCard(await raise(context, data), data, true);
    await answerInvoke(context, { task: { type: 'continue', value: dialog(card) } });
    return null;
  });
}

function dialog(card: Card): TaskModuleTaskInfo {
  return { title: 'Raise a modern slavery concern', card: cardAttachment(card), height: 'large', width: 'medium' };
}

/** The text of a Teams message (HTML) without its markup, for prefilling the observed text. */
function plainText(html: string): string {
  return html
    .replace(/<br\s*\/?>|<\/p>|<\/div>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
