import { randomUUID } from 'node:crypto';
import type { TableClient } from '@azure/data-tables';
import { tableClientFor } from '../../src/storage/tables.js';

/** A new, empty table on the test Azurite, for a test that must see only its own rows (a whole partition, or a one-entity table). */
export async function freshTable(connectionString: string): Promise<TableClient> {
  const table = tableClientFor(connectionString, `t${randomUUID().replace(/-/g, '').slice(0, 20)}`);
  await table.createTable();
  return table;
}
