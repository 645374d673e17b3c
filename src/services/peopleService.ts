import { holdingChoice } from '../cards/peopleCards.js';
import type { Clock } from '../domain/clock.js';
import type { GroupId } from '../domain/groups.js';
import {
  choicePage,
  holdersOf,
  holdings,
  holds,
  isPosition,
  mayManage,
  nameMatches,
  POSITIONS,
  positionName,
  removalBlocked,
  withHolder,
  withoutHolder,
  type Position,
  type Roster,
} from '../domain/people.js';
import { rolesOf, type Person } from '../domain/protocol.js';
import type { TableClient } from '@azure/data-tables';
import type { Logger } from '../logger.js';
import type { AuditLog } from '../storage/auditLog.js';
import type { ConversationStore } from '../storage/conversationStore.js';
import { PeopleStore } from '../storage/peopleStore.js';
import { Directory, leadRefreshIds } from './directory.js';
import { KnownPeople } from './knownPeople.js';
import { refusal, type Actor, type Refused } from './results.js';
import { RosterKeeper } from './roster.js';
import { TeamImports } from './teamImport.js';

export interface PeopleServiceDeps {
  roster: RosterKeeper;
  directory: Directory;
  known: KnownPeople;
  audit: AuditLog;
  clock: Clock;
}

/** Which card: `people` (coordinators: every role and group) or `members` (a group lead: their groups' members). */
export type PeopleCard = 'people' | 'members';
/** What the person may change on it: every position, or the members of these groups. */
export type Scope = { all: true } | { groups: GroupId[] };
/** What was just done, or why not, for the line at the top of the card. */
export type Outcome = { done: 'added' | 'removed'; position: Position; person: Person } | { problem: string };
export type PeopleView = { kind: 'view'; card: PeopleCard; roster: Roster; scope: Scope; outcome?: Outcome };
export type PeopleResult = Refused | PeopleView;
/** A choice in a picker: what it shows, and the id it sends back. */
export type Choice = { title: string; value: string };

const ID = /^[A-Za-z0-9-]{1,100}$/;
const PEOPLE_ONLY = 'The people card is for protocol coordinators. A group lead manages their group\'s members with "members".';
const MEMBERS_ONLY = "Only a group's lead (or a coordinator) can manage its members.";

/** The positions a scope lets someone change. */
export function positionsIn(scope: Scope): Position[] {
  return 'all' in scope ? [...POSITIONS] : scope.groups.map((g) => `${g}.member` as const);
}

/**
 * People and roles managed in Teams: coordinators give and take away every role and group place
 * ("people"); a group lead does the same for their own groups' members ("members"). Every check
 * is made on the server from the person's Entra object id, on the roster as it is in storage at
 * the moment of the change; the last Modern Slavery Lead and the last coordinator cannot be
 * removed; every change and every refusal is audited (ids only, no names).
 */
export class PeopleService {
  constructor(private readonly deps: PeopleServiceDeps) {}

  /** The card a person asked for, if their roles give them one. */
  async open(actor: Actor, card: PeopleCard): Promise<PeopleResult> {
    return (await this.refusedCard(actor, card)) ?? this.view(actor, card, this.deps.directory.roster());
  }

  /** Gives someone a position. The person is an id from the picker: their name is the one the app knows, never the card's. */
  async add(actor: Actor, card: PeopleCard, position: unknown, personId: unknown): Promise<PeopleResult> {
    const refused = await this.refusedCard(actor, card);
    if (refused) return refused;
    if (position === undefined || position === '') return this.problem(actor, card, 'Choose a role or group to add someone to.');
    if (!isPosition(position)) return this.refuse(actor, 'people add: card not valid', 'This card is out of date: type "people" or "members" again.');
    if (typeof personId !== 'string' || !personId) return this.problem(actor, card, 'Choose the person to add: type part of their name and pick them.');
    const name = ID.test(personId) ? ((await this.deps.known.nameOf(personId)) ?? this.deps.directory.knownName(personId)) : undefined;
    if (!name) {
      await this.audited(actor, 'request.refused', 'refused', 'people add: person not known');
      return this.problem(actor, card, 'That person is not one the app knows: type part of their name and pick them from the list.');
    }
    const person = { aadObjectId: personId, name };
    return this.changeView(actor, card, position, (roster) => {
      if (holds(roster, position, personId)) return { kind: 'unchanged', detail: { problem: `${name} is already a ${positionName(position)}.` } };
      return {
        kind: 'change',
        roster: withHolder(roster, position, person),
        reasons: [`added ${position} ${personId}`],
        detail: { done: 'added', position, person },
      };
    });
  }

