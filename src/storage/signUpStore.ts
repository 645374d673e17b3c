import { odata, type TableClient } from '@azure/data-tables';
import { newestFirst, normaliseOrganisation, type SignUpInput, type SignUpRecord } from '../domain/signUp.js';
import type { PersonRef } from '../domain/concernRecord.js';
import { getOrUndefined, isConflict, isStale, safeKey } from './tables.js';

const PARTITION = 'signup';

interface SignUpEntity {
  partitionKey: string;
  rowKey: string;
  record: string;
}

/** The row of an organisation: a hash of its normalised name, so any spelling of it is the same row. */
export const signUpKey = (organisation: string): string => safeKey(normaliseOrganisation(organisation));

/**
 * The organisations that have signed up to the protocol, one row each (in the collations table,
 * beside the protocol they signed up to). Signing again updates the row; it never adds one.
 */
export class SignUpStore {
  constructor(private readonly table: TableClient) {}

  /**
   * Records a sign-up: a new row for an organisation not seen before, else its row updated with the
   * new answers (keeping when it was first recorded). Two people signing for the same organisation
   * at the same moment are settled by the ETag: the later write wins, and there is still one row.
   */
  async record(signUp: SignUpInput, enteredBy: PersonRef, now: Date): Promise<{ record: SignUpRecord; updated: boolean }> {
    const rowKey = signUpKey(signUp.organisation);
    const at = now.toISOString();
    for (let attempt = 0; attempt < 20; attempt++) {
      const current = await getOrUndefined<SignUpEntity>(this.table, PARTITION, rowKey);
      const previous = current && (JSON.parse(current.record) as SignUpRecord);
      const record: SignUpRecord = { ...signUp, enteredBy, firstRecordedAt: previous?.firstRecordedAt ?? at, updatedAt: at };
      const entity = { partitionKey: PARTITION, rowKey, record: JSON.stringify(record) };
      try {
        if (current) await this.table.updateEntity(entity, 'Replace', { etag: current.etag });
        else await this.table.createEntity(entity);
        return { record, updated: current !== undefined };
      } catch (error) {
        if (!isConflict(error) && !isStale(error)) throw error;
      }
    }
    throw new Error('too many sign-ups for one organisation at once; try again');
  }

  /** Every organisation's sign-up, newest first. */
  async all(): Promise<SignUpRecord[]> {
    const found: SignUpRecord[] = [];
    for await (const row of this.table.listEntities<SignUpEntity>({ queryOptions: { filter: odata`PartitionKey eq ${PARTITION}` } })) {
      found.push(JSON.parse(row.record) as SignUpRecord);
    }
    return found.sort(newestFirst);
  }
}
