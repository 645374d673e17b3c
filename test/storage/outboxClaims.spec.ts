import assert from 'node:assert/strict';
import { newOutboxEntry } from '../../src/domain/outbox.js';
import { OutboxStore, type StoredOutboxEntry } from '../../src/storage/outboxStore.js';
import { usingAzurite } from '../support/azurite.js';
import { freshTable } from '../support/freshTable.js';

const T0 = new Date('2027-03-01T10:00:00Z');
const later = (ms: number) => new Date(T0.getTime() + ms);
const LEASE_MS = 60_000;
const OWNER = 'wait-x';

describe('claims on outbox entries: one attempt at a time, and a late one changes nothing', () => {
  const world = usingAzurite();
  let outbox: OutboxStore;

  beforeEach(async () => {
    outbox = new OutboxStore(await freshTable(world.connectionString));
    const notice = newOutboxEntry({
      kind: 'waitingNotice',
      recipient: 'coordinator',
      now: T0,
      key: 'waiting',
      payload: { recipient: 'x', waitingFor: 'install' },
    });
    await outbox.add(OWNER, [notice]);
  });

  async function dueEntry(at: Date): Promise<StoredOutboxEntry> {
    const [entry] = (await outbox.due(at)).entries;
    assert.ok(entry, `an entry due at ${at.toISOString()}`);
    return entry;
  }
  const stored = async () => (await outbox.list(OWNER))[0]!;

  it('when an attempt outlives its lease and records after a later attempt claimed the entry, then its record is refused and the later claim stands', async () => {
    const first = await dueEntry(T0);
    const slow = await outbox.claim(first, later(LEASE_MS));
    assert.ok(slow);
    // The lease runs out; another attempt sends it and records it; the count changes (re-armed); a third attempt claims it.
    const second = await dueEntry(later(LEASE_MS + 1));
    const other = await outbox.claim(second, later(2 * LEASE_MS));
    await outbox.record({ ...second, attempts: second.attempts + 1 }, other!, { state: 'sent', activityId: 'second' });
    await outbox.rearm(OWNER, later(LEASE_MS + 2));
    const third = await dueEntry(later(LEASE_MS + 3));
    assert.equal(third.attempts, first.attempts, 'the attempt count is back where the slow attempt found it');
    const current = await outbox.claim(third, later(3 * LEASE_MS));
    assert.ok(current);

    await assert.rejects(outbox.record({ ...first, attempts: first.attempts + 1 }, slow, { state: 'sent', activityId: 'slow' }));
    const row = await stored();
    assert.equal(row.state, 'pending', 'still waiting for the attempt that holds it');
    assert.equal(row.activityId, 'second', 'the message to update is the one last sent');
  });

  it('when an entry is re-armed while its attempt is given back (shutdown), then the give-back still goes through: due at once, the attempt not counted', async () => {
    const entry = await dueEntry(T0);
    const claim = await outbox.claim(entry, later(LEASE_MS));
    await outbox.rearm(OWNER, later(1));
    await outbox.release(entry, claim!, later(2));
    const row = await stored();
    assert.equal(row.attempts, entry.attempts);
    assert.equal((await dueEntry(later(2))).rowKey, row.rowKey);
  });

  it('when an attempt that sent nothing to update is re-armed meanwhile, then it is recorded as sent, not posted again as a new message', async () => {
    const entry = await dueEntry(T0);
    const claim = await outbox.claim(entry, later(LEASE_MS));
    await outbox.rearm(OWNER, later(1));
    await outbox.record({ ...entry, attempts: entry.attempts + 1 }, claim!, { state: 'sent' });
    assert.equal((await stored()).state, 'sent');
  });
});
