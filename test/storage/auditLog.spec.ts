import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { AuditLog } from '../../src/storage/auditLog.js';
import { usingAzurite } from '../support/azurite.js';

describe('audit log against Azurite', () => {
  const world = usingAzurite();

  it('when the audit log is written, then events read back by concern and by day, in order', async () => {
    const audit = new AuditLog(world.tables.audit);
    const id = randomUUID();
    await audit.append({ at: '2027-03-01T10:00:00.000Z', actorId: 'a', action: 'concern.viewed', concernId: id, outcome: 'allowed' });
    await audit.append({ at: '2027-03-01T09:00:00.000Z', actorId: 'b', action: 'concern.refused', concernId: id, outcome: 'refused', reason: 'not a lead' });
    const events = await audit.forConcern(id);
    assert.deepEqual(
      events.map((e) => e.actorId),
      ['b', 'a'],
    );
    assert.equal((await audit.forDay('2027-03-01')).length, 2);
  });
});
