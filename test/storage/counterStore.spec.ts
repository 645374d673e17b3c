import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { CounterStore } from '../../src/storage/counterStore.js';
import { usingAzurite } from '../support/azurite.js';

describe('counter store against Azurite', () => {
  const world = usingAzurite();
  const sorted = (numbers: number[]) => [...numbers].sort((a, b) => a - b);
  const upTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

  it('when reference numbers are taken by many writers at once, then each gets a different number', async () => {
    const counters = new CounterStore(world.tables.counters);
    const numbers = await Promise.all(Array.from({ length: 20 }, () => counters.next('concern', '2027')));
    assert.equal(new Set(numbers).size, 20);
    assert.deepEqual(sorted(numbers), upTo(20));
  });

  it('when 200 are raised at once on one instance, then they get 1 to 200 from ten reservations of the shared row, not 200 contended updates', async () => {
    const scope = randomUUID();
    const counters = new CounterStore(world.tables.counters);
    const numbers = await Promise.all(Array.from({ length: 200 }, () => counters.next('concern', scope)));
    assert.deepEqual(sorted(numbers), upTo(200));
    assert.deepEqual(numbers, upTo(200), 'handed out in the order asked');
    const row = await world.tables.counters.getEntity<{ value: number }>('concern', scope);
    assert.equal(row.value, 200);
  });

  it('when three instances take numbers at the same time, then no number is given twice, and each instance counts upwards', async () => {
    const scope = randomUUID();
    const instances = [1, 2, 3].map(() => new CounterStore(world.tables.counters, 5));
    const taken = await Promise.all(instances.map((counters) => Promise.all(Array.from({ length: 40 }, () => counters.next('concern', scope)))));
    const all = taken.flat();
    assert.equal(new Set(all).size, 120);
    for (const numbers of taken) assert.deepEqual(numbers, sorted(numbers));
  });

  it('when an instance restarts, then the numbers left in its block are skipped (a gap), never reused', async () => {
    const scope = randomUUID();
    const before = new CounterStore(world.tables.counters, 20);
    assert.deepEqual([await before.next('concern', scope), await before.next('concern', scope)], [1, 2]);
    const after = new CounterStore(world.tables.counters, 20);
    assert.equal(await after.next('concern', scope), 21);
  });
});
