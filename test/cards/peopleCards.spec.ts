import assert from 'node:assert/strict';
import { peopleCard, teamImportDoneCard, teamImportNoteCard, teamImportOfferCard } from '../../src/cards/peopleCards.js';
import { escapeMarkdown } from '../../src/cards/markdown.js';
import { MAX_CARD_BYTES } from '../../src/cards/renderCard.js';
import { GROUP_IDS } from '../../src/domain/groups.js';
import { POSITIONS, rosterFragment, withHolder, type Roster } from '../../src/domain/people.js';
import { assertTeamsCard } from '../support/adaptiveCards.js';
import { choiceValues, textsOf, visibleText } from '../support/cards.js';
import { testProtocol } from '../support/people.js';

/** A council-sized worst case: every group with 80 members and 5 leads, long names in two-byte letters. */
function crowdedRoster(): Roster {
  let roster = rosterFragment(testProtocol());
  for (const g of GROUP_IDS)
    for (let i = 0; i < 85; i++)
      roster = withHolder(roster, i < 5 ? `${g}.lead` : `${g}.member`, {
        aadObjectId: `${g}-${i}-0000-0000-0000-000000000000`,
        name: `Éléonore Ñúñez-Ødegård ${g} ${i}`,
      });
  return roster;
}

describe('the people and members cards', () => {
  it('when the people card is made, then it is a valid Teams card listing every role and group, with a people picker the bot answers', () => {
    const card = peopleCard({ card: 'people', roster: rosterFragment(testProtocol()), manages: [...POSITIONS] });
    assertTeamsCard(card);
    const text = visibleText(card);
    for (const heading of ['Modern Slavery Leads', 'Deputies', 'Coordinators', 'Housing group', 'Support Services group'])
      assert.match(text, new RegExp(heading));
    const person = JSON.stringify(card);
    assert.match(
      person,
      /"id":"person","label":"Person \(type part of their name\)","style":"filtered","placeholder":"Type a name","choices":\[\],"choices\.data":\{"type":"Data\.Query","dataset":"people"\}/,
    );
    assert.deepEqual(choiceValues(card, 'position'), [...POSITIONS]);
  });

  it('when every group is crowded, then the card still fits Teams: each list ends "and N more", and the remove list offers 30 with a search for the rest', () => {
    const card = peopleCard({ card: 'people', roster: crowdedRoster(), manages: [...POSITIONS] });
    assertTeamsCard(card);
    assert.ok(Buffer.byteLength(JSON.stringify(card)) < MAX_CARD_BYTES);
    assert.match(visibleText(card), /and 55 more/);
    assert.equal(choiceValues(card, 'holding').length, 30);
    assert.match(JSON.stringify(card), /"dataset":"holders"/);
  });

  it("when a group lead's members card is made, then it shows their group only and offers only its members to add", () => {
    const card = peopleCard({ card: 'members', roster: rosterFragment(testProtocol()), manages: ['housing.member'] });
    assertTeamsCard(card);
    assert.match(visibleText(card), /Housing group members/);
    assert.doesNotMatch(visibleText(card), /Health group|Coordinators|Modern Slavery Leads/);
    assert.deepEqual(choiceValues(card, 'position'), ['housing.member']);
    assert.deepEqual(choiceValues(card, 'holding'), ['housing.member|aad-housing-member', 'housing.member|aad-two-groups']);
  });

  it('when a name holds Markdown, then the card shows it as typed, never as a link or emphasis', () => {
    const roster = withHolder(rosterFragment(testProtocol()), 'deputy', { aadObjectId: 'aad-x', name: '*Bold* [link](http://x.example)' });
    const texts = textsOf(peopleCard({ card: 'people', roster, manages: [...POSITIONS] }));
    assert.ok(texts.includes(`Dee Deputy, ${escapeMarkdown('*Bold* [link](http://x.example)')}`));
    // Choice titles are plain text in Teams (never Markdown), so only the listed names need escaping.
    assert.ok(!texts.some((t) => t.startsWith('Dee Deputy') && t.includes('[link](http://')));
  });

  it('when a choice set has no static choices and no Data.Query, then the card check still refuses it (the exception is that narrow)', () => {
    const card = peopleCard({ card: 'people', roster: rosterFragment(testProtocol()), manages: [...POSITIONS] });
    const broken = JSON.parse(JSON.stringify(card).replace('"choices.data":{"type":"Data.Query","dataset":"people"}', '"spacing":"Small"')) as Record<
      string,
      unknown
    >;
    assert.throws(() => assertTeamsCard(broken), /at least one choice/);
  });

  it('when a team is offered to a group, then the card lists who would be added and one button to confirm; the answers are valid cards', () => {
    const people = Array.from({ length: 45 }, (_, i) => ({ aadObjectId: `aad-${i}`, name: `Person ${i}` }));
    const offer = teamImportOfferCard({ importId: '6f1c1f0e-8a51-4a43-9d5b-0c1f35a0c111', group: 'health', people, complete: false });
    assertTeamsCard(offer);
    assert.match(visibleText(offer), /45 people in this team are not in the Health group yet: Person 0, .* and 5 more\./);
    assert.match(visibleText(offer), /too large to read to the end/);
    assert.match(visibleText(offer), /Nothing is added until a coordinator presses the button/);
    for (const card of [
      teamImportDoneCard('health', people.slice(0, 2), false),
      teamImportDoneCard('health', [], true),
      teamImportNoteCard({ kind: 'nobodyNew', group: 'health' }),
      teamImportNoteCard({ kind: 'tooMany', group: 'health', count: 900 }),
    ])
      assertTeamsCard(card);
  });
});
