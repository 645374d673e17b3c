import * as ACData from 'adaptivecards-templating';
import type { Attachment } from 'botbuilder';

/** Teams refuses cards over about 28 KB; stay under it with room for the activity envelope. */
export const MAX_CARD_BYTES = 28 * 1024;

/** A card template: Adaptive Card 1.5 JSON with ${} bindings, as the designer opens it. */
export type CardTemplate = Record<string, unknown>;

/** A card too big for Teams: the caller shows a short message instead. */
export class CardTooLargeError extends Error {}

/** The one way a card is made: a template expanded with its typed view-model. */
export function renderCard<T extends object>(template: CardTemplate, data: T): Record<string, unknown> {
  const card = new ACData.Template(template).expand({ $root: data }) as Record<string, unknown>;
  const size = Buffer.byteLength(JSON.stringify(card));
  if (size > MAX_CARD_BYTES) throw new CardTooLargeError(`card is ${size} bytes, over the ${MAX_CARD_BYTES}-byte limit`);
  return card;
}

export function cardAttachment(card: Record<string, unknown>): Attachment {
  return { contentType: 'application/vnd.microsoft.card.adaptive', content: card };
}
