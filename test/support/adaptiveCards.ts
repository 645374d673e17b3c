import assert from 'node:assert/strict';
import type * as AdaptiveCardsModule from 'adaptivecards';
import { MAX_CARD_BYTES } from '../../src/cards/renderCard.js';
import { ALL_VERBS } from '../../src/cards/verbs.js';

// The package's ES-module build does not load in plain Node; its bundled build does, without a DOM.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const AC = require('adaptivecards/dist/adaptivecards.min.js') as typeof AdaptiveCardsModule;

/** Every verb an expanded card carries, in actions and their data. */
export function verbsIn(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => verbsIn(v, found));
  else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === 'verb' && typeof v === 'string') found.push(v);
      else verbsIn(v, found);
    }
  }
  return found;
}

/**
 * The parser (adaptivecards 3.0) knows `choices.data` (Data.Query) but still requires every
 * Input.ChoiceSet to carry a static choice. A dynamic typeahead (a people picker) has none by
 * design: Teams fetches its choices from the bot (`application/search`) as the person types. Only
 * that rule, on only such a choice set, is let through.
 */
function isDynamicChoiceSetWithoutStaticChoices(event: AdaptiveCardsModule.IValidationEvent): boolean {
  const source = event.source;
  return (
    event.event === AC.ValidationEvent.CollectionCantBeEmpty &&
    source instanceof AC.ChoiceSetInput &&
    source.choices.length === 0 &&
    source.choicesData?.type === 'Data.Query' &&
    Boolean(source.choicesData.dataset)
  );
}

/**
 * What Teams needs of a card the bot sends: Adaptive Cards 1.5, no `${` binding left unexpanded,
 * under the size limit, accepted by the official parser with no parse or validation events, and
 * only verbs the bot handles.
 */
export function assertTeamsCard(json: Record<string, unknown>): void {
  const text = JSON.stringify(json);
  assert.equal(json.version, '1.5');
  assert.ok(!text.includes('${'), 'no ${ left');
  assert.ok(Buffer.byteLength(text) < MAX_CARD_BYTES, `${Buffer.byteLength(text)} bytes`);
  const card = new AC.AdaptiveCard();
  const context = new AC.SerializationContext();
  card.parse(json, context);
  const parseEvents = Array.from({ length: context.eventCount }, (_, i) => context.getEventAt(i)).map((e) => `${e.phase}:${e.message}`);
  assert.deepEqual(parseEvents, []);
  assert.deepEqual(
    card
      .validateProperties()
      .validationEvents.filter((e) => !isDynamicChoiceSetWithoutStaticChoices(e))
      .map((e) => e.message),
    [],
  );
  for (const verb of verbsIn(json)) assert.ok(ALL_VERBS.includes(verb), `unknown verb ${verb}`);
}
