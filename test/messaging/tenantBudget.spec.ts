import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { SharedTenantBudget, type SharedBudgetOptions } from '../../src/messaging/tenantBudget.js';
import { SendBudgetStore } from '../../src/storage/sendBudgetStore.js';
import { usingAzurite } from '../support/azurite.js';
import { freshTable } from '../support/freshTable.js';

/**
 * The tenant's budget shared through Azurite: instances count each other by their heartbeat rows
 * and honour each other's pauses. Short refresh and lease times keep the tests quick.
 */
describe('the tenant sending budget shared between instances', () => {
  const world = usingAzurite();
  let store: SendBudgetStore;
  const opened: SharedTenantBudget[] = [];

  // Each test has a table of its own, so that no other test's instances are counted.
  beforeEach(async () => {
    const table = await freshTable(world.connectionString);
    store = new SendBudgetStore(table);
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((budget) => budget.close()));
  });

  function instance(options: Partial<SharedBudgetOptions> = {}): SharedTenantBudget {
    const budget = new SharedTenantBudget(store, {
      instanceId: randomUUID(),
      refreshMs: 100,
      leaseMs: 1_000,
      settleMs: 100,
      now: () => Date.now(),
      ...options,
    });
    opened.push(budget);
    return budget;
  }

  it('when three instances start sending, then each counts three, and those that joined beside others wait until the others have counted them', async () => {
    const [a, b, c] = [instance(), instance(), instance()];
    const first = await a.view();
    assert.equal(first.instances, 1);
    assert.ok(first.notBefore <= Date.now(), 'the first, alone, sends at once');
    const second = await b.view();
    assert.equal(second.instances, 2);
    assert.ok(second.notBefore > Date.now() + 150, 'the second waits until the first has read again, and its sends so far have settled');
    assert.equal((await c.view()).instances, 3);
    await sleep(110);
    assert.equal((await a.view()).instances, 3, 'the first counts the others at its next read');
    assert.equal((await b.view()).instances, 3);
  });

  it('when one instance is told by Teams to pause, then the others honour the pause from their next read', async () => {
    const [a, b] = [instance(), instance()];
    await Promise.all([a.view(), b.view()]);
    const until = Date.now() + 5_000;
    await a.pause(until);
    assert.equal((await a.view()).pausedUntil, until, 'at once where it happened');
    await sleep(110);
    assert.equal((await b.view()).pausedUntil, until, 'within the refresh time elsewhere');
  });

  it('when an instance stops, then the others count one fewer once its last sends are out of the windows, but a pause it recorded still holds', async () => {
    const [a, b] = [instance(), instance({ settleMs: 300 })];
    await a.view();
    await b.view();
    await sleep(110);
    assert.equal((await a.view()).instances, 2);
    const until = Date.now() + 5_000;
    await b.pause(until);
    await b.close();
    await sleep(110);
    assert.equal((await a.view()).instances, 2, 'not while its last sends may still be in a window');
    await sleep(250);
    const view = await a.view();
    assert.equal(view.instances, 1);
    assert.equal(view.pausedUntil, until);
  });

  it('when an instance is quiet for longer than its lease, then it is no longer counted, and it waits again when it comes back', async () => {
    const [a, b] = [instance({ leaseMs: 300 }), instance({ leaseMs: 300 })];
    await a.view();
    await b.view();
    await sleep(350);
    assert.equal((await a.view()).instances, 1, 'b has not sent for longer than its lease');
    const back = await b.view();
    assert.equal(back.instances, 2);
    assert.ok(back.notBefore > Date.now(), 'b waits for a to count it again');
  });

  it('when an instance has been gone for more than an hour, then its row is tidied away', async () => {
    const longAgo = Date.now() - 2 * 60 * 60_000;
    const gone = new SharedTenantBudget(store, { instanceId: 'gone', refreshMs: 100, leaseMs: 1_000, settleMs: 100, now: () => longAgo });
    await gone.view();
    await instance().view();
    assert.deepEqual(
      (await store.senders()).map((row) => row.instanceId).filter((id) => id === 'gone'),
      [],
    );
  });
});
