import { randomUUID } from 'node:crypto';
import type { Clock } from '../domain/clock.js';
import { isGroupId, type GroupId } from '../domain/groups.js';
import { withHolder, type Roster, type RosterReader } from '../domain/people.js';
import { rolesOf, type Person } from '../domain/protocol.js';
import type { Logger } from '../logger.js';
import type { AuditLog } from '../storage/auditLog.js';
import type { PeopleStore } from '../storage/peopleStore.js';
import type { Directory } from './directory.js';
import type { KnownPeople } from './knownPeople.js';
import { refusal, type Actor, type Refused } from './results.js';
import type { RosterKeeper } from './roster.js';

export interface TeamImportDeps {
  store: PeopleStore;
  roster: RosterKeeper;
  directory: Directory;
  known: KnownPeople;
  audit: AuditLog;
  clock: Clock;
  logger: Logger;
}

/** A group takes at most this many people from one team at once; a bigger team is a department, not a working group. */
export const MAX_IMPORT = 200;

export type ImportOffer =
  | Refused
  | { kind: 'unreadable' }
  | { kind: 'nobodyNew'; group: GroupId }
  | { kind: 'tooMany'; group: GroupId; count: number }
  | { kind: 'offer'; importId: string; group: GroupId; people: Person[]; complete: boolean };
export type ImportResult = Refused | { kind: 'added'; group: GroupId; people: Person[]; already: boolean };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ONLY_COORDINATORS = "Only a protocol coordinator can add a team's members to a group.";

/**
 * A team's members, from Teams' roster: remembered as people the app knows (so they can be
 * picked) when the app is installed in the team or a channel of it is linked; and, when a channel
 * is linked to a group, offered to the coordinator as the group's members. The offer lists who
 * would be added and is kept on the server; nothing is added until the coordinator confirms it.
 */
export class TeamImports {
  constructor(private readonly deps: TeamImportDeps) {}

  /** The app was installed in a team: its members can be picked from now on. Returns how many were read. */
  async rememberTeam(read: RosterReader): Promise<number> {
    const { members } = await read();
    await this.deps.known.rememberAll(members);
    return members.length;
  }

  /** A channel was linked to a group: who in its team is not in the group yet, kept as an offer to confirm. */
  async offer(actor: Actor, group: GroupId, read: RosterReader): Promise<ImportOffer> {
    if (!this.deps.directory.roles(actor).coordinator) return this.refuse(actor, 'team import offer: not a coordinator');
    let team: Awaited<ReturnType<RosterReader>>;
    try {
      team = await read();
    } catch (error) {
      // The link stands: only the offer is missing, and the coordinator is told so.
      this.deps.logger.warn('people.roster_unreadable', { group, error: String(error).slice(0, 200) });
      return { kind: 'unreadable' };
    }
    await this.deps.known.rememberAll(team.members);
    const roster = this.deps.directory.roster();
    const newcomers = team.members.filter(notIn(roster, group));
    if (!newcomers.length) return { kind: 'nobodyNew', group };
    if (newcomers.length > MAX_IMPORT) return { kind: 'tooMany', group, count: newcomers.length };
    const importId = randomUUID();
    const people = newcomers.sort((a, b) => a.name.localeCompare(b.name, 'en-GB'));
    const now = this.deps.clock.now().toISOString();
    await this.deps.store.saveImport({ id: importId, group, people: people.map((p) => p.aadObjectId), offeredBy: actor.aadObjectId, offeredAt: now });
    return { kind: 'offer', importId, group, people, complete: team.complete };
  }

  /**
   * The coordinator confirmed an offer: everyone it listed who is not in the group by now is added
   * as a member, one audit event each. Confirming twice adds nobody twice; the second answer says so.
   */
  async confirm(actor: Actor, importId: unknown): Promise<ImportResult> {
    if (!this.deps.directory.roles(actor).coordinator) return this.refuse(actor, 'team import: not a coordinator');
    const offer = typeof importId === 'string' && UUID.test(importId) ? await this.deps.store.getImport(importId) : undefined;
    if (!offer || !isGroupId(offer.group))
      return this.refuse(actor, 'team import: card not valid', 'This card is out of date: link the channel again to see who would be added.');
    const group = offer.group;
    const named = await Promise.all(offer.people.map(async (id) => ({ aadObjectId: id, name: (await this.deps.known.nameOf(id)) ?? 'Unknown' })));
    const decision = await this.deps.roster.change(actor, (roster) => {
      if (!rolesOf(roster, actor.aadObjectId).coordinator) return refusal(ONLY_COORDINATORS);
      const adding = named.filter(notIn(roster, group));
      if (!adding.length) return { kind: 'unchanged', detail: adding };
      return {
        kind: 'change',
        roster: adding.reduce((r, p) => withHolder(r, `${group}.member`, p), roster),
        reasons: adding.map((p) => `added ${group}.member ${p.aadObjectId} (team import)`),
        detail: adding,
      };
    });
    if (decision.kind === 'refused') return this.refuse(actor, 'team import: not a coordinator');
    // Kept with the offer for the record; a second confirmation finds everyone in the group already.
    await this.deps.store.confirmImport(offer, this.deps.clock.now());
    return { kind: 'added', group, people: decision.detail, already: decision.kind === 'unchanged' };
  }

  private async refuse(actor: Actor, reason: string, text = ONLY_COORDINATORS): Promise<Refused> {
    await this.deps.audit.append({
      at: this.deps.clock.now().toISOString(),
      actorId: actor.aadObjectId,
      action: 'request.refused',
      outcome: 'refused',
      reason,
    });
    return refusal(text);
  }
}

/** Whether someone is not in the group yet, as its lead or a member. */
const notIn = (roster: Roster, group: GroupId) => (person: Person) => !rolesOf(roster, person.aadObjectId).memberOf.includes(group);
