import { randomUUID } from 'node:crypto';
import type { Application, TurnState } from '@microsoft/teams-ai';
import type { TaskModuleTaskInfo, TurnContext } from 'botbuilder';
import { intakeCard, KEPT_TEXT_MAX, leadCard, messageCard, myConcernsCard, openConcernsCard, receiptCard } from '../cards/concernCards.js';
import { cardAttachment } from '../cards/renderCard.js';
import { VERBS } from '../cards/verbs.js';
import { LIMITS } from '../domain/concern.js';
import type { Protocol } from '../domain/protocol.js';
import type { ConcernCommand } from '../domain/status.js';
import type { ConcernService, LeadResult, RaiseResult } from '../services/concernService.js';
import { onCardAction } from './cardActions.js';
import { actorOf, answerInvoke, refusalCard, sendCard } from './turn.js';

type Card = Record<string, unknown>;

export interface ConcernHandlerDeps {
  concerns: ConcernService;
  protocol: Protocol;
  /** Teams user ids of the Leads, for the lead card's automatic refresh. */
  leadRefreshIds: () => Promise<string[]>;
  /** A repeat delivery of an activity already handled (Teams retries); set by the guard. */
  isRepeatDelivery: (context: TurnContext) => boolean;
}

export const RAISE_COMMAND = /^\s*(raise( a)? concern|concern|report)\s*$/i;
export const MY_CONCERNS_COMMAND = /^\s*my concerns?\s*$/i;
export const OPEN_CONCERNS_COMMAND = /^\s*open concerns?\s*$/i;
export const MESSAGE_EXTENSION_COMMAND = 'raiseConcern';

const UNKNOWN_USER = 'Teams did not say who you are, so this cannot be done. Please try again from Teams.';

/** Concerns are raised and listed only in a personal chat, so nothing of them is posted where others read. */
const isPersonalChat = (context: TurnContext) => context.activity.conversation?.conversationType === 'personal';
const personalChatOnly = () =>
  messageCard(
    'Please use a personal chat',
    'To keep details private, concerns are raised and listed only in a personal chat with me: open a chat with the bot and type "raise concern". You can also use "Raise a concern" from the ... menu on any message.',
    'attention',
  );

