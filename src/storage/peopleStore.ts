import { odata, type TableClient, type TableEntityResult, type TransactionAction } from '@azure/data-tables';
import type { Roster } from '../domain/people.js';
import type { Person } from '../domain/protocol.js';
import type { AuditIntent } from './auditLog.js';
import { joinFromProperties, splitIntoProperties } from './chunks.js';
import { getOrUndefined, isConflict, isNotFound, isStale, submitInTransactions } from './tables.js';

const ROSTER = ['roster', 'current'] as const;
const KNOWN = 'known';
const IMPORT = 'import';

/** The roster as stored: the version counts changes; the ETag guards the next one. */
export interface StoredRoster {
  roster: Roster;
  version: number;
  etag: string;
  changedAt: string;
  /** Audit events of changes not yet copied into the audit log (a process stopped in between). */
  pendingAudits: AuditIntent[];
}

/** Someone a coordinator or group lead can pick: they installed or wrote to the app, or are in a team where it is installed. */
export interface KnownPerson extends Person {
  seenAt: string;
}

/** A team's members offered to a group when its channel was linked; nothing is added until the coordinator confirms. */
export interface TeamImport {
  id: string;
  group: string;
  people: string[];
  offeredBy: string;
  offeredAt: string;
  confirmedAt?: string;
  etag?: string;
}

/** The stale ETag of a roster another writer changed first: read it again and decide again. */
export class RosterChangedError extends Error {}

type RosterEntity = { version: number; changedAt: string } & Record<string, unknown>;

/**
 * People and roles, in the `people` table: the roster as one entity (so that a change, however
 * many people it touches, and its audit events are one conditional write, and a version check is
 * one point read), the people the app knows (for the people picker), and team imports offered.
 */
export class PeopleStore {
  constructor(private readonly table: TableClient) {}

  /** The roster, or undefined before the first start has seeded it. */
  async read(): Promise<StoredRoster | undefined> {
    const entity = await getOrUndefined<RosterEntity>(this.table, ...ROSTER);
    return entity && toStored(entity);
  }

  /** The roster's version alone: what every instance polls to notice another's change. */
  async version(): Promise<number | undefined> {
    try {
      return (await this.table.getEntity<{ version: number }>(...ROSTER, { queryOptions: { select: ['version'] } })).version;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /** Stores the first roster; false when another instance seeded it first (its roster stands). */
  async seed(roster: Roster, now: Date): Promise<boolean> {
    try {
      await this.table.createEntity(rosterEntity(roster, 1, now, []));
      return true;
    } catch (error) {
      if (isConflict(error)) return false;
      throw error;
    }
  }

  /** Replaces the roster read as `from`, with the audit events of the change; throws RosterChangedError if someone changed it since. */
  async replace(from: StoredRoster, roster: Roster, audits: AuditIntent[], now: Date): Promise<StoredRoster> {
    const entity = rosterEntity(roster, from.version + 1, now, [...from.pendingAudits, ...audits]);
    try {
      const { etag } = await this.table.updateEntity(entity, 'Replace', { etag: from.etag });
      return { roster, version: from.version + 1, etag: etag!, changedAt: now.toISOString(), pendingAudits: [...from.pendingAudits, ...audits] };
    } catch (error) {
      if (isStale(error)) throw new RosterChangedError('the roster changed meanwhile');
      throw error;
    }
  }

  /** These audit events are in the audit log now: clears them, keeping any change made meanwhile. */
  async auditsRecorded(eventIds: string[]): Promise<void> {
    for (let attempt = 0; attempt < 10; attempt++) {
      const current = await getOrUndefined<RosterEntity>(this.table, ...ROSTER);
      if (!current) return;
      const stored = toStored(current);
      const left = stored.pendingAudits.filter((a) => !eventIds.includes(a.eventId));
      if (left.length === stored.pendingAudits.length) return;
      try {
        await this.table.updateEntity(rosterEntity(stored.roster, stored.version, new Date(stored.changedAt), left), 'Replace', { etag: stored.etag });
        return;
      } catch (error) {
        if (!isStale(error)) throw error;
      }
    }
  }

  async known(aadObjectId: string): Promise<KnownPerson | undefined> {
    const entity = await getOrUndefined<{ name: string; seenAt: string }>(this.table, KNOWN, aadObjectId);
    return entity && { aadObjectId, name: entity.name, seenAt: entity.seenAt };
  }

  /** Everyone the app knows, for the people picker. */
  async allKnown(): Promise<KnownPerson[]> {
    const found: KnownPerson[] = [];
    const rows = this.table.listEntities<{ name: string; seenAt: string }>({ queryOptions: { filter: odata`PartitionKey eq ${KNOWN}` } });
    for await (const row of rows) found.push({ aadObjectId: row.rowKey!, name: row.name, seenAt: row.seenAt });
    return found;
  }

  /** Records people the app now knows (or their new names), 100 to a transaction. */
  async rememberKnown(people: Person[], now: Date): Promise<void> {
    const rows = [...new Map(people.map((p) => [p.aadObjectId, p])).values()].map((p): TransactionAction => [
      'upsert',
      { partitionKey: KNOWN, rowKey: p.aadObjectId, name: p.name, seenAt: now.toISOString() },
      'Replace',
    ]);
    await submitInTransactions(this.table, rows);
  }

  async saveImport(offer: TeamImport): Promise<void> {
    const { id, people, ...rest } = offer;
    await this.table.createEntity({ partitionKey: IMPORT, rowKey: id, ...rest, ...splitIntoProperties('people', people.join(',')) });
  }

  async getImport(id: string): Promise<TeamImport | undefined> {
    const entity = await getOrUndefined<Record<string, unknown>>(this.table, IMPORT, id);
    if (!entity) return undefined;
    const people = joinFromProperties('people', entity);
    return {
      id,
      group: String(entity.group),
      people: people ? people.split(',') : [],
      offeredBy: String(entity.offeredBy),
      offeredAt: String(entity.offeredAt),
      ...(typeof entity.confirmedAt === 'string' ? { confirmedAt: entity.confirmedAt } : {}),
      etag: String(entity.etag),
    };
  }

  /** Marks an import confirmed; false when it already was (a second click, or two instances). */
  async confirmImport(offer: TeamImport, now: Date): Promise<boolean> {
    try {
      await this.table.updateEntity({ partitionKey: IMPORT, rowKey: offer.id, confirmedAt: now.toISOString() }, 'Merge', { etag: offer.etag ?? '*' });
      return true;
    } catch (error) {
      if (isStale(error)) return false;
      throw error;
    }
  }
}

function rosterEntity(roster: Roster, version: number, now: Date, audits: AuditIntent[]) {
  return {
    partitionKey: ROSTER[0],
    rowKey: ROSTER[1],
    version,
    changedAt: now.toISOString(),
    // A roster of thousands is longer than one property may hold: it is split, never cut.
    ...splitIntoProperties('roster', JSON.stringify(roster)),
    ...splitIntoProperties('pendingAudits', JSON.stringify(audits)),
  };
}

function toStored(entity: TableEntityResult<RosterEntity>): StoredRoster {
  return {
    roster: JSON.parse(joinFromProperties('roster', entity)) as Roster,
    version: entity.version,
    etag: entity.etag,
    changedAt: entity.changedAt,
    pendingAudits: JSON.parse(joinFromProperties('pendingAudits', entity)) as AuditIntent[],
  };
}
