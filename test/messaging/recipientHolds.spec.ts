import assert from 'node:assert/strict';
import sinon from 'sinon';
import { RecipientHolds } from '../../src/messaging/recipientHolds.js';

describe('recipients held back by the rate limits', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: new Date('2027-07-02T08:00:00Z') });
  });
  afterEach(() => clock.restore());

  it('when one person is held for a while, then only they are held, and a pass is asked for when their hold ends', async () => {
    let passes = 0;
    const holds = new RecipientHolds(
      () => Date.now(),
      () => (passes += 1),
    );
    holds.hold('aad-lead', 3_000);
    assert.equal(holds.isHeld('aad-lead'), true);
    assert.equal(holds.isHeld('aad-deputy'), false, 'others are not held up behind them');
    await clock.tickAsync(2_999);
    assert.equal(passes, 0);
    await clock.tickAsync(1);
    assert.equal(passes, 1);
    assert.equal(holds.isHeld('aad-lead'), false);
  });

  it('when everyone is held (the tenant limit, or Teams asked for a pause), then every recipient waits, and the earliest end asks for a pass', async () => {
    let passes = 0;
    const holds = new RecipientHolds(
      () => Date.now(),
      () => (passes += 1),
    );
    holds.hold('aad-lead', 5_000);
    holds.hold(undefined, 2_000);
    assert.equal(holds.isHeld('aad-anyone'), true);
    await clock.tickAsync(2_000);
    assert.equal(passes, 1, 'a pass when the hold on everyone ends');
    assert.equal(holds.isHeld('aad-anyone'), false);
    assert.equal(holds.isHeld('aad-lead'), true, 'the longer hold still stands');
    await clock.tickAsync(3_000);
    assert.equal(passes, 2, 'and a pass when it ends too');
    holds.hold('aad-lead', 1_000);
    holds.stop();
    await clock.tickAsync(5_000);
    assert.equal(passes, 2, 'stopped: no pass asked for');
  });
});