  /** Takes a position away. `holding` is `<position>|<aadObjectId>`, as the card's choices carry it. */
  async remove(actor: Actor, card: PeopleCard, holding: unknown): Promise<PeopleResult> {
    const refused = await this.refusedCard(actor, card);
    if (refused) return refused;
    if (holding === undefined || holding === '') return this.problem(actor, card, 'Choose whom to remove, and from what.');
    const [position, personId = ''] = typeof holding === 'string' ? holding.split('|') : [];
    if (!isPosition(position) || !ID.test(personId))
      return this.refuse(actor, 'people remove: card not valid', 'This card is out of date: type "people" or "members" again.');
    return this.changeView(actor, card, position, (roster) => {
      const person = holdersOf(roster, position).find((p) => p.aadObjectId === personId);
      if (!person) return { kind: 'unchanged', detail: { problem: `They are no longer a ${positionName(position)}: someone removed them already.` } };
      const blocked = removalBlocked(roster, position, personId);
      if (blocked) return { kind: 'unchanged', detail: { problem: blocked } };
      return {
        kind: 'change',
        roster: withoutHolder(roster, position, personId),
        reasons: [`removed ${position} ${personId}`],
        detail: { done: 'removed', position, person },
      };
    });
  }

  /**
   * The pickers' typeahead, as someone types: `people`, the people the app knows (and everyone who
   * holds a role) to add; `holders`, who holds the positions this person manages, to remove. Only
   * those who manage roles may search; anyone else gets nothing, and the attempt is audited.
   */
  async search(actor: Actor, dataset: 'people' | 'holders', queryText: string, page: { skip: number; top: number }): Promise<Choice[]> {
    const roster = this.deps.directory.roster();
    const scope = this.scopeFor(actor, 'members', roster);
    if (!scope) {
      await this.audited(actor, 'request.refused', 'refused', `people search ${dataset}: not a coordinator or group lead`);
      return [];
    }
    const query = queryText.slice(0, 100);
    if (dataset === 'people')
      return (await this.deps.known.search(query, page, this.deps.directory.everyone())).map((p) => ({ title: p.name, value: p.aadObjectId }));
    const { skip, end } = choicePage(page);
    const positions = positionsIn(rolesOf(roster, actor.aadObjectId).coordinator ? { all: true } : scope);
    return holdings(roster)
      .filter((h) => positions.includes(h.position) && nameMatches(h.person.name, query))
      .slice(skip, end)
      .map(holdingChoice);
  }

  /** Someone reached the app: they can be picked from now on. */
  async met(person: Person): Promise<void> {
    await this.deps.known.met(person);
  }

  /**
   * Applies one change through the roster keeper, so the check runs on the roster in storage: the
   * actor must still be allowed this position, and the last Lead or coordinator stays.
   */
  private async changeView(
    actor: Actor,
    card: PeopleCard,
    position: Position,
    decide: (roster: Roster) => { kind: 'unchanged'; detail: Outcome } | { kind: 'change'; roster: Roster; reasons: string[]; detail: Outcome },
  ): Promise<PeopleResult> {
    const decision = await this.deps.roster.change<Outcome>(actor, (roster) => {
      const scope = this.scopeFor(actor, card, roster);
      if (!scope || !mayManage(rolesOf(roster, actor.aadObjectId), position) || !positionsIn(scope).includes(position))
        return refusal(card === 'people' ? PEOPLE_ONLY : MEMBERS_ONLY);
      return decide(roster);
    });
    if (decision.kind === 'refused') return this.refuse(actor, `people ${position}: not allowed`, decision.reason);
    return this.view(actor, card, this.deps.directory.roster(), decision.detail);
  }

