import assert from 'node:assert/strict';
import { ActivityLedger } from '../../src/storage/activityLedger.js';
import { usingAzurite } from '../support/azurite.js';

describe('activity ledger against Azurite', () => {
  const world = usingAzurite();

  it('when an activity is seen twice, then the ledger says so the second time', async () => {
    const ledger = new ActivityLedger(world.tables.activities);
    assert.equal(await ledger.firstSeen('conv/with#odd?chars', 'act-1'), true);
    assert.equal(await ledger.firstSeen('conv/with#odd?chars', 'act-1'), false);
    assert.equal(await ledger.firstSeen('conv/with#odd?chars', 'act-2'), true);
  });
});
