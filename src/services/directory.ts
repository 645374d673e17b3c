import type { PersonRef } from '../domain/concernRecord.js';
import type { GroupId } from '../domain/groups.js';
import { rolesOf, type Person, type Protocol, type Roles } from '../domain/protocol.js';
import type { ConversationStore } from '../storage/conversationStore.js';

/** The same person listed twice (say, as lead of a group and as deputy) is one recipient. */
const distinct = (people: Person[]) => [...new Map(people.map((p) => [p.aadObjectId, p])).values()];

/**
 * Who holds which role, for every service: one place that answers "may this person ...?" and
 * "who should be told?". The server decides roles from the Entra object id, never from card data.
 */
export class Directory {
  constructor(private readonly protocol: Protocol) {}

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

  /** The groups with their leads, in the protocol file's order. */
  groups(): GroupId[] {
    return this.protocol.groups.map((g) => g.id);
  }

  /** A person's name for messages to coordinators; "a recipient" for someone not in the file. */
  nameOf(aadObjectId: string): string {
    return this.knownName(aadObjectId) ?? 'a recipient';
  }

  /** A person's name as the protocol file gives it, or undefined for someone not in the file. */
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
 * The Teams user ids of the Leads and deputies who have installed the app: the Lead's card
 * refreshes for them, so everyone who can act on a concern sees its current state.
 */
export function leadRefreshIds(directory: Directory, conversations: ConversationStore): () => Promise<string[]> {
  return () =>
    conversations.teamsUserIds(
      directory.leadsAndDeputies().map((p) => p.aadObjectId),
      MAX_REFRESH_IDS,
    );
}
