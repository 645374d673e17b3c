import type { Application, TurnState } from '@microsoft/teams-ai';
import type { TurnContext } from 'botbuilder';
import { z } from 'zod';
import { messageCard } from '../cards/messageCard.js';
import type { Card } from '../cards/renderCard.js';
import type { Verb } from '../cards/verbs.js';
import type { Deadline } from '../domain/deadline.js';
import type { GroupId } from '../domain/groups.js';
import type { TemplateId } from '../domain/templates.js';
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

/** "housing|strategy|4": the dashboard's group-and-template choice, with the revision that was shown. */
const item = z
  .string()
  .max(100)
  .transform((v) => v.split('|'))
  .pipe(z.union([z.tuple([groupSchema, templateSchema]), z.tuple([groupSchema, templateSchema, z.string().regex(/^\d{1,9}$/)])]));

export const pleaseCheck = (text: string) => messageCard('Please check', text, 'attention');

/** A card action about one group's template: the person and the (validated) group and template. */
export function onTemplateAction(
  app: Application<TurnState>,
  verb: Verb,
  handler: (actor: Actor, target: TemplateTarget, data: CardData, context: TurnContext) => Promise<Card>,
): void {
  onCardAction(app, verb, (actor, data, context) => {
    const parsed = target.safeParse(data);
    if (!parsed.success) return Promise.resolve(pleaseCheck('This card is not valid any more: type "draft strategy", "draft pathway" or "status" again.'));
    return handler(actor, parsed.data, data, context);
  });
}

/** A dashboard action on the chosen "group|template|revision"; the revision is the one the coordinator saw. */
export function onItemAction(
  app: Application<TurnState>,
  verb: Verb,
  handler: (actor: Actor, target: TemplateTarget & { shownRevision: string | undefined }, data: CardData) => Promise<Card>,
): void {
  onCardAction(app, verb, (actor, data) => {
    const parsed = item.safeParse(data.item);
    if (!parsed.success) return Promise.resolve(pleaseCheck('Choose a group and template first.'));
    const [group, template, shownRevision] = parsed.data;
    return handler(actor, { group, template, shownRevision }, data);
  });
}
