import type { TableClient } from '@azure/data-tables';
import { isConflict, safeKey } from './tables.js';

/**
 * Remembers which incoming activities were handled, so a delivery Teams retries is handled once.
 * Insert-if-absent: the first insert wins across instances; 409 means "seen before".
 */
export class ActivityLedger {
  constructor(private readonly table: TableClient) {}

  /** True the first time this activity is seen, false for a repeat delivery. */
  async firstSeen(conversationId: string, activityId: string): Promise<boolean> {
    const key = safeKey(`${conversationId}|${activityId}`);
    try {
      await this.table.createEntity({ partitionKey: key.slice(0, 2), rowKey: key });
      return true;
    } catch (error) {
      if (isConflict(error)) return false;
      throw error;
    }
  }
}
