import assert from 'node:assert/strict';
import { allowedCommands, nextStatus } from '../../src/domain/status.js';

describe('concern status machine', () => {
  it('when a concern is new, then it can be acknowledged, acted on, rerouted or closed', () => {
    assert.deepEqual(allowedCommands('new').sort(), ['acknowledge', 'close', 'recordAction', 'reroute']);
    assert.equal(nextStatus('new', 'recordAction'), 'inProgress');
  });
  it('when a concern is acknowledged, then it cannot be acknowledged again', () => {
    assert.equal(nextStatus('acknowledged', 'acknowledge'), undefined);
    assert.equal(nextStatus('acknowledged', 'close'), 'closed');
  });
  it('when a concern is closed, then nothing more can change it', () => {
    assert.deepEqual(allowedCommands('closed'), []);
  });
});
