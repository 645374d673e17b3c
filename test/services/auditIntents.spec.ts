import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { DEMO_PROTOCOL_PATH, loadProtocol } from '../../src/config.js';
import { recoverAuditIntents } from '../../src/services/auditIntents.js';
import { ConcernService } from '../../src/services/concernService.js';
import { Directory } from '../../src/services/directory.js';
import { AuditLog } from '../../src/storage/auditLog.js';
import { ConcernStore } from '../../src/storage/concernStore.js';
import { CounterStore } from '../../src/storage/counterStore.js';
import { usingAzurite } from '../support/azurite.js';
import { validIntake } from '../support/harness.js';

const protocol = loadProtocol(DEMO_PROTOCOL_PATH);
const lead = protocol.modernSlaveryLeads[0]!;

/** The audit log as the process that died saw it: the concern's transaction committed, then nothing more reached the audit table. */
class DyingAuditLog extends AuditLog {
  override append(): Promise<void> {
    return Promise.reject(new Error('process died before the audit write'));
  }
}

describe('a concern and its audit rows, when the process dies between the two writes', () => {
  const world = usingAzurite();

  function service(audit: AuditLog) {
    return new ConcernService({
      concerns: new ConcernStore(world.tables.concerns),
      counters: new CounterStore(world.tables.counters),
      leadRefreshIds: () => Promise.resolve([]),
      audit,
      directory: new Directory(protocol),
      timeZone: protocol.timeZone,
      clock: { now: () => new Date() },
      outboxWritten: () => undefined,
    });
  }

  const raisedRows = async (audit: AuditLog, concernId: string) => (await audit.forConcern(concernId)).filter((e) => e.action === 'concern.raised');

  it('when the audit write is lost after a concern is stored, then the raiser is still told it was raised, and recovery writes its "raised" row exactly once', async () => {
    const audit = new AuditLog(world.tables.audit);
    const reporter = { aadObjectId: `aad-${randomUUID()}`, name: 'Sam' };
    const result = await service(new DyingAuditLog(world.tables.audit)).raise(reporter, randomUUID(), validIntake());
    assert.equal(result.kind, 'created');
    const concernId = result.kind === 'created' ? result.concern.id : '';
    assert.equal((await raisedRows(audit, concernId)).length, 0, 'the audit write was lost');

    const concerns = new ConcernStore(world.tables.concerns);
    assert.ok(
      (await concerns.pendingAudits()).some((p) => p.concernId === concernId),
      'the intent was stored with the concern',
    );
    assert.ok((await recoverAuditIntents({ concerns, audit })) >= 1);
    assert.ok((await recoverAuditIntents({ concerns, audit })) === 0, 'nothing left to recover');
    const rows = await raisedRows(audit, concernId);
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.actorId, reporter.aadObjectId);
  });

  it('when a recovery pass runs at the same moment as the normal write, then the "raised" row is still written once', async () => {
    const audit = new AuditLog(world.tables.audit);
    const concerns = new ConcernStore(world.tables.concerns);
    const reporter = { aadObjectId: `aad-${randomUUID()}`, name: 'Sam' };
    const raising = service(audit).raise(reporter, randomUUID(), validIntake());
    const [result] = await Promise.all([raising, recoverAuditIntents({ concerns, audit: new AuditLog(world.tables.audit) })]);
    await recoverAuditIntents({ concerns, audit: new AuditLog(world.tables.audit) });
    const concernId = result.kind === 'created' ? result.concern.id : '';
    assert.equal((await raisedRows(audit, concernId)).length, 1);
  });

  it('when a Lead\'s change is stored but its audit write is lost, then recovery writes the "changed" row', async () => {
    const audit = new AuditLog(world.tables.audit);
    const reporter = { aadObjectId: `aad-${randomUUID()}`, name: 'Sam' };
    const raised = await service(audit).raise(reporter, randomUUID(), validIntake());
    assert.equal(raised.kind, 'created');
    const concernId = raised.kind === 'created' ? raised.concern.id : '';
    const acknowledged = await service(new DyingAuditLog(world.tables.audit)).act(lead, concernId, 1, 'acknowledge', {});
    assert.equal(acknowledged.kind, 'ok');
    const changed = async () => (await audit.forConcern(concernId)).filter((e) => e.action === 'concern.changed');
    assert.equal((await changed()).length, 0);
    await recoverAuditIntents({ concerns: new ConcernStore(world.tables.concerns), audit });
    assert.deepEqual(
      (await changed()).map((e) => [e.actorId, e.reason]),
      [[lead.aadObjectId, 'acknowledged']],
    );
  });
});
