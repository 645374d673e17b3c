import { createHash } from 'node:crypto';
import { odata, RestError, TableClient, type TransactionAction } from '@azure/data-tables';
import { DefaultAzureCredential } from '@azure/identity';
import { tableClientOptions } from './tableTransport.js';

/** Every table the app uses, one per aggregate (Azure table names: letters and digits, 3-63). */
export const TABLE_NAMES = {
  concerns: 'concerns',
  conversations: 'conversations',
  groupChannels: 'groupchannels',
  audit: 'audit',
  counters: 'counters',
  activities: 'activities',
  /** People and roles (managed in Teams), the people the app knows, and team imports offered. */
  people: 'people',
  templates: 'templates',
  collations: 'collations',
  /** Which instances are sending, and pauses Teams asked for: the tenant's rate limit is shared between instances. */
  sendBudget: 'sendbudget',
} as const;

export type TableName = keyof typeof TABLE_NAMES;
export type TableClients = Record<TableName, TableClient>;

/** How the app reaches its tables: a connection string (the emulator), or an endpoint and the managed identity. */
export type TableAccess = { connectionString: string } | { endpoint: string; clientId: string | undefined };

/**
 * Opens every table. With a connection string (development, tests) missing tables are created;
 * with the managed identity (production) the app may not create tables, so it checks that each
 * exists and names any that is missing.
 */
export async function openTables(access: TableAccess): Promise<TableClients> {
  const names = Object.keys(TABLE_NAMES) as TableName[];
  if ('connectionString' in access) {
    const entries = await Promise.all(
      names.map(async (name) => {
        const client = tableClientFor(access.connectionString, TABLE_NAMES[name]);
        await client.createTable();
        return [name, client] as const;
      }),
    );
    return Object.fromEntries(entries) as TableClients;
  }
  const credential = new DefaultAzureCredential(access.clientId ? { managedIdentityClientId: access.clientId } : {});
  const clients = names.map((name) => [name, new TableClient(access.endpoint, TABLE_NAMES[name], credential, tableClientOptions('https'))] as const);
  const missing = (await Promise.all(clients.map(async ([name, client]) => ((await tableExists(client)) ? undefined : TABLE_NAMES[name])))).filter(Boolean);
  if (missing.length)
    throw new Error(
      `These tables do not exist in ${access.endpoint}: ${missing.join(', ')}. Create them with the template in infra/ (the app may not create tables).`,
    );
  return Object.fromEntries(clients) as TableClients;
}

/** A client for one table by connection string (the emulator: plain HTTP on loopback is allowed). */
export function tableClientFor(connectionString: string, tableName: string, requestTimeoutMs?: number): TableClient {
  const insecure = /DefaultEndpointsProtocol=http;|UseDevelopmentStorage=true/.test(connectionString);
  return TableClient.fromConnectionString(connectionString, tableName, tableClientOptions(insecure ? 'http' : 'https', requestTimeoutMs));
}

/** A read of a key that cannot exist tells a missing table (TableNotFound) from a missing entity. */
async function tableExists(client: TableClient): Promise<boolean> {
  try {
    await client.getEntity('probe', 'probe');
    return true;
  } catch (error) {
    if (error instanceof RestError && error.statusCode === 404) return error.code !== 'TableNotFound';
    throw error;
  }
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

/** Runs a conditional write that may lose a race (412) or find its row gone (404): either way someone else settled it. */
export async function ignoringRace(write: () => Promise<unknown>): Promise<void> {
  try {
    await write();
  } catch (error) {
    if (!isStale(error) && !isNotFound(error)) throw error;
  }
}

/**
 * Writes from a row as read; when someone changed the row first (412), reads it again and writes
 * from that, at most `tries` times in all. `write` decides from the row what to write, if anything;
 * a row found gone ends it.
 */
export async function rewriteOnStale<T>(row: T | undefined, read: () => Promise<T | undefined>, write: (row: T) => Promise<void>, tries = 5): Promise<void> {
  for (let attempt = 1; row !== undefined; attempt++) {
    try {
      await write(row);
      return;
    } catch (error) {
      if (!isStale(error) || attempt >= tries) throw error;
      row = await read();
    }
  }
}

/** A Table transaction holds at most 100 operations, all in one partition. */
export const TRANSACTION_LIMIT = 100;

/** One partition's actions in transaction-sized chunks, in order. */
export function inTransactions(actions: TransactionAction[]): TransactionAction[][] {
  return Array.from({ length: Math.ceil(actions.length / TRANSACTION_LIMIT) }, (_, i) => actions.slice(i * TRANSACTION_LIMIT, (i + 1) * TRANSACTION_LIMIT));
}

/** Submits one partition's actions in as many transactions as they need, one after another. */
export async function submitInTransactions(table: TableClient, actions: TransactionAction[]): Promise<void> {
  for (const chunk of inTransactions(actions)) await table.submitTransaction(chunk);
}

/** Runs `work` over `items` with at most `limit` under way at once, keeping the order of the results. */
export async function mapConcurrently<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) results[i] = await work(items[i]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * Upserts (Replace) and deletes of index rows spread over partitions, in as few transactions as
 * the partitions allow: sixteen partitions at once, and each partition's transactions in the order
 * of `actions`, so a row written before another's removal is never lost to a crash in between. A
 * row a racing pass removed first fails its whole transaction (404): that transaction's actions
 * then go one by one, in order, a missing row being no error.
 */
export async function settleInTransactions(table: TableClient, actions: readonly TransactionAction[]): Promise<void> {
  const byPartition = new Map<string, TransactionAction[]>();
  for (const action of actions) {
    const partition = byPartition.get(action[1].partitionKey);
    if (partition) partition.push(action);
    else byPartition.set(action[1].partitionKey, [action]);
  }
  await mapConcurrently([...byPartition.values()], 16, async (partition) => {
    for (const chunk of inTransactions(partition)) {
      try {
        await table.submitTransaction(chunk);
      } catch (error) {
        if (!isNotFound(error)) throw error;
        for (const [kind, entity] of chunk) {
          if (kind === 'upsert') await table.upsertEntity(entity, 'Replace');
          else await ignoringRace(() => table.deleteEntity(entity.partitionKey, entity.rowKey));
        }
      }
    }
  });
}

/** The actions that remove these rows, for settleInTransactions. */
export const deletions = (rows: readonly { partitionKey: string; rowKey: string }[]): TransactionAction[] =>
  rows.map(({ partitionKey, rowKey }): TransactionAction => ['delete', { partitionKey, rowKey }]);

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
