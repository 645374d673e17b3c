import { GROUP_IDS, GROUP_INFO, isGroupId, type GroupId } from './groups.js';
import type { Person, Protocol, Roles } from './protocol.js';

/**
 * Who holds which role: the part of the protocol file that the coordinator and the group leads
 * now manage in Teams. The file seeds it on first start; after that it lives in storage.
 */
export type Roster = Pick<Protocol, 'modernSlaveryLeads' | 'deputies' | 'coordinators' | 'groups'>;

/**
 * A place in the roster a person can be given or lose: one of the three protocol-wide roles, or
 * a group's leads or members. Written as on the cards and in the audit log: `coordinator`,
 * `housing.member`.
 */
export type Position = 'lead' | 'deputy' | 'coordinator' | `${GroupId}.lead` | `${GroupId}.member`;

export const POSITIONS: readonly Position[] = ['lead', 'deputy', 'coordinator', ...GROUP_IDS.flatMap((g) => [`${g}.lead`, `${g}.member`] as const)];

export function isPosition(value: unknown): value is Position {
  return typeof value === 'string' && (POSITIONS as readonly string[]).includes(value);
}

/** The group a group position belongs to, and whether it is its leads or its members. */
export function groupPosition(position: Position): { group: GroupId; part: 'leads' | 'members' } | undefined {
  const [group, part] = position.split('.');
  if (!group || !part || !isGroupId(group)) return undefined;
  return { group, part: part === 'lead' ? 'leads' : 'members' };
}

/** A position as people say it: "Modern Slavery Lead", "Housing group member". */
export function positionName(position: Position): string {
  if (position === 'lead') return 'Modern Slavery Lead';
  if (position === 'deputy') return 'Deputy Modern Slavery Lead';
  if (position === 'coordinator') return 'Protocol coordinator';
  const { group, part } = groupPosition(position)!;
  return `${GROUP_INFO[group].name} group ${part === 'leads' ? 'lead' : 'member'}`;
}

/** Who holds a position, in the order they were given it. */
export function holdersOf(roster: Roster, position: Position): Person[] {
  if (position === 'lead') return roster.modernSlaveryLeads;
  if (position === 'deputy') return roster.deputies;
  if (position === 'coordinator') return roster.coordinators;
  const { group, part } = groupPosition(position)!;
  return roster.groups.find((g) => g.id === group)?.[part] ?? [];
}

/** The roster with a position's holders replaced; the roster given is left as it was. */
function withHolders(roster: Roster, position: Position, holders: Person[]): Roster {
  if (position === 'lead') return { ...roster, modernSlaveryLeads: holders };
  if (position === 'deputy') return { ...roster, deputies: holders };
  if (position === 'coordinator') return { ...roster, coordinators: holders };
  const { group, part } = groupPosition(position)!;
  return { ...roster, groups: roster.groups.map((g) => (g.id === group ? { ...g, [part]: holders } : g)) };
}

export function holds(roster: Roster, position: Position, aadObjectId: string): boolean {
  return holdersOf(roster, position).some((p) => p.aadObjectId === aadObjectId);
}

/** The roster with one more holder (unchanged when they already hold it). */
export function withHolder(roster: Roster, position: Position, person: Person): Roster {
  if (holds(roster, position, person.aadObjectId)) return roster;
  return withHolders(roster, position, [...holdersOf(roster, position), { aadObjectId: person.aadObjectId, name: person.name }]);
}

export function withoutHolder(roster: Roster, position: Position, aadObjectId: string): Roster {
  return withHolders(
    roster,
    position,
    holdersOf(roster, position).filter((p) => p.aadObjectId !== aadObjectId),
  );
}

/** Every position with a person in it, in the order of POSITIONS. */
export function holdings(roster: Roster): { position: Position; person: Person }[] {
  return POSITIONS.flatMap((position) => holdersOf(roster, position).map((person) => ({ position, person })));
}

/**
 * Whether someone with these roles may give or take away this position: coordinators any; a
 * group lead only the members of their own groups. Nobody else manages roles.
 */
export function mayManage(roles: Roles, position: Position): boolean {
  if (roles.coordinator) return true;
  const inGroup = groupPosition(position);
  return inGroup !== undefined && inGroup.part === 'members' && roles.leadOf.includes(inGroup.group);
}

/**
 * Why removing this holder would leave the protocol unable to work, if it would: concerns go to
 * the Modern Slavery Leads and the protocol work needs a coordinator, so the last of either stays.
 */
export function removalBlocked(roster: Roster, position: Position, aadObjectId: string): string | undefined {
  const remaining = holdersOf(roster, position).filter((p) => p.aadObjectId !== aadObjectId).length;
  if (position === 'lead' && remaining === 0)
    return 'This is the last Modern Slavery Lead: every concern goes to a Lead, so add another Lead before removing this one.';
  if (position === 'coordinator' && remaining === 0) return 'This is the last coordinator: add another coordinator before removing this one.';
  return undefined;
}

/** The roster in the protocol file's shape, for a backup or a new environment's file. */
export function rosterFragment(roster: Roster): Roster {
  const people = (list: Person[]) => list.map(({ aadObjectId, name }) => ({ aadObjectId, name }));
  return {
    modernSlaveryLeads: people(roster.modernSlaveryLeads),
    deputies: people(roster.deputies),
    coordinators: people(roster.coordinators),
    groups: roster.groups.map((g) => ({ id: g.id, name: g.name, leads: people(g.leads), members: people(g.members) })),
  };
}

/** True when two rosters name the same people in the same positions (order and names aside). */
export function sameHolders(a: Roster, b: Roster): boolean {
  const keys = (r: Roster) =>
    holdings(r)
      .map((h) => `${h.position}|${h.person.aadObjectId}`)
      .sort()
      .join(',');
  return keys(a) === keys(b);
}

/** Letters without accents, lower case, for matching what someone types against a name. */
export function searchable(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/**
 * Whether a name matches a typed query: every word typed starts a word of the name, in any order
 * ("hug mem" finds "Hugo Member", "smith" finds "Jo Smith-Jones"). An empty query matches everyone.
 */
export function nameMatches(name: string, query: string): boolean {
  const words = searchable(name).split(' ');
  return searchable(query)
    .split(' ')
    .filter(Boolean)
    .every((typed) => words.some((w) => w.startsWith(typed)));
}

/** The members of a Teams team, as its roster gave them: `complete` is false when it was too long to read to the end. */
export type RosterReader = () => Promise<{ members: Person[]; complete: boolean }>;

/** Teams shows at most 15 choices; a client asking for more gets at most this many. */
const MOST_CHOICES = 50;

/** The page of picker choices a client asked for, within sensible bounds whatever it sent. */
export function choicePage(page: { skip: number; top: number }): { skip: number; end: number } {
  const skip = Math.max(0, Math.floor(page.skip) || 0);
  return { skip, end: skip + Math.min(MOST_CHOICES, Math.max(1, Math.floor(page.top) || 15)) };
}
