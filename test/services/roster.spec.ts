import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { systemClock } from '../../src/domain/clock.js';
import { holdersOf, holds, withHolder, withoutHolder } from '../../src/domain/people.js';
import { createLogger } from '../../src/logger.js';
import { Directory } from '../../src/services/directory.js';
import { RosterKeeper } from '../../src/services/roster.js';
import { AuditLog } from '../../src/storage/auditLog.js';
import { PeopleStore } from '../../src/storage/peopleStore.js';
import { usingAzurite } from '../support/azurite.js';
import { freshTable } from '../support/freshTable.js';
import { testProtocol } from '../support/people.js';

const coordinator = { aadObjectId: 'aad-coord', name: 'Cora Coordinator' };
const logger = createLogger({ silent: true });

describe('the roster in storage, shared by several instances (against Azurite)', () => {
  const world = usingAzurite();

  /** A people table of its own (the roster is one entity per table), and a way to open an instance on it. */
  async function freshRoster() {
    const table = await freshTable(world.connectionString);
    const audit = new AuditLog(world.tables.audit);
    // Each instance is a process of its own, with its own audit log writer, as when deployed.
    const open = async (file = testProtocol()) => {
      const directory = new Directory(file);
      const instance = { store: new PeopleStore(table), directory, audit: new AuditLog(world.tables.audit), clock: systemClock, logger };
      const keeper = await RosterKeeper.open(instance, file);
      return { directory, keeper };
    };
    return { table, audit, open, store: new PeopleStore(table) };
  }
  const auditedWith = async (audit: AuditLog, reason: string) =>
    (await audit.forDay(new Date().toISOString().slice(0, 10))).filter((e) => e.action === 'people.changed' && e.reason === reason);

  it('when several instances start at once on empty storage, then one seeds the roster from the file, once, and all answer from it', async () => {
    const { open, audit, store } = await freshRoster();
    const instances = await Promise.all([open(), open(), open()]);
    assert.equal((await store.read())!.version, 1);
    for (const { directory } of instances) assert.deepEqual(directory.roster(), (await store.read())!.roster);
    const seedEvents = (await audit.forDay(new Date().toISOString().slice(0, 10))).filter((e) => e.action === 'people.changed' && e.reason?.startsWith('seed'));
    assert.equal(seedEvents.length, 0, "seeding changes nobody's role: not audited");
  });

  it('when two instances change the roster at the same moment, then both changes stand (none is lost), each audited once', async () => {
    const { open, audit, store } = await freshRoster();
    const [a, b] = await Promise.all([open(), open()]);
    const add = (id: string) => (roster: Parameters<typeof withHolder>[0]) => ({
      kind: 'change' as const,
      roster: withHolder(roster, 'housing.member', { aadObjectId: id, name: id }),
      reasons: [`added housing.member ${id}`],
      detail: id,
    });
    const ids = Array.from({ length: 6 }, (_, i) => `aad-${i}-${randomUUID().slice(0, 8)}`);
    await Promise.all(ids.map((id, i) => (i % 2 ? a : b).keeper.change(coordinator, add(id))));
    const stored = (await store.read())!;
    for (const id of ids) assert.ok(holds(stored.roster, 'housing.member', id), id);
    assert.equal(stored.version, 1 + ids.length);
    for (const id of ids) assert.equal((await auditedWith(audit, `added housing.member ${id}`)).length, 1);
    assert.equal(stored.pendingAudits.length, 0);
  });

  it('when another instance changes the roster, then this one answers from the change after its next poll, and from its own change at once', async () => {
    const { open } = await freshRoster();
    const [a, b] = await Promise.all([open(), open()]);
    await a.keeper.change(coordinator, (roster) => ({
      kind: 'change',
      roster: withoutHolder(roster, 'deputy', 'aad-deputy'),
      reasons: ['removed deputy aad-deputy'],
      detail: null,
    }));
    assert.equal(holdersOf(a.directory.roster(), 'deputy').length, 0, 'at once where it was made');
    assert.equal(holdersOf(b.directory.roster(), 'deputy').length, 1, 'not yet seen by the other');
    await b.keeper.refresh();
    assert.equal(holdersOf(b.directory.roster(), 'deputy').length, 0);
    assert.equal(b.directory.roles('aad-deputy').modernSlaveryLead, false);
  });

  it('when a process stopped after a change but before its audit, then the next instance to start copies the audit event, once', async () => {
    const { open, audit, store } = await freshRoster();
    await open();
    const before = (await store.read())!;
    const eventId = randomUUID();
    const reason = `added coordinator aad-x-${eventId.slice(0, 8)}`;
    // What the change writes: the new roster and its audit event, in one write; then the process "stops".
    await store.replace(
      before,
      withHolder(before.roster, 'coordinator', { aadObjectId: 'aad-x', name: 'X' }),
      [{ eventId, event: { at: new Date().toISOString(), actorId: 'aad-coord', action: 'people.changed', outcome: 'allowed', reason } }],
      new Date(),
    );
    assert.equal((await auditedWith(audit, reason)).length, 0);
    await Promise.all([open(), open()]);
    assert.equal((await auditedWith(audit, reason)).length, 1);
    assert.equal((await store.read())!.pendingAudits.length, 0);
  });

  it('when a roster is longer than one Table property may hold, then it is stored and read whole', async () => {
    const { open, store } = await freshRoster();
    const { keeper, directory } = await open();
    const many = Array.from({ length: 900 }, (_, i) => ({
      aadObjectId: `aad-${String(i).padStart(4, '0')}-${'x'.repeat(20)}`,
      name: `Person ${i} ${'é'.repeat(20)}`,
    }));
    await keeper.change(coordinator, (roster) => ({
      kind: 'change',
      roster: many.reduce((r, p) => withHolder(r, 'support.member', p), roster),
      reasons: ['added many'],
      detail: null,
    }));
    assert.equal(holdersOf((await store.read())!.roster, 'support.member').length, 900);
    assert.equal(holdersOf(directory.roster(), 'support.member').length, 900);
  });
});
