import assert from 'node:assert/strict';
import { Deadline } from '../../src/domain/deadline.js';

const TZ = 'Europe/London';

describe('the deadline', () => {
  it('when the deadline is 2 July 2027, then it is the end of that day in London (BST), as a UTC instant', () => {
    assert.equal(new Deadline('2027-07-02', TZ).instant.toISOString(), '2027-07-02T23:00:00.000Z');
    assert.equal(new Deadline('2027-12-02', TZ).instant.toISOString(), '2027-12-03T00:00:00.000Z');
  });
});
