import assert from 'node:assert/strict';
import type { TableClient } from '@azure/data-tables';
import sinon from 'sinon';
import { WorkingCalendar } from '../../src/domain/calendar.js';
import { englandAndWalesBankHolidays } from '../../src/domain/bankHolidays.js';
import type { Clock } from '../../src/domain/clock.js';
import type { EscalationDigestPayload } from '../../src/domain/escalationDigest.js';
import { payloadOf } from '../../src/domain/outbox.js';
import { createLogger } from '../../src/logger.js';
import { OutboxDispatcher } from '../../src/messaging/outboxDispatcher.js';
import { Directory } from '../../src/services/directory.js';
import { escalationPass, type EscalationPassDeps } from '../../src/services/escalationPass.js';
import { AuditLog } from '../../src/storage/auditLog.js';
import { ConcernStore, toEntity } from '../../src/storage/concernStore.js';
import { escalationIndexEntity } from '../../src/storage/escalationIndex.js';
import { usingAzurite } from '../support/azurite.js';
import { freshTable } from '../support/freshTable.js';
import { PEOPLE, testProtocol } from '../support/people.js';
import { auditFor, concernRecord, raisedEvent } from '../support/records.js';

const T0 = new Date('2027-03-01T10:00:00Z');
const minutes = (n: number) => new Date(T0.getTime() + n * 60_000);
const RECIPIENTS = [PEOPLE.deputy.aadObjectId, PEOPLE.coordinator.aadObjectId].sort();