  /** The card again after a change; someone who just removed their own right to it is told so. */
  private view(actor: Actor, card: PeopleCard, roster: Roster, outcome?: Outcome): PeopleResult {
    const scope = this.scopeFor(actor, card, roster);
    if (!scope) return refusal(`Done: ${outcomeWords(outcome)} You no longer manage ${card === 'people' ? 'roles' : "this group's members"}.`);
    return { kind: 'view', card, roster, scope, ...(outcome ? { outcome } : {}) };
  }

  /** A refusal (audited) for someone whose roles give them no such card; undefined for someone they do. */
  private async refusedCard(actor: Actor, card: PeopleCard): Promise<Refused | undefined> {
    if (this.scopeFor(actor, card, this.deps.directory.roster())) return undefined;
    return this.refuse(actor, `${card}: not allowed`, card === 'people' ? PEOPLE_ONLY : MEMBERS_ONLY);
  }

  private scopeFor(actor: Actor, card: PeopleCard, roster: Roster): Scope | undefined {
    const roles = rolesOf(roster, actor.aadObjectId);
    if (card === 'people') return roles.coordinator ? { all: true } : undefined;
    if (roles.leadOf.length) return { groups: roles.leadOf };
    return roles.coordinator ? { groups: roster.groups.map((g) => g.id) } : undefined;
  }

  /** The card again with a problem to put right (nothing chosen, someone the app does not know). */
  private problem(actor: Actor, card: PeopleCard, problem: string): PeopleResult {
    return this.view(actor, card, this.deps.directory.roster(), { problem });
  }

  private async refuse(actor: Actor, reason: string, text: string): Promise<Refused> {
    await this.audited(actor, 'request.refused', 'refused', reason);
    return refusal(text);
  }

  private async audited(actor: Actor, action: 'request.refused', outcome: 'refused', reason: string): Promise<void> {
    await this.deps.audit.append({ at: this.deps.clock.now().toISOString(), actorId: actor.aadObjectId, action, outcome, reason });
  }
}

/** "Hugo Member was removed from Housing group member." */
export function outcomeWords(outcome: Outcome | undefined): string {
  if (!outcome) return '';
  if ('problem' in outcome) return outcome.problem;
  const what = positionName(outcome.position);
  return outcome.done === 'added' ? `${outcome.person.name} is now a ${what}.` : `${outcome.person.name} is no longer a ${what}.`;
}

/**
 * People and roles for the composition root: the Directory every service asks, backed by the
 * roster in storage (seeded from the protocol file on first start, then polled for other
 * instances' changes), the people and members cards, team imports, and the Lead card's refresh list.
 */
export async function peopleServices(deps: {
  table: TableClient;
  protocol: Roster;
  conversations: ConversationStore;
  audit: AuditLog;
  clock: Clock;
  logger: Logger;
}) {
  const store = new PeopleStore(deps.table);
  const directory = new Directory(deps.protocol);
  const roster = await RosterKeeper.open({ store, directory, audit: deps.audit, clock: deps.clock, logger: deps.logger }, deps.protocol);
  const known = new KnownPeople({ store, clock: deps.clock });
  return {
    directory,
    /** The bot's services: the people and members cards, and team imports. */
    bot: {
      people: new PeopleService({ roster, directory, known, audit: deps.audit, clock: deps.clock }),
      teamImports: new TeamImports({ store, roster, directory, known, audit: deps.audit, clock: deps.clock, logger: deps.logger }),
    },
    refreshIds: leadRefreshIds(directory, deps.conversations),
    /** Polls for other instances' changes (from when the app listens, like its other timers), until stopped. */
    start: () => roster.start(),
    stop: () => roster.stop(),
  };
}
