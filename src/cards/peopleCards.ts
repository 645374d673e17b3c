import { GROUP_INFO, type GroupId } from '../domain/groups.js';
import { holdersOf, holdings, positionName, type Position, type Roster } from '../domain/people.js';
import type { Person } from '../domain/protocol.js';
import { noticeView, plural, type Notice } from './format.js';
import { escapeMarkdown } from './markdown.js';
import { messageCard, noticeCard } from './messageCard.js';
import { cardTemplate, renderCard, type Card } from './renderCard.js';
import peopleJson from './templates/people.json';
import { VERBS, type Verb } from './verbs.js';

type Choice = { title: string; value: string };

interface PeopleView {
  title: string;
  intro: string;
  notice: string;
  noticeStyle: 'good' | 'attention';
  sections: { heading: string; names: string }[];
  addLabel: string;
  positions: Choice[];
  positionValue: string;
  removeLabel: string;
  canRemove: boolean;
  holders: Choice[];
  card: 'people' | 'members';
  verbs: { open: Verb; add: Verb; remove: Verb };
}
const peopleTemplate = cardTemplate<PeopleView>(peopleJson);

/** Names listed per role before "and N more": the card must stay well inside Teams' size limit. */
const NAMES_SHOWN = 25;
/** Holders offered in the remove list before anyone types; typing searches them all. */
const HOLDERS_OFFERED = 30;
/** Names listed on a team import offer. */
const OFFER_NAMES_SHOWN = 40;

/** A picker's choice of a holder: the value names the position and the person, both checked again on removal. */
export function holdingChoice(h: { position: Position; person: Person }): Choice {
  return { title: `${h.person.name}: ${positionName(h.position)}`, value: `${h.position}|${h.person.aadObjectId}` };
}

/** "Ann, Bob and 3 more", names escaped for Markdown; "nobody yet" for none. */
function names(people: Person[], max = NAMES_SHOWN): string {
  if (!people.length) return 'Nobody yet';
  const shown = people.slice(0, max).map((p) => escapeMarkdown(p.name));
  return people.length > max ? `${shown.join(', ')} and ${people.length - max} more` : shown.join(', ');
}

function groupSection(roster: Roster, group: GroupId) {
  return {
    heading: `${GROUP_INFO[group].name} group`,
    names: `Leads: ${names(holdersOf(roster, `${group}.lead`))}. Members: ${names(holdersOf(roster, `${group}.member`))}.`,
  };
}

export interface PeopleCardInput {
  card: 'people' | 'members';
  roster: Roster;
  /** The positions this person may give and take away (worked out on the server). */
  manages: Position[];
  notice?: Notice;
}

/**
 * The people card (coordinators: every role and group and who holds it) or the members card (a
 * group lead: their own groups), with a people picker to add someone and a list to remove someone.
 * The picker's choices come from the server as the person types (Data.Query, answered by the
 * `application/search` invoke); everything chosen is checked again on the server.
 */
export function peopleCard(input: PeopleCardInput): Card {
  const { roster, manages } = input;
  const groups = roster.groups.map((g) => g.id).filter((g) => input.card === 'people' || manages.includes(`${g}.member`));
  const protocolWide =
    input.card === 'people'
      ? [
          { heading: 'Modern Slavery Leads', names: names(roster.modernSlaveryLeads) },
          { heading: 'Deputies', names: names(roster.deputies) },
          { heading: 'Coordinators', names: names(roster.coordinators) },
        ]
      : [];
  const removable = holdings(roster).filter((h) => manages.includes(h.position));
  return renderCard(peopleTemplate, {
    title: input.card === 'people' ? 'People and roles' : groups.length === 1 ? `${GROUP_INFO[groups[0]!].name} group members` : "Your groups' members",
    intro:
      input.card === 'people'
        ? 'Who holds each role and who is in each group. Changes take effect at once: who may draft and submit, who gets concerns, reminders and escalations.'
        : "Who is in your group. Members can draft the group's Strategy and Pathway; changes take effect at once.",
    ...noticeView(input.notice),
    sections: [...protocolWide, ...groups.map((g) => groupSection(roster, g))],
    addLabel: input.card === 'people' ? 'Role or group' : 'Group',
    positions: manages.map((p) => ({ title: positionName(p), value: p })),
    positionValue: manages.length === 1 ? manages[0]! : '',
    removeLabel: input.card === 'people' ? 'Person and role (type a name to find anyone)' : 'Member (type a name to find anyone)',
    canRemove: removable.length > 0,
    holders: removable.slice(0, HOLDERS_OFFERED).map(holdingChoice),
    card: input.card,
    verbs: { open: VERBS.openPeople, add: VERBS.addPerson, remove: VERBS.removePerson },
  });
}

/**
 * After a channel is linked to a group: who in the team is not in the group yet, and a button to
 * add them as members. Nothing is added until a coordinator presses it.
 */
export function teamImportOfferCard(offer: { importId: string; group: GroupId; people: Person[]; complete: boolean }): Card {
  const name = GROUP_INFO[offer.group].name;
  const count = plural(offer.people.length, 'person').replace('persons', 'people');
  return noticeCard(
    `Add this team's members to the ${name} group?`,
    [
      `${count} in this team ${offer.people.length === 1 ? 'is' : 'are'} not in the ${name} group yet: ${names(offer.people, OFFER_NAMES_SHOWN)}.`,
      ...(offer.complete ? [] : ['The team is too large to read to the end: only those read so far are listed.']),
      'They would become members: they could draft the group\'s Strategy and Pathway. Nothing is added until a coordinator presses the button; a group lead or coordinator can remove anyone afterwards with "members" or "people".',
    ],
    [{ title: `Add ${count} to ${name}`, verb: VERBS.importTeam, data: { importId: offer.importId } }],
  );
}

/** What a team import did. */
export function teamImportDoneCard(group: GroupId, people: Person[], already: boolean): Card {
  const name = GROUP_INFO[group].name;
  if (already) return messageCard(`Already in ${name}`, `Everyone this card listed is in the ${name} group already: nobody was added.`);
  return messageCard(`Added to ${name}`, `${plural(people.length, 'new member')} of the ${name} group: ${names(people, OFFER_NAMES_SHOWN)}.`, 'good');
}

/** Why no offer followed a link: everyone in the team is in the group already, or there are too many to add at once. */
export function teamImportNoteCard(note: { kind: 'nobodyNew'; group: GroupId } | { kind: 'tooMany'; group: GroupId; count: number }): Card {
  const name = GROUP_INFO[note.group].name;
  if (note.kind === 'nobodyNew') return messageCard(`Everyone is in ${name}`, `Everyone in this team is in the ${name} group already.`);
  return messageCard(
    'Too many to add at once',
    `${note.count} people in this team are not in the ${name} group: too many for one group. Add members one by one with "people" or "members" in a personal chat with me.`,
    'attention',
  );
}
