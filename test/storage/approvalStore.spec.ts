import assert from 'node:assert/strict';
import { tableClientFor } from '../../src/storage/tables.js';
import { randomUUID } from 'node:crypto';
import type { ApprovalRecord } from '../../src/domain/approvals.js';
import { ApprovalStore } from '../../src/storage/approvalStore.js';
import { CollationStore, type CollationRecord } from '../../src/storage/collationStore.js';
import { usingAzurite } from '../support/azurite.js';

const by = { aadObjectId: 'c', name: 'Cora' };
const collation = (version: number): CollationRecord => ({
  version,
  collatedAt: new Date().toISOString(),
  by,
  basis: 'accepted',
  sources: { strategy: {}, pathway: {} },
});
const panel = (version: number, n: number): ApprovalRecord => ({
  protocolVersion: version,
  n,
  step: 'panel',
  decision: 'approved',
  date: '2027-07-09',
  recordedBy: by,
  recordedAt: new Date().toISOString(),
});

describe('approval store against Azurite', () => {
  const world = usingAzurite();
  let collations: CollationStore;
  let approvals: ApprovalStore;

  beforeEach(async () => {
    // A table of its own: the protocol's partition is fixed, so tests sharing the emulator must not share the table.
    const table = tableClientFor(world.connectionString, `c${randomUUID().replace(/-/g, '')}`);
    await table.createTable();
    collations = new CollationStore(table);
    approvals = new ApprovalStore(table);
  });

  it('when two coordinators record the panel at the same moment, then one is recorded and the other is decided again on what is there, and refused', async () => {
    await collations.record(collation);
    const attempt = () =>
      approvals.record<string>((current) =>
        current.status === 'collated' ? { record: panel(current.version, current.approvals.length + 1) } : { other: 'already' },
      );
    const outcomes = await Promise.all([attempt(), attempt()]);
    assert.deepEqual(outcomes.map((o) => ('record' in o ? 'recorded' : o.other)).sort(), ['already', 'recorded']);
    assert.equal((await approvals.forVersion(1)).length, 1);
    assert.equal((await collations.state()).status, 'panel approved');
  });

  it('when the protocol is collated again, then the new version starts at collated with no approvals, and the old keeps its own', async () => {
    await collations.record(collation);
    await approvals.record(() => ({ record: panel(1, 1) }));
    await collations.markNeedsRecollation();
    assert.deepEqual(await collations.state(), { currentVersion: 1, needsRecollation: true, status: 'panel approved' }, 'a resubmission keeps the status');
    await collations.record(collation);
    assert.deepEqual(await collations.state(), { currentVersion: 2, needsRecollation: false, status: 'collated' });
    assert.deepEqual(await approvals.current(), { version: 2, status: 'collated', approvals: [] });
    assert.equal((await approvals.forVersion(1))[0]?.decision, 'approved');
  });

  it('when nothing is collated, then the state is draft, version 0, with nothing recorded', async () => {
    assert.deepEqual(await collations.state(), { currentVersion: 0, needsRecollation: false, status: 'draft' });
    assert.deepEqual(await approvals.current(), { version: 0, status: 'draft', approvals: [] });
  });
});
