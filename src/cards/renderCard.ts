import * as ACData from 'adaptivecards-templating';

/** Teams refuses cards over about 28 KB; stay under it with room for the activity envelope. */
export const MAX_CARD_BYTES = 28 * 1024;

/** An expanded Adaptive Card (version 1.5), ready to send or to answer an invoke with. */
export type Card = { type: 'AdaptiveCard'; version: string } & Record<string, unknown>;

/**
 * A card template: Adaptive Card 1.5 JSON with ${} bindings, as the designer opens it, tied to the
 * view-model it is bound with so that renderCard checks what it is given. Parsed once.
 */
export interface CardTemplate<View extends object> {
  readonly json: object;
  readonly template: ACData.Template;
  /** Never set: carries the view-model's type. */
  readonly view?: View;
}

/** A card too big for Teams: the caller shows something shorter instead. */
export class CardTooLargeError extends Error {}

/** Declares a template and the view-model it is bound with. */
export function cardTemplate<View extends object>(json: object): CardTemplate<View> {
  return { json, template: new ACData.Template(json) };
}

/** The one way a card is made: a template expanded with its typed view-model. */
export function renderCard<View extends object>(template: CardTemplate<View>, view: View): Card {
  const card = template.template.expand({ $root: view }) as Card;
  const size = Buffer.byteLength(JSON.stringify(card));
  if (size > MAX_CARD_BYTES) throw new CardTooLargeError(`card is ${size} bytes, over the ${MAX_CARD_BYTES}-byte limit`);
  return card;
}

/**
 * For a card whose length depends on how much it shows: renders with each size in turn until one
 * fits Teams; the last size is rendered whatever happens (its CardTooLargeError reaches the caller).
 */
export function renderFitting<View extends object>(template: CardTemplate<View>, sizes: readonly number[], view: (size: number) => View): Card {
  for (const size of sizes.slice(0, -1)) {
    try {
      return renderCard(template, view(size));
    } catch (error) {
      if (!(error instanceof CardTooLargeError)) throw error;
    }
  }
  return renderCard(template, view(sizes.at(-1) ?? 0));
}

/** start, then each time `factor` of the one before (rounded down), down to 0: sizes for renderFitting. */
export function shrinking(start: number, factor: number): number[] {
  const sizes = [start];
  while (sizes.at(-1)! > 0) sizes.push(Math.floor(sizes.at(-1)! * factor));
  return sizes;
}
