import assert from 'node:assert/strict';
import { CounterStore } from '../../src/storage/counterStore.js';
import { usingAzurite } from '../support/azurite.js';

describe('counter store against Azurite', () => {
  const world = usingAzurite();

  it('when reference numbers are taken by many writers at once, then each gets a different number', async () => {
    const counters = new CounterStore(world.tables.counters);
    const numbers = await Promise.all(Array.from({ length: 20 }, () => counters.next('concern', '2027')));
    assert.equal(new Set(numbers).size, 20);
    assert.deepEqual(
      [...numbers].sort((a, b) => a - b),
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
  });
});
