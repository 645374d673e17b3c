import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type * as AdaptiveCardsModule from 'adaptivecards';
import { channelNoticeCard, intakeCard, leadCard, messageCard, myConcernsCard, receiptCard } from '../../src/cards/concernCards.js';
import { MAX_CARD_BYTES } from '../../src/cards/renderCard.js';
import { ALL_VERBS } from '../../src/cards/verbs.js';
import { welcomeCard } from '../../src/cards/welcomeCard.js';
import { parseIntake } from '../../src/domain/concern.js';
import type { ConcernEvent, ConcernRecord } from '../../src/domain/concernRecord.js';
import { routeConcern } from '../../src/domain/routing.js';
import { validIntake } from '../support/harness.js';

// The package's ES-module build does not load in plain Node; its bundled build does, without a DOM.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const AC = require('adaptivecards/dist/adaptivecards.min.js') as typeof AdaptiveCardsModule;

function fixtureConcern(overrides: Record<string, unknown> = {}): ConcernRecord {
  const parsed = parseIntake(validIntake({ observed: 'Worker said [boss](http://x.example) keeps *all* passports', ...overrides }));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  const routing = routeConcern(parsed.intake);
  return {
    id: randomUUID(), reference: 'MS-2027-000123', reporter: { aadObjectId: 'a', name: 'Sam _Staff_' }, createdAt: '2027-03-01T09:30:00.000Z',
    updatedAt: '2027-03-01T09:30:00.000Z', intake: parsed.intake, status: 'inProgress', group: parsed.intake.area, notifiedGroups: routing.groups,
    guidance: routing.guidance, urgent: routing.urgent, treatedAsChild: routing.appliedRules.includes('child'), revision: 3,
    handledBy: { aadObjectId: 'l', name: 'Lee Lead' }, actions: [],
  };
}
const events: ConcernEvent[] = [
  { revision: 1, type: 'raised', by: { aadObjectId: 'a', name: 'Sam' }, at: '2027-03-01T09:30:00.000Z', detail: 'Concern raised' },
  { revision: 2, type: 'acknowledged', by: { aadObjectId: 'l', name: 'Lee Lead' }, at: '2027-03-01T09:35:00.000Z', detail: 'Acknowledged' },
];

/** Every card the bot can send, expanded with fixture data. */
const CARDS: Record<string, () => Record<string, unknown>> = {
  'intake (new)': () => intakeCard(randomUUID()),
  'intake (with errors, kept inputs)': () => intakeCard(randomUUID(), validIntake({ observed: 'x'.repeat(5000) }), { observed: 'Too long', area: 'Choose the area' }),
  'intake (in a dialog)': () => intakeCard(randomUUID(), {}, {}, true),
  receipt: () => receiptCard(fixtureConcern({ immediateDanger: 'yes' }), 'Europe/London', false),
  'receipt (already submitted)': () => receiptCard(fixtureConcern(), 'Europe/London', true),
  'lead card (child, urgent)': () => leadCard(fixtureConcern({ ageBand: '16-17', immediateDanger: 'yes', consent: '' }), { timeZone: 'Europe/London', events, refreshUserIds: ['29:a'], notice: 'Not changed: someone acted first.' }),
  'lead card (closed)': () => leadCard({ ...fixtureConcern(), status: 'closed', outcome: 'nrmReferred' }, { timeZone: 'Europe/London', events, refreshUserIds: Array.from({ length: 80 }, (_, i) => `29:${i}`) }),
  'channel notice': () => channelNoticeCard(fixtureConcern(), 'housing'),
  'channel notice (transition)': () => channelNoticeCard(fixtureConcern({ ageBand: 'unknown', possiblyChild: 'true', consent: '' }), 'transition'),
  'my concerns': () => myConcernsCard([fixtureConcern(), fixtureConcern()], 'Europe/London'),
  'my concerns (none)': () => myConcernsCard([], 'Europe/London'),
  welcome: () => welcomeCard('Alex', { modernSlaveryLead: true, coordinator: true, leadOf: ['housing'], memberOf: ['housing', 'health'] }),
  message: () => messageCard('Title', 'Text', 'attention'),
};

function verbsIn(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => verbsIn(v, found));
  else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === 'verb' && typeof v === 'string') found.push(v);
      else verbsIn(v, found);
    }
  }
  return found;
}

describe('card templates', () => {
  for (const [name, build] of Object.entries(CARDS)) {
    it(`when the ${name} card is expanded, then the official Adaptive Cards parser accepts it as version 1.5 with no unbound data`, () => {
      const json = build();
      const text = JSON.stringify(json);
      assert.equal(json.version, '1.5');
      assert.ok(!text.includes('${'), 'no ${ left');
      assert.ok(Buffer.byteLength(text) < MAX_CARD_BYTES, `${Buffer.byteLength(text)} bytes`);
      const card = new AC.AdaptiveCard();
      const context = new AC.SerializationContext();
      card.parse(json, context);
      const parseEvents = Array.from({ length: context.eventCount }, (_, i) => context.getEventAt(i)).map((e) => `${e.phase}:${e.message}`);
      assert.deepEqual(parseEvents, []);
      const validation = card.validateProperties().validationEvents.map((e) => e.message);
      assert.deepEqual(validation, []);
      for (const verb of verbsIn(json)) assert.ok(ALL_VERBS.includes(verb), `unknown verb ${verb}`);
    });
  }

  it('when user text with Markdown reaches the Lead card, then it is escaped and no link can form', () => {
    const text = JSON.stringify(CARDS['lead card (child, urgent)']!());
    assert.match(text, /\\\\\[boss\\\\\]/);
    assert.match(text, /\\\\\*all\\\\\*/);
    assert.match(text, /Sam \\\\_Staff\\\\_/);
  });

  it('when more than 60 Leads could refresh a card, then only 60 are listed (the Teams limit)', () => {
    const card = CARDS['lead card (closed)']!() as { refresh: { userIds: string[] } };
    assert.equal(card.refresh.userIds.length, 60);
  });

  it('when a channel notice is made, then it carries no observed text and no place', () => {
    const text = JSON.stringify(CARDS['channel notice']!());
    assert.doesNotMatch(text, /passports|Foleshill/);
  });
});
