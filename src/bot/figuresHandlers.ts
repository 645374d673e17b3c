import type { Application, TurnState } from '@microsoft/teams-ai';
import type { TurnContext } from 'botbuilder';
import { z } from 'zod';
import { figuresAnswerCard, figuresFormCard } from '../cards/figuresCards.js';
import { messageCard, refusalCard } from '../cards/messageCard.js';
import type { Card } from '../cards/renderCard.js';
import { VERBS } from '../cards/verbs.js';
import type { AnswerResult, FiguresService } from '../services/figuresService.js';
import { onCardAction, onCommand, type CardData } from './cardActions.js';
import { COMMANDS } from './commands.js';
import { offerFile, onFileConsent } from './fileConsent.js';
import { actorOf, isPersonalChat } from './turn.js';

/** What the figures' file consent card carries: the question's codes, checked again by the service when it comes back. */
const figuresContext = z.looseObject({ document: z.literal('figures') });

const preparingCard = (reason: string) => messageCard('Figures are being prepared', reason, 'attention');
const personalChatOnly = () => messageCard('Please use a personal chat', 'Figures are shown only in a personal chat with me: type "figures" there.');

/**
 * Figures (Modern Slavery Lead, deputies, coordinators; personal chat only): "figures" shows the
 * form with the presets; the answer is a table card with the suppression rule, and "Save as CSV"
 * offers the same figures as a file, delivered as Teams delivers files.
 */
export function registerFiguresHandlers(app: Application<TurnState>, figures: FiguresService, timeZone: string): void {
  const showForm = async (context: TurnContext): Promise<Card> => {
    if (!isPersonalChat(context)) return personalChatOnly();
    const result = await figures.form(actorOf(context));
    return result.kind === 'refused' ? refusalCard(result.reason) : figuresFormCard(result.today);
  };
  const answerCard = (result: AnswerResult, data: CardData): Card => {
    if (result.kind === 'refused') return refusalCard(result.reason);
    if (result.kind === 'preparing') return preparingCard(result.reason);
    if (result.kind === 'invalid') return figuresFormCard(result.today, { values: data, errors: result.errors });
    return figuresAnswerCard(result.answer, timeZone);
  };

  onCommand(app, COMMANDS.figures, (_actor, context) => showForm(context));
  onCardAction(app, VERBS.openFigures, (_actor, _data, context) => showForm(context));
  onCardAction(app, VERBS.showFigures, async (actor, data, context) =>
    isPersonalChat(context) ? answerCard(await figures.answer(actor, data), data) : personalChatOnly(),
  );
  onCardAction(app, VERBS.figuresPreset, async (actor, data, context) =>
    isPersonalChat(context) ? answerCard(await figures.preset(actor, data.preset, data), data) : personalChatOnly(),
  );

  onCardAction(app, VERBS.exportFigures, async (actor, data, context) => {
    if (!isPersonalChat(context)) return personalChatOnly();
    const result = await figures.file(actor, data, 'offer');
    if (result.kind === 'refused') return refusalCard(result.reason);
    if (result.kind === 'preparing') return preparingCard(result.reason);
    await offerFile(context, {
      name: result.name,
      description: 'Figures about concerns, small numbers suppressed (CSV)',
      size: result.bytes.length,
      about: { document: 'figures', ...result.answer.encoded },
    });
    return figuresAnswerCard(result.answer, timeZone, { text: 'The figures as a CSV file are below: accept it to save it to your OneDrive.', tone: 'good' });
  });

  // On accept the figures are counted again now and uploaded; the upload is the export, and is audited.
  onFileConsent(app, {
    context: figuresContext,
    declined: 'The figures were not saved to your OneDrive. Choose "Save as CSV" on the figures card to make the file again.',
    bytes: async (actor, context) => {
      const result = await figures.file(actor, context, 'upload');
      return result.kind === 'preparing' ? { kind: 'refused', reason: result.reason } : result;
    },
  });
}
