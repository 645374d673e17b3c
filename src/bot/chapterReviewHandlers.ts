import type { Application, TurnState } from '@microsoft/teams-ai';
import type { TurnContext } from 'botbuilder';
import { z } from 'zod';
import { chapterReviewCard, reviewCommentsCard } from '../cards/chapterReviewCards.js';
import { messageCard, refusalCard } from '../cards/messageCard.js';
import type { Card } from '../cards/renderCard.js';
import { VERBS } from '../cards/verbs.js';
import type { ChapterReviewService } from '../services/chapterReviewService.js';
import { groupSchema, type Actor } from '../services/results.js';
import { onCardAction, onCommand } from './cardActions.js';
import { COMMANDS } from './commands.js';
import { refuseCard, type CardRefusals } from './templateActions.js';
import { isPersonalChat } from './turn.js';

/** What the review card carries back besides its inputs: the collated version it was for, and the group answering. */
const reviewCard = z.object({ version: z.coerce.number().int().min(1).max(1_000_000), group: groupSchema });

const personalOnly = () =>
  messageCard('Please use a personal chat', 'The review comments are for the coordinators: type "review comments" in a personal chat with me.');

/**
 * The chapter review after a collation: a group lead answers on their review card (agree, or not
 * yet with a comment); a coordinator reads the answers by chapter ("review comments").
 */
export function registerChapterReviewHandlers(
  app: Application<TurnState>,
  deps: { reviews: ChapterReviewService; timeZone: string; refusals: CardRefusals },
): void {
  const { reviews, timeZone, refusals } = deps;

  onCardAction(app, VERBS.chapterReviewAnswer, async (actor, data) => {
    const card = reviewCard.safeParse(data);
    if (!card.success)
      return refuseCard(
        refusals,
        actor,
        VERBS.chapterReviewAnswer,
        'This review card is not valid any more. Your group lead gets a new one each time the protocol is collated.',
      );
    const result = await reviews.answer(actor, card.data.version, card.data.group, data);
    if (result.kind === 'refused') return refusalCard(result.reason);
    if (result.kind === 'stale') return messageCard('Not saved', result.reason, 'attention');
    return chapterReviewCard(result.form, timeZone);
  });

  const comments = async (actor: Actor, context: TurnContext, chapter?: unknown): Promise<Card> => {
    if (!isPersonalChat(context)) return personalOnly();
    const result = await reviews.comments(actor, chapter);
    if (result.kind === 'refused') return refusalCard(result.reason);
    if (result.kind === 'none') return messageCard('Nothing to review yet', result.reason);
    return reviewCommentsCard(result.summary, timeZone);
  };
  onCommand(app, COMMANDS.reviewComments, (actor, context) => comments(actor, context));
  onCardAction(app, VERBS.chapterReviewComments, (actor, data, context) => comments(actor, context, data.chapter));
}