/** Raise, receipt, "my concerns", the Lead's card actions and the message-extension dialog. */
export function registerConcernHandlers(app: Application<TurnState>, deps: ConcernHandlerDeps): void {
  const { concerns, protocol } = deps;
  const tz = protocol.timeZone;

  /** The card that answers a raise attempt: the receipt, or the same form with the problems marked. */
  function raiseResultCard(result: RaiseResult, submissionId: unknown, data: Record<string, unknown>, inDialog: boolean): Card {
    switch (result.kind) {
      case 'created':
        return receiptCard(result.concern, tz, false);
      case 'duplicate':
        return receiptCard(result.concern, tz, true);
      case 'refused':
        return refusalCard(result.reason);
      case 'invalid': {
        const errors = { ...result.errors };
        const observed = typeof data.observed === 'string' ? data.observed : '';
        if (observed.length > KEPT_TEXT_MAX) {
          errors.observed = `What you observed is ${observed.length.toLocaleString('en-GB')} characters; the limit is ${LIMITS.observed.toLocaleString('en-GB')}. Only the first ${KEPT_TEXT_MAX.toLocaleString('en-GB')} are kept below: shorten it and send again.`;
        }
        return intakeCard(String(submissionId), data, errors, inDialog);
      }
    }
  }

  async function leadResultCard(result: LeadResult): Promise<Card> {
    if (result.kind === 'refused') return refusalCard(result.reason);
    const notice = result.kind === 'stale' ? result.changes : result.kind === 'invalid' ? result.message : undefined;
    return leadCard(result.concern, { timeZone: tz, events: result.events, refreshUserIds: await deps.leadRefreshIds(), ...(notice ? { notice } : {}) });
  }

  app.message(RAISE_COMMAND, async (context) => {
    await sendCard(context, isPersonalChat(context) ? intakeCard(randomUUID()) : personalChatOnly());
  });

  onCardAction(app, VERBS.openIntake, (context) => Promise.resolve(isPersonalChat(context) ? intakeCard(randomUUID()) : personalChatOnly()));

  onCardAction(app, VERBS.submitIntake, async (context, data) => {
    if (!isPersonalChat(context)) return personalChatOnly();
    const actor = actorOf(context);
    if (!actor) return refusalCard(UNKNOWN_USER);
    return raiseResultCard(await concerns.raise(actor, data.submissionId, data), data.submissionId, data, false);
  });

  const showMine = async (context: TurnContext) => {
    if (!isPersonalChat(context)) return personalChatOnly();
    const actor = actorOf(context);
    return actor ? myConcernsCard(await concerns.mine(actor), tz) : refusalCard(UNKNOWN_USER);
  };
  app.message(MY_CONCERNS_COMMAND, async (context) => sendCard(context, await showMine(context)));

  app.message(OPEN_CONCERNS_COMMAND, async (context) => {
    const actor = actorOf(context);
    if (!isPersonalChat(context)) return sendCard(context, personalChatOnly());
    if (!actor) return sendCard(context, refusalCard(UNKNOWN_USER));
    const result = await concerns.openConcerns(actor);
    await sendCard(context, result.kind === 'refused' ? refusalCard(result.reason) : openConcernsCard(result.concerns, tz));
  });
  onCardAction(app, VERBS.myConcerns, showMine);

  onCardAction(app, VERBS.refreshConcern, async (context, data) => {
    const actor = actorOf(context);
    if (!actor) return refusalCard(UNKNOWN_USER);
    const result = await concerns.view(actor, data.concernId);
    // Someone who is not a Lead sees that the card is restricted, not why or what it holds.
    if (result.kind === 'refused') return messageCard('Modern slavery concern', 'This concern is visible to the Modern Slavery Lead only.');
    return leadResultCard(result);
  });

  const leadCommands: [string, ConcernCommand][] = [
    [VERBS.acknowledge, 'acknowledge'],
    [VERBS.recordAction, 'recordAction'],
    [VERBS.reroute, 'reroute'],
    [VERBS.close, 'close'],
  ];
  for (const [verb, command] of leadCommands) {
    onCardAction(app, verb, async (context, data) => {
      const actor = actorOf(context);
      if (!actor) return refusalCard(UNKNOWN_USER);
      // A retried delivery of a click already handled shows the concern as it is, not a conflict.
      if (deps.isRepeatDelivery(context)) return leadResultCard(await concerns.view(actor, data.concernId));
      return leadResultCard(await concerns.act(actor, data.concernId, data.revision, command, data));
    });
  }

  app.messageExtensions.fetchTask(MESSAGE_EXTENSION_COMMAND, (context) => {
    const payload = (context.activity.value as { messagePayload?: { body?: { content?: string } } } | undefined)?.messagePayload;
    const observed = plainText(payload?.body?.content ?? '').slice(0, LIMITS.observed);
    return Promise.resolve(dialog('Raise a modern slavery concern', intakeCard(randomUUID(), { observed }, {}, true)));
  });

  app.messageExtensions.submitAction<Record<string, unknown>>(MESSAGE_EXTENSION_COMMAND, async (context, _state, data) => {
    const actor = actorOf(context);
    const card = actor ? raiseResultCard(await concerns.raise(actor, data.submissionId, data), data.submissionId, data, true) : refusalCard(UNKNOWN_USER);
    await answerInvoke(context, { task: { type: 'continue', value: dialog('Raise a modern slavery concern', card) } });
    return null;
  });
}

function dialog(title: string, card: Card): TaskModuleTaskInfo {
  return { title, card: cardAttachment(card), height: 'large', width: 'medium' };
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
