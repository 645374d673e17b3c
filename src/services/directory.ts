import type { PersonRef } from '../domain/concernRecord.js';
import type { GroupId } from '../domain/groups.js';
import type { Roster } from '../domain/people.js';
import { rolesOf, type Person, type Roles } from '../domain/protocol.js';
import { protocolPeople } from '../domain/signUp.js';
import type { ConversationStore } from '../storage/conversationStore.js';
import { keptBriefly } from './keptBriefly.js';

/** The same person listed twice (say, as lead of a group and as deputy) is one recipient. */
const distinct = (people: Person[]) => [...new Map(people.map((p) => [p.aadObjectId, p])).values()];

/**
 * Who holds which role, for every service: one place that answers "may this person ...?" and
 * "who should be told?". The server decides roles from the Entra object id, never from card data.
 *
 * It answers synchronously from a snapshot of the roster: the roster kept in storage, loaded at
 * start and replaced whenever a change is made here or seen in storage (services/roster.ts), so a
 * change takes effect without a restart. Built from the protocol file, it answers from the file.
 */
export class Directory {
  private protocol: Roster;

  constructor(roster: Roster) {
    this.protocol = roster;
  }

  /** The roster as it is now. */
  roster(): Roster {
    return this.protocol;
  }

  /** From now on, answers from this roster (a change was made, or seen in storage). */
  replace(roster: Roster): void {
    this.protocol = roster;
  }

  /** Everyone who holds any role, once each, by name. */
  everyone(): Person[] {
    return protocolPeople(this.protocol);
  }

  roles(person: PersonRef | string | undefined): Roles {
    return rolesOf(this.protocol, typeof person === 'string' ? person : person?.aadObjectId);
  }

  /** The Modern Slavery Leads, who receive every concern in full. */
  leads(): Person[] {
    return this.protocol.modernSlaveryLeads;
  }

  /** Leads and deputies: those who may see and act on a concern, and whose cards refresh. */
  leadsAndDeputies(): Person[] {
    return distinct([...this.protocol.modernSlaveryLeads, ...this.protocol.deputies]);
  }

  /** Deputies and coordinators: who is told when a concern is not acknowledged in time. */
  escalationRecipients(): Person[] {
    return distinct([...this.protocol.deputies, ...this.protocol.coordinators]);
  }

  coordinators(): Person[] {
    return this.protocol.coordinators;
  }

  groupLeads(group: GroupId): Person[] {
    return distinct(this.protocol.groups.find((g) => g.id === group)?.leads ?? []);
  }

  /** The groups, in the protocol file's order. */
  groups(): GroupId[] {
    return this.protocol.groups.map((g) => g.id);
  }

  /** A person's name for messages to coordinators; "a recipient" for someone who holds no role. */
  nameOf(aadObjectId: string): string {
    return this.knownName(aadObjectId) ?? 'a recipient';
  }

  /** A person's name as the roster gives it, or undefined for someone who holds no role. */
  knownName(aadObjectId: string): string | undefined {
    const everyone = [
      ...this.protocol.modernSlaveryLeads,
      ...this.protocol.deputies,
      ...this.protocol.coordinators,
      ...this.protocol.groups.flatMap((g) => [...g.leads, ...g.members]),
    ];
    return everyone.find((p) => p.aadObjectId === aadObjectId)?.name;
  }
}

/** Teams refreshes a card automatically for at most 60 user ids. */
const MAX_REFRESH_IDS = 60;

/**
 * How long one reading of the Leads' Teams user ids is used. Every Lead's card carries them, so
 * without this each card would read every Lead's conversation (cost growing with Leads squared).
 * A change of who the Leads are is seen at once; a Lead who has just installed the app joins the
 * automatic refresh within this time.
 */
const REFRESH_IDS_KEPT_MS = 30_000;

/**
 * The Teams user ids of the Leads and deputies who have installed the app: the Lead's card
 * refreshes for them, so everyone who can act on a concern sees its current state.
 */
export function leadRefreshIds(directory: Directory, conversations: ConversationStore): () => Promise<string[]> {
  const readings = keptBriefly<string[]>(REFRESH_IDS_KEPT_MS);
  return () => {
    const people = directory.leadsAndDeputies().map((p) => p.aadObjectId);
    return readings.get(people.join(' '), () => conversations.teamsUserIds(people, MAX_REFRESH_IDS));
  };
}
