import type { TableClient } from '@azure/data-tables';
import type { CollationStatus } from '../domain/collation.js';
import type { PersonRef } from '../domain/concernRecord.js';
import type { GroupId } from '../domain/groups.js';
import type { ProtocolState, SubmissionStatus } from '../domain/submission.js';
import type { TemplateId } from '../domain/templates.js';
import { getOrUndefined, isConflict, isStale, rowsStartingWith } from './tables.js';

export const PARTITION = 'protocol';
export const STATE_ROW = 'state';
const versionRow = (n: number) => `version|${String(n).padStart(6, '0')}`;

/** One group's template as it went into a collation: the saved version, and its status and submitter then. */
export interface CollatedSource {
  version: number;
  status: SubmissionStatus;
  submittedBy?: string;
}

/** Which saved version of each group's template went into a collation; a group absent was missing. */
export type CollationSources = Record<TemplateId, Partial<Record<GroupId, CollatedSource>>>;

/** One numbered collation of the city-wide protocol: enough to rebuild it exactly. */
export interface CollationRecord {
  version: number;
  collatedAt: string;
  by: PersonRef;
  basis: 'accepted' | 'latestSubmitted';
  sources: CollationSources;
}

/** The state row; `status` is where the current version stands (approvals): absent in rows written before it existed. */
type StateEntity = Omit<ProtocolState, 'status'> & { partitionKey: string; rowKey: string; status?: CollationStatus };

/** The protocol's collations and its overall state, in one partition so a new version and the state change together. */
export class CollationStore {
  constructor(private readonly table: TableClient) {}

  /** The protocol's state: 'draft' before the first collation, 'collated' when no approval says more. */
  async state(): Promise<ProtocolState> {
    const entity = await getOrUndefined<StateEntity>(this.table, PARTITION, STATE_ROW);
    return entity
      ? { currentVersion: entity.currentVersion, needsRecollation: entity.needsRecollation, status: entity.status ?? 'collated' }
      : { currentVersion: 0, needsRecollation: false, status: 'draft' };
  }

  /**
   * Records the next collation with the state it brings, atomically: two coordinators collating at
   * the same moment get two consecutive numbers, never the same one.
   */
  async record(make: (version: number) => CollationRecord): Promise<CollationRecord> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const current = await getOrUndefined<StateEntity>(this.table, PARTITION, STATE_ROW);
      const next = make((current?.currentVersion ?? 0) + 1);
      // A new version starts its approvals again: its status is 'collated' whatever the last one reached.
      const state = { partitionKey: PARTITION, rowKey: STATE_ROW, currentVersion: next.version, needsRecollation: false, status: 'collated' };
      try {
        await this.table.submitTransaction([
          ['create', { partitionKey: PARTITION, rowKey: versionRow(next.version), record: JSON.stringify(next) }],
          current ? ['update', state, 'Replace', { etag: current.etag }] : ['create', state],
        ]);
        return next;
      } catch (error) {
        if (!isConflict(error) && !isStale(error)) throw error;
      }
    }
    throw new Error('too many collations at once; try again');
  }

  async version(n: number): Promise<CollationRecord | undefined> {
    const entity = await getOrUndefined<{ record: string }>(this.table, PARTITION, versionRow(n));
    return entity && (JSON.parse(entity.record) as CollationRecord);
  }

  /** Every collation, newest first. */
  async versions(): Promise<CollationRecord[]> {
    const found: CollationRecord[] = [];
    for await (const row of this.table.listEntities<{ record: string }>({ queryOptions: { filter: rowsStartingWith(PARTITION, 'version') } })) {
      found.push(JSON.parse(row.record) as CollationRecord);
    }
    return found.sort((a, b) => b.version - a.version);
  }

  /** A group resubmitted after the latest collation: the dashboard says the protocol needs collating again. */
  async markNeedsRecollation(): Promise<void> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const current = await getOrUndefined<StateEntity>(this.table, PARTITION, STATE_ROW);
      if (!current || current.currentVersion === 0 || current.needsRecollation) return;
      try {
        await this.table.updateEntity(
          {
            partitionKey: PARTITION,
            rowKey: STATE_ROW,
            currentVersion: current.currentVersion,
            needsRecollation: true,
            ...(current.status ? { status: current.status } : {}),
          },
          'Replace',
          {
            etag: current.etag,
          },
        );
        return;
      } catch (error) {
        if (!isStale(error)) throw error;
      }
    }
  }
}
