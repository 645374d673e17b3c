import assert from 'node:assert/strict';
import { escalationDigest, stillUnacknowledged, type EscalationDigestItem } from '../../src/domain/escalationDigest.js';

const item = (n: number, urgent: boolean): EscalationDigestItem => ({
  concernId: `c-${n}`,
  reference: `MS-2027-${String(n).padStart(6, '0')}`,
  step: urgent ? 'urgent-60m' : 'working-1d',
  after: urgent ? '1 hour' : '1 working day',
  urgent,
  child: false,
  raisedAt: new Date(Date.UTC(2027, 2, 1, 9, n)).toISOString(),
});

describe('an escalation digest as it goes out', () => {
  const digest = escalationDigest([item(1, true), item(2, true), item(3, false)]);

  it('when a concern it lists was acknowledged after the pass, then it is left out of the list and the counts', () => {
    const out = stillUnacknowledged(digest, (id) => id !== 'c-1');
    assert.deepEqual(
      out?.items.map((i) => i.reference),
      ['MS-2027-000002', 'MS-2027-000003'],
    );
    assert.equal(out?.total, 2);
    assert.equal(out?.urgent, 1);
  });

  it('when every concern it lists has been acknowledged, then there is nothing to send', () => {
    assert.equal(
      stillUnacknowledged(digest, () => false),
      undefined,
    );
  });

  it('when nothing changed, then it goes out as it was written', () => {
    assert.deepEqual(
      stillUnacknowledged(digest, () => true),
      digest,
    );
  });
});
