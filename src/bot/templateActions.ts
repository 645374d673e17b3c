import type { Application, TurnState } from '@microsoft/teams-ai';
import type { TurnContext } from 'botbuilder';
import { z } from 'zod';
import { messageCard } from '../cards/messageCard.js';
import type { Card } from '../cards/renderCard.js';
import type { Verb } from '../cards/verbs.js';
import type { Deadline } from '../domain/deadline.js';
import type { GroupId } from '../domain/groups.js';
import type { TemplateId } from '../domain/templates.js';
import type { ConversationService } from '../services/conversationService.js';
import { groupSchema, templateSchema, type Actor } from '../services/results.js';
import { onCardAction, type CardData } from './cardActions.js';

/** What the protocol's cards need to say about time: now, the deadline, and its time zone. */
export interface ProtocolClock {
  now: () => Date;
  deadline: Deadline;
}

/** One group's template, as a card names it. */
export interface TemplateTarget {
  group: GroupId;
  template: TemplateId;
}

const target = z.object({ group: groupSchema, template: templateSchema });

const number = z.string().regex(/^\d{1,9}$/);

/**
 * "housing|strategy|4|2": the dashboard's group-and-template choice, with the revision that was
 * shown and the submitted version (for the words of a confirmation); older cards send fewer parts.
 */
const item = z
  .string()
  .max(100)
  .transform((v) => v.split('|'))
  .pipe(
    z.union([z.tuple([groupSchema, templateSchema]), z.tuple([groupSchema, templateSchema, number]), z.tuple([groupSchema, templateSchema, number, number])]),
  );

export const pleaseCheck = (text: string) => messageCard('Please check', text, 'attention');

/**
 * Where a handler reports a card it refused before any service saw it: data the server never puts
 * on a card (a group or template that is not one), so the card was edited or forged. Audited there.
 */
export type CardRefusals = Pick<ConversationService, 'refusedCardAction'>;

/** Refuses a card whose data the server could not have sent: audited, and answered with `text`. */
export async function refuseCard(refusals: CardRefusals, actor: Actor, verb: Verb, text: string): Promise<Card> {
  await refusals.refusedCardAction(actor, verb, 'card not valid');
  return pleaseCheck(text);
}

/** A card action about one group's template: the person and the (validated) group and template. */
export function onTemplateAction(
  app: Application<TurnState>,
  refusals: CardRefusals,
  verb: Verb,
  handler: (actor: Actor, target: TemplateTarget, data: CardData, context: TurnContext) => Promise<Card>,
): void {
  onCardAction(app, verb, (actor, data, context) => {
    const parsed = target.safeParse(data);
    // The group and template are the card's own data, never a choice: if they are not ours, the card was changed.
    if (!parsed.success) return refuseCard(refusals, actor, verb, 'This card is not valid any more: type "draft strategy", "draft pathway" or "status" again.');
    return handler(actor, parsed.data, data, context);
  });
}

/** A dashboard choice: the group and template, with the revision and submitted version it showed (older cards: none). */
export type ItemTarget = TemplateTarget & { shownRevision: string | undefined; shownVersion: string | undefined };

/** The group and template a dashboard choice names, or undefined when it names none. */
export function parseItem(value: unknown): ItemTarget | undefined {
  const parsed = item.safeParse(value);
  if (!parsed.success) return undefined;
  const [group, template, shownRevision, shownVersion] = parsed.data;
  return { group, template, shownRevision, shownVersion };
}

/**
 * A dashboard action on the chosen "group|template|revision"; the revision is the one the
 * coordinator saw. Nothing chosen is asked for again; a choice the dashboard never offers is a
 * changed card, and is audited too.
 */
export function onItemAction(
  app: Application<TurnState>,
  refusals: CardRefusals,
  verb: Verb,
  handler: (actor: Actor, target: ItemTarget, data: CardData) => Promise<Card>,
): void {
  onCardAction(app, verb, (actor, data) => {
    const parsed = parseItem(data.item);
    if (parsed) return handler(actor, parsed, data);
    const chosen = data.item !== undefined && data.item !== '';
    return chosen
      ? refuseCard(refusals, actor, verb, 'Choose a group and template first.')
      : Promise.resolve(pleaseCheck('Choose a group and template first.'));
  });
}
