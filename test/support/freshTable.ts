import { randomUUID } from 'node:crypto';
import { TableClient } from '@azure/data-tables';

/** A new, empty table on the test Azurite, for a test that must see only its own rows (a whole partition, or a one-entity table). */
export async function freshTable(connectionString: string): Promise<TableClient> {
  const table = TableClient.fromConnectionString(connectionString, `t${randomUUID().replace(/-/g, '').slice(0, 20)}`, { allowInsecureConnection: true });
  await table.createTable();
  return table;
}
