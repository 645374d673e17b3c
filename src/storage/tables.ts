import { createHash } from 'node:crypto';
import { odata, RestError, TableClient } from '@azure/data-tables';

/** Every table the app uses, one per aggregate (Azure table names: letters and digits, 3-63). */
export const TABLE_NAMES = {
  concerns: 'concerns',
  conversations: 'conversations',
  groupChannels: 'groupchannels',
  audit: 'audit',
  counters: 'counters',
  activities: 'activities',
  templates: 'templates',
  collations: 'collations',
} as const;

export type TableName = keyof typeof TABLE_NAMES;
export type TableClients = Record<TableName, TableClient>;

/** Opens (and creates when missing) every table; http is allowed only for the local emulator. */
export async function openTables(connectionString: string): Promise<TableClients> {
  const allowInsecureConnection = /DefaultEndpointsProtocol=http;|UseDevelopmentStorage=true/.test(connectionString);
  const entries = await Promise.all(
    (Object.keys(TABLE_NAMES) as TableName[]).map(async (name) => {
      const client = TableClient.fromConnectionString(connectionString, TABLE_NAMES[name], { allowInsecureConnection });
      await client.createTable();
      return [name, client] as const;
    }),
  );
  return Object.fromEntries(entries) as TableClients;
}

/** True when the service refused a write because the entity already exists (insert-if-absent). */
export function isConflict(error: unknown): boolean {
  return error instanceof RestError && error.statusCode === 409;
}

/** True when an ETag condition failed: someone else changed the entity first. */
export function isStale(error: unknown): boolean {
  return error instanceof RestError && error.statusCode === 412;
}

export function isNotFound(error: unknown): boolean {
  return error instanceof RestError && error.statusCode === 404;
}

/**
 * A key safe for PartitionKey/RowKey made from an identifier the server did not choose
 * (a Teams conversation id can hold characters the service forbids, and can be long).
 */
export function safeKey(identifier: string): string {
  return createHash('sha256').update(identifier).digest('base64url');
}

/**
 * A filter for the rows of one partition whose RowKey starts with `prefix|` ('}' sorts right
 * after '|', so the range holds exactly those rows).
 */
export function rowsStartingWith(partitionKey: string, prefix: string): string {
  return odata`PartitionKey eq ${partitionKey} and RowKey ge ${`${prefix}|`} and RowKey lt ${`${prefix}}`}`;
}

/** Reads one entity, or undefined when it does not exist. */
export async function getOrUndefined<T extends object>(client: TableClient, partitionKey: string, rowKey: string) {
  try {
    return await client.getEntity<T>(partitionKey, rowKey);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}