describe('the escalation pass: an index of when to look, and one digest per person per pass', () => {
  const world = usingAzurite();
  let table: TableClient;
  let deps: EscalationPassDeps;
  const clock: Clock & { at: Date } = { at: T0, now: () => clock.at };
  const protocol = testProtocol();
  const calendar = new WorkingCalendar(englandAndWalesBankHolidays([2026, 2027, 2028]));
  const passAt = (at: Date, store = deps.concerns) => {
    clock.at = at;
    return escalationPass({ ...deps, concerns: store }, at);
  };

  /** Delivers every digest due now and returns them, by recipient. */
  async function deliverDigests(): Promise<{ recipient: string; digest: EscalationDigestPayload }[]> {
    const sent: { recipient: string; digest: EscalationDigestPayload }[] = [];
    const dispatcher = new OutboxDispatcher(
      [deps.concerns.outbox],
      (entry) => {
        if (entry.kind === 'escalationDigest')
          sent.push({ recipient: entry.recipient, digest: payloadOf(entry as typeof entry & { kind: 'escalationDigest' }) });
        return Promise.resolve({ activityId: 'a' });
      },
      { waiting: () => Promise.resolve(), undeliverable: () => Promise.resolve() },
      clock,
      createLogger({ silent: true }),
    );
    await dispatcher.runOnce();
    return sent;
  }

  async function raise(count: number, overrides: Parameters<typeof concernRecord>[0] = {}) {
    const records = Array.from({ length: count }, (_, i) =>
      concernRecord({ reference: `MS-2027-${String(i + 1).padStart(6, '0')}`, createdAt: T0.toISOString(), urgent: true, ...overrides }),
    );
    await Promise.all(records.map((r) => deps.concerns.create(r, raisedEvent(r), [], auditFor(r))));
    return records;
  }

  beforeEach(async () => {
    table = await freshTable(world.connectionString);
    clock.at = T0;
    // An audit table of its own: the other storage specs count a day's events in the shared one.
    deps = {
      concerns: new ConcernStore(table),
      audit: new AuditLog(await freshTable(world.connectionString)),
      directory: new Directory(protocol),
      protocol,
      calendar,
      clock,
    };
  });

  afterEach(() => sinon.restore());

  it('when 40 urgent concerns are an hour unacknowledged, then each deputy and coordinator gets one message listing all 40, and each is audited once', async () => {
    const records = await raise(40);
    assert.deepEqual(await passAt(minutes(59)), [], 'not yet due');
    const items = await passAt(minutes(61));
    assert.equal(items.filter((i) => i.sent).length, 40);
    const sent = await deliverDigests();
    assert.deepEqual(sent.map((s) => s.recipient).sort(), RECIPIENTS, 'one message per person');
    for (const { digest } of sent) {
      assert.equal(digest.total, 40);
      assert.deepEqual(digest.items.map((i) => i.reference).sort(), records.map((r) => r.reference).sort());
    }
    const audited = await deps.audit.forConcern(records[0]!.id);
    assert.deepEqual(
      audited.filter((e) => e.action === 'concern.escalated').map((e) => e.reason),
      ['urgent-60m'],
    );
    assert.deepEqual(await passAt(minutes(70)), [], 'a repeated pass finds nothing: the rows are gone');
    assert.deepEqual(await deliverDigests(), []);
  });

  it('when two passes race over the same overdue concerns, then each concern step is in exactly one digest that goes out', async () => {
    const records = await raise(30);
    clock.at = minutes(61);
    const [a, b] = await Promise.all([passAt(minutes(61), new ConcernStore(table)), passAt(minutes(61), new ConcernStore(table))]);
    assert.equal([...a, ...b].filter((i) => i.sent).length, 30, 'each step won once');
    clock.at = minutes(70); // past any hold: a digest listing more than its pass won would show now
    const sent = await deliverDigests();
    for (const recipient of RECIPIENTS) {
      const listed = sent.filter((s) => s.recipient === recipient).flatMap((s) => s.digest.items.map((i) => i.reference));
      assert.deepEqual(listed.sort(), records.map((r) => r.reference).sort(), `${recipient}: every step once`);
    }
  });

  it('when a pass crashes after writing its digests and before recording the steps, then the digests still go out, after their hold', async () => {
    const [record] = await raise(1);
    sinon.stub(deps.concerns, 'recordEscalation').rejects(new Error('the process died'));
    await assert.rejects(passAt(minutes(61)), /the process died/);
    assert.deepEqual(await deliverDigests(), [], 'held back while the pass would narrow it');
    clock.at = minutes(64);
    const sent = await deliverDigests();
    assert.deepEqual(sent.map((s) => s.recipient).sort(), RECIPIENTS);
    assert.deepEqual(
      sent[0]!.digest.items.map((i) => i.reference),
      [record!.reference],
    );
  });

  it('when a concern is acknowledged before its step, then its index row is removed and it is never escalated', async () => {
    const [record] = await raise(1);
    const stored = (await deps.concerns.get(record!.id))!;
    const acknowledged = { ...record!, status: 'acknowledged' as const, revision: 2 };
    await deps.concerns.update(acknowledged, stored.etag, { ...raisedEvent(acknowledged), revision: 2 }, [], auditFor(acknowledged, 'concern.changed'));
    assert.deepEqual(await passAt(minutes(61)), []);
    assert.deepEqual(await deps.concerns.escalationIndex.due(minutes(60 * 24 * 30)), [], 'no row left to look at');
    assert.deepEqual(await deliverDigests(), []);
  });

  it('when a concern has a later step, then the pass leaves its row at that step, and the step is escalated when due', async () => {
    deps = { ...deps, protocol: { ...protocol, escalation: { urgentAfterMinutes: [60, 240], otherAfterWorkingDays: [1] } } };
    const [record] = await raise(1);
    await passAt(minutes(1));
    assert.deepEqual(
      (await deps.concerns.escalationIndex.due(minutes(60 * 24))).map((r) => r.lookAt),
      [minutes(60).toISOString()],
      'first looked at when raised, then at its first step',
    );
    assert.deepEqual(
      (await passAt(minutes(61))).map((i) => i.subject),
      [`${record!.reference} urgent-60m`],
    );
    assert.deepEqual(
      (await deps.concerns.escalationIndex.due(minutes(60 * 24))).map((r) => r.lookAt),
      [minutes(240).toISOString()],
    );
    assert.deepEqual(await passAt(minutes(200)), []);
    assert.deepEqual(
      (await passAt(minutes(241))).map((i) => i.subject),
      [`${record!.reference} urgent-240m`],
    );
    assert.deepEqual(await deps.concerns.escalationIndex.due(minutes(60 * 24)), []);
  });

  it('when the store holds concerns from before the index, then the first pass builds it from one scan and marks it built', async () => {
    const old = concernRecord({ reference: 'MS-2027-000099', createdAt: T0.toISOString(), urgent: true });
    await table.createEntity(toEntity(old)); // as stored before the index existed: no index row
    assert.equal(await deps.concerns.escalationIndex.isBuilt(), false);
    assert.deepEqual(
      (await passAt(minutes(61))).map((i) => i.subject),
      ['MS-2027-000099 urgent-60m'],
    );
    assert.equal(await new ConcernStore(table).escalationIndex.isBuilt(), true, 'the marker is stored');
    const unindexed = concernRecord({ reference: 'MS-2027-000100', createdAt: T0.toISOString(), urgent: true });
    await table.createEntity(toEntity(unindexed));
    assert.deepEqual(await passAt(minutes(62), new ConcernStore(table)), [], 'once built, no pass scans again');
  });

  it("when a pass reads a concern's row before the concern itself is stored (a slow write), then the row is kept and the concern still escalates", async () => {
    const late = concernRecord({ reference: 'MS-2027-000200', createdAt: T0.toISOString(), urgent: true });
    await table.upsertEntity(escalationIndexEntity(late.id, T0), 'Replace'); // the write-ahead row, its concern not yet written
    assert.deepEqual(await passAt(minutes(1)), []);
    assert.equal((await deps.concerns.escalationIndex.due(minutes(1))).length, 1, 'kept for the write on its way');
    await table.createEntity(toEntity(late)); // the held-up write lands
    assert.deepEqual(
      (await passAt(minutes(61))).map((i) => i.subject),
      ['MS-2027-000200 urgent-60m'],
    );
  });

  it("when a concern's card was submitted twice (two rows for one concern), then it is escalated once and the pass carries on", async () => {
    const [record] = await raise(1);
    await table.upsertEntity(escalationIndexEntity(record!.id, minutes(2)), 'Replace'); // the second submit's row
    assert.deepEqual(
      (await passAt(minutes(61))).map((i) => i.subject),
      [`${record!.reference} urgent-60m`],
    );
    assert.deepEqual(await deps.concerns.escalationIndex.due(minutes(60 * 24 * 30)), [], 'both rows settled');
    const digests = await deliverDigests();
    assert.deepEqual(
      digests.map((d) => d.digest.total),
      [1, 1],
    );
  });
});
