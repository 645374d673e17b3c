import { withHolder, type Position } from '../../src/domain/people.js';
import type { Person } from '../../src/domain/protocol.js';
import type { EmbeddedTables } from '../../src/storage/embeddedAzurite.js';
import { PeopleStore } from '../../src/storage/peopleStore.js';
import { openTables } from '../../src/storage/tables.js';

/**
 * Gives someone a role in the roster kept in storage, as a coordinator's change would (roles no
 * longer come from the protocol file after the first start): for a test that needs, say, a Lead
 * who has never used the app. A running app sees it within its poll, a restarted one at once.
 */
export async function giveRole(tables: EmbeddedTables, position: Position, person: Person): Promise<void> {
  const store = new PeopleStore((await openTables({ connectionString: tables.connectionString })).people);
  const stored = await store.read();
  if (!stored) throw new Error('no roster yet: start the app once first');
  await store.replace(stored, withHolder(stored.roster, position, person), [], new Date());
}
