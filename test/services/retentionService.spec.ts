import assert from 'node:assert/strict';
import { tableClientFor } from '../../src/storage/tables.js';
import { randomUUID } from 'node:crypto';
import { odata, TableClient } from '@azure/data-tables';
import type { ConcernRecord, PersonRef } from '../../src/domain/concernRecord.js';
import { createLogger } from '../../src/logger.js';
import { auditIntent, recordAuditIntent, recoverAuditIntents } from '../../src/services/auditIntents.js';
import { ConcernService } from '../../src/services/concernService.js';
import { Directory } from '../../src/services/directory.js';
import { RetentionService } from '../../src/services/retentionService.js';
import { AuditLog } from '../../src/storage/auditLog.js';
import { ConcernStore } from '../../src/storage/concernStore.js';
import { CounterStore } from '../../src/storage/counterStore.js';
import { RetentionStore } from '../../src/storage/retentionStore.js';
import { usingAzurite } from '../support/azurite.js';
import { validIntake } from '../support/harness.js';
import { testProtocol } from '../support/people.js';

const protocol = testProtocol();
/** Words typed into a concern, and the people on it: none may be left anywhere once it is anonymised. */
const CANARY = {
  observed: 'canary-observed: a man with a scar on his left hand',
  place: 'Canaryville',
  reporter: { aadObjectId: 'aad-canary-reporter', name: 'Cassie Canaryreporter' } satisfies PersonRef,
  lead: { aadObjectId: 'aad-lead', name: 'Leo Canarylead' } satisfies PersonRef,
  nrmReference: 'CANARY-NRM-1',
  caseReference: 'CANARY-CD-REF',
  note: 'canary-note: his sister works at the car wash',
  holdReason: 'canary-hold: the police asked',
};
const CANARY_WORDS = ['canary-observed', 'canaryville', 'canaryreporter', 'aad-canary-reporter', 'canarylead', 'canary-nrm-1', 'canary-cd-ref', 'canary-note'];

/** What the figures count from a concern: must be the same before and after anonymisation. */
function figuresOf(record: ConcernRecord) {
  const choices = { ...record.intake, observed: undefined, place: undefined };
  const outcomes = Object.entries(record.caseDetails?.outcomes ?? {}).map(([kind, o]) => [kind, o.date, o.decision]);
  return {
    ...{ reference: record.reference, createdAt: record.createdAt, closedAt: record.closedAt, status: record.status, outcome: record.outcome },
    ...{ group: record.group, notifiedGroups: record.notifiedGroups, urgent: record.urgent, treatedAsChild: record.treatedAsChild, choices },
    actions: record.actions.map((a) => [a.action, a.at]),
    rerouted: record.rerouted && [record.rerouted.from, record.rerouted.at],
    caseDetails: record.caseDetails && { ...record.caseDetails, outcomes },
  };
}

describe('the retention pass, in Azurite', () => {
  const world = usingAzurite();
  const clock = {
    at: new Date('2020-01-06T10:00:00Z'),
    now() {
      return this.at;
    },
  };
  const logLines: string[] = [];

  /** Its own concerns table, so the pass sees only this test's concerns. */
  async function setUp(storeFor: (table: TableClient) => RetentionStore = (table) => new RetentionStore(table)) {
    const table = tableClientFor(world.connectionString, `concerns${randomUUID().replaceAll('-', '').slice(0, 20)}`);
    await table.createTable();
    const concerns = new ConcernStore(table);
    const audit = new AuditLog(world.tables.audit);
    const logger = createLogger({ destination: { write: (line: string) => void logLines.push(line) } });
    const service = new ConcernService({
      concerns,
      counters: new CounterStore(world.tables.counters),
      leadRefreshIds: () => Promise.resolve([]),
      audit,
      directory: new Directory(protocol),
      timeZone: protocol.timeZone,
      clock,
      outboxWritten: () => undefined,
    });
    const retention = new RetentionService({ store: storeFor(table), concerns, audit, protocol, clock, logger });

    /** A concern raised, referred to the NRM by the Lead with a note, and closed with a note, at the dates given. */
    async function dated(raisedAt: string, closedAt: string | undefined, intake: Record<string, unknown> = {}): Promise<ConcernRecord> {
      clock.at = new Date(raisedAt);
      const raised = await service.raise(CANARY.reporter, randomUUID(), validIntake({ observed: CANARY.observed, place: CANARY.place, ...intake }));
      assert.equal(raised.kind, 'created');
      const id = raised.kind === 'created' ? raised.concern.id : '';
      clock.at = new Date(clock.at.getTime() + 3_600_000);
      const action = { action: 'nrmReferral', nrmReference: CANARY.nrmReference, actionNote: CANARY.note };
      assert.equal((await service.act(CANARY.lead, id, 1, 'recordAction', action)).kind, 'ok');
      if (closedAt) {
        clock.at = new Date(closedAt);
        assert.equal((await service.act(CANARY.lead, id, 2, 'close', { outcome: 'nrmReferred', closeNote: CANARY.note, confirmed: true })).kind, 'ok');
      }
      return change(id, {});
    }

    /** A Lead's change written through the store, as the Lead's card does (case details, legal hold). */
    async function change(id: string, fields: Partial<ConcernRecord>): Promise<ConcernRecord> {
      const stored = (await concerns.get(id))!;
      if (!Object.keys(fields).length) return stored.record;
      const record = { ...stored.record, ...fields, revision: stored.record.revision + 1 };
      const event = {
        revision: record.revision,
        type: 'acknowledged' as const,
        by: CANARY.lead,
        at: clock.now().toISOString(),
        detail: 'Changed',
        note: CANARY.note,
      };
      const intent = auditIntent({ at: event.at, actorId: CANARY.lead.aadObjectId, action: 'concern.changed', concernId: id, outcome: 'allowed' });
      await concerns.update(record, stored.etag, event, [], intent);
      await recordAuditIntent({ concerns, audit }, id, intent);
      return record;
    }

    /** Every row of a concern's partition, as stored. */
    async function partition(id: string): Promise<Record<string, unknown>[]> {
      const rows: Record<string, unknown>[] = [];
      for await (const row of table.listEntities<Record<string, unknown>>({ queryOptions: { filter: odata`PartitionKey eq ${id}` } })) rows.push(row);
      return rows;
    }

    /** Every row of the table with its ETag: any write shows. */
    async function snapshot(): Promise<string[]> {
      const rows: string[] = [];
      for await (const row of table.listEntities()) rows.push(`${row.partitionKey} ${row.rowKey} ${row.etag}`);
      return rows.sort();
    }

    return { table, concerns, audit, retention, dated, change, partition, snapshot };
  }

  const withCaseDetails = {
    ageYears: 30,
    gender: 'male' as const,
    nationality: 'AL',
    outcomes: { nrmReferral: { date: '2020-01-12', reference: CANARY.caseReference } },
  };
  const hold = () => ({ legalHold: { reason: CANARY.holdReason, by: CANARY.lead, at: '2025-01-01T10:00:00.000Z' } });

  it('when the pass runs over dated concerns, then only those past their retention date are anonymised, and the report names each by reference with its rule', async () => {
    const { retention, dated, change, concerns } = await setUp();
    const due = await dated('2020-01-10T09:00:00Z', '2020-03-02T15:00:00Z');
    const held = await change((await dated('2020-01-11T09:00:00Z', '2020-03-02T15:00:00Z')).id, hold());
    const child = await dated('2020-01-12T09:00:00Z', '2020-04-01T09:00:00Z', { ageBand: 'under16', consent: '' });
    const recent = await dated('2024-05-01T09:00:00Z', '2024-06-01T09:00:00Z');
    await dated('2020-01-13T09:00:00Z', undefined); // still open: retention has not started

    const report = await retention.runPass(new Date('2027-01-01T00:00:00Z'));
    const ids = (items: { concernId: string }[]) => items.map((i) => i.concernId).sort();
    assert.deepEqual(report.anonymised, [
      { concernId: due.id, reference: due.reference, basis: 'adult', keepUntil: '2026-03-02', rule: 'adult: 6 years after closure' },
    ]);
    assert.deepEqual(ids(report.held), [held.id]);
    assert.deepEqual(ids(report.notYetDue), [child.id, recent.id].sort());
    assert.deepEqual(
      report.notYetDue.map((i) => [i.reference, i.keepUntil]).sort(),
      [
        [child.reference, '2045-01-12'],
        [recent.reference, '2030-06-01'],
      ].sort(),
    );
    assert.deepEqual([report.changed, report.alreadyAnonymised, report.dryRun], [[], 0, false]);
    assert.equal((await concerns.get(due.id))!.record.anonymisedAt, '2027-01-01T00:00:00.000Z');
    for (const kept of [held, child, recent]) assert.equal((await concerns.get(kept.id))!.record.intake.observed, CANARY.observed);
  });

  it('when a concern is anonymised, then no observed text, place, reporter, Lead name, note or NRM reference is left in any row of its partition, and its figures are unchanged', async () => {
    const { retention, dated, change, concerns, partition } = await setUp();
    const before = await change((await dated('2020-01-10T09:00:00Z', '2020-03-02T15:00:00Z')).id, { caseDetails: withCaseDetails });
    const rowsBefore = JSON.stringify(await partition(before.id)).toLowerCase();
    assert.ok(
      CANARY_WORDS.every((word) => rowsBefore.includes(word)),
      'every canary is there to begin with',
    );

    const statsRow = async () => (await partition(before.id)).find((r) => r.rowKey === 'stats')?.stats;
    const statsBefore = await statsRow();

    await retention.runPass(new Date('2027-01-01T00:00:00Z'));
    const rows = await partition(before.id);
    assert.equal(await statsRow(), statsBefore, "the figures' projection row beside the concern (when there is one) is untouched");
    const left = CANARY_WORDS.filter((word) => JSON.stringify(rows).toLowerCase().includes(word));
    assert.deepEqual(left, []);
    const after = (await concerns.get(before.id))!.record;
    assert.deepEqual(figuresOf(after), figuresOf(before));
    assert.deepEqual(after.caseDetails?.outcomes, { nrmReferral: { date: '2020-01-12' } });
    assert.deepEqual(
      (await concerns.events(before.id)).map((e) => [e.revision, e.type, e.at, e.detail]),
      [
        [1, 'raised', '2020-01-10T09:00:00.000Z', 'Concern raised'],
        [2, 'actionRecorded', '2020-01-10T10:00:00.000Z', 'NRM referral made'],
        [3, 'closed', '2020-03-02T15:00:00.000Z', 'Closed: Referred into the NRM'],
        [4, 'acknowledged', '2020-03-02T15:00:00.000Z', 'Changed'],
      ],
      'the history keeps what happened and when',
    );
    assert.ok(!rows.some((r) => String(r.rowKey).startsWith('outbox|')), 'no outbox entry is left (their keys name the recipients)');
    assert.equal((await concerns.listByReporter(CANARY.reporter.aadObjectId)).length, 0, "it is no longer the reporter's concern");
    assert.ok(!logLines.join('\n').toLowerCase().includes('canary'), 'nothing of it reached the logs');
  });

  it('when a concern is anonymised, then the audit log has one row for it by the retention pass, with the reference and the rule and no text', async () => {
    const { retention, dated, audit, partition } = await setUp();
    const concern = await dated('2020-01-10T09:00:00Z', '2020-03-02T15:00:00Z');
    await retention.runPass(new Date('2027-01-01T00:00:00Z'));
    const rows = (await audit.forConcern(concern.id)).filter((e) => e.action === 'concern.anonymised');
    assert.deepEqual(rows, [
      {
        at: '2027-01-01T00:00:00.000Z',
        actorId: 'system:retention',
        action: 'concern.anonymised',
        concernId: concern.id,
        outcome: 'allowed',
        reason: `${concern.reference}: adult: 6 years after closure`,
      },
    ]);
    assert.deepEqual(
      (await partition(concern.id)).filter((row) => String(row.rowKey).startsWith('audit|')),
      [],
      'the intent was copied and cleared',
    );
  });

  it('when a concern is anonymised but the copy into the audit log is lost, then the next audit recovery pass writes its row', async () => {
    const { table, concerns, audit, dated } = await setUp();
    const concern = await dated('2020-01-10T09:00:00Z', '2020-03-02T15:00:00Z');
    const dying = new (class extends AuditLog {
      override append(): Promise<void> {
        return Promise.reject(new Error('the audit table could not be reached'));
      }
    })(world.tables.audit);
    const logger = createLogger({ silent: true });
    const retention = new RetentionService({ store: new RetentionStore(table), concerns, audit: dying, protocol, clock, logger });
    // Computed for an instant an operator chose, years after the clock: the intent is looked at by the clock.
    assert.equal((await retention.runPass(new Date('2027-01-01T00:00:00Z'))).anonymised.length, 1);
    const anonymised = async () => (await audit.forConcern(concern.id)).filter((e) => e.action === 'concern.anonymised');
    assert.deepEqual(await anonymised(), []);

    const later = { now: () => new Date(clock.now().getTime() + 2 * 60_000) };
    assert.equal(await recoverAuditIntents({ concerns, audit, clock: later }), 1);
    assert.deepEqual(
      (await anonymised()).map((e) => [e.at, e.actorId]),
      [['2027-01-01T00:00:00.000Z', 'system:retention']],
    );
  });

  it('when the pass runs again, then nothing more is changed or audited', async () => {
    const { retention, dated, audit, snapshot } = await setUp();
    const concern = await dated('2020-01-10T09:00:00Z', '2020-03-02T15:00:00Z');
    await retention.runPass(new Date('2027-01-01T00:00:00Z'));
    const stored = await snapshot();
    const again = await retention.runPass(new Date('2027-01-02T00:00:00Z'));
    assert.deepEqual([again.anonymised, again.alreadyAnonymised], [[], 1]);
    assert.deepEqual(await snapshot(), stored);
    assert.equal((await audit.forConcern(concern.id)).filter((e) => e.action === 'concern.anonymised').length, 1);
  });

  it('when a concern is on legal hold, then the pass leaves every row of it as it was and reports it held', async () => {
    const { retention, dated, change, partition } = await setUp();
    const held = await change((await dated('2015-01-10T09:00:00Z', '2015-03-02T15:00:00Z')).id, hold());
    const rows = JSON.stringify(await partition(held.id));
    const report = await retention.runPass(new Date('2027-01-01T00:00:00Z'));
    assert.deepEqual(
      report.held.map((i) => [i.reference, i.keepUntil]),
      [[held.reference, '2021-03-02']],
    );
    assert.deepEqual(report.anonymised, []);
    assert.equal(JSON.stringify(await partition(held.id)), rows);
  });

  it('when it is a dry run, then it reports what it would anonymise and writes nothing at all', async () => {
    const { retention, dated, snapshot, audit } = await setUp();
    const concern = await dated('2020-01-10T09:00:00Z', '2020-03-02T15:00:00Z');
    const stored = await snapshot();
    const report = await retention.runPass(new Date('2027-01-01T00:00:00Z'), { dryRun: true });
    assert.deepEqual(
      report.anonymised.map((i) => i.concernId),
      [concern.id],
    );
    assert.equal(report.dryRun, true);
    assert.deepEqual(await snapshot(), stored);
    assert.deepEqual(
      (await audit.forConcern(concern.id)).filter((e) => e.action === 'concern.anonymised'),
      [],
    );
  });

  it('when a Lead changes a concern while the pass is at it, then the change is kept, nothing is anonymised, and the pass says so', async () => {
    let race: () => Promise<void> = () => Promise.resolve();
    class RacingStore extends RetentionStore {
      override async closed() {
        const found = await super.closed();
        await race(); // the Lead puts the concern on legal hold between the pass's read and its write
        return found;
      }
    }
    const { retention, dated, change, concerns } = await setUp((table) => new RacingStore(table));
    const concern = await dated('2020-01-10T09:00:00Z', '2020-03-02T15:00:00Z');
    race = async () => void (await change(concern.id, hold()));
    const report = await retention.runPass(new Date('2027-01-01T00:00:00Z'));
    assert.deepEqual([report.anonymised, report.changed.map((i) => i.concernId)], [[], [concern.id]]);
    const stored = (await concerns.get(concern.id))!.record;
    assert.equal(stored.legalHold?.reason, CANARY.holdReason);
    assert.equal(stored.intake.observed, CANARY.observed);
    assert.ok(
      (await concerns.events(concern.id)).some((e) => e.note === CANARY.note),
      'the history is untouched',
    );
  });

  it('when a concern has more rows than one transaction holds, then all of them are anonymised, and an anonymisation left unfinished is finished by the next pass', async () => {
    const { retention, dated, concerns, table, partition } = await setUp();
    const concern = await dated('2020-01-10T09:00:00Z', '2020-03-02T15:00:00Z');
    const event = (revision: number) => ({
      partitionKey: concern.id,
      rowKey: `event|${String(revision).padStart(6, '0')}`,
      event: JSON.stringify({ revision, type: 'acknowledged', by: CANARY.lead, at: '2020-03-02T15:00:00.000Z', detail: 'Changed', note: CANARY.note }),
    });
    for (let revision = 10; revision < 130; revision++) await table.createEntity(event(revision));
    await retention.runPass(new Date('2027-01-01T00:00:00Z'));
    const rows = await partition(concern.id);
    assert.ok(rows.length > 120);
    assert.ok(!JSON.stringify(rows).toLowerCase().includes('canary'));
    assert.equal(rows.find((r) => r.rowKey === 'concern')?.anonymisationUnfinished, false);

    // As if the process had stopped after the first of several transactions.
    await table.createEntity(event(200));
    await table.updateEntity({ partitionKey: concern.id, rowKey: 'concern', anonymisationUnfinished: true }, 'Merge');
    const report = await retention.runPass(new Date('2027-01-02T00:00:00Z'));
    assert.equal(report.alreadyAnonymised, 1);
    assert.ok(
      !JSON.stringify(await partition(concern.id))
        .toLowerCase()
        .includes('canary'),
    );
    assert.ok((await concerns.get(concern.id))!.record.anonymisedAt);
  });

  it('when the scheduler calls the daily pass all day, then it runs once per London day, and again after local midnight', async () => {
    const { retention, dated } = await setUp();
    await dated('2020-01-10T09:00:00Z', '2020-03-02T15:00:00Z');
    const dailyAt = (iso: string) => {
      clock.at = new Date(iso);
      return retention.runDaily();
    };
    const first = await dailyAt('2027-06-01T06:00:00Z');
    assert.equal(first?.anonymised.length, 1);
    assert.equal(await dailyAt('2027-06-01T22:30:00Z'), undefined, '23:30 in London: still the same day');
    const next = await dailyAt('2027-06-01T23:30:00Z'); // 00:30 on 2 June in London
    assert.deepEqual([next?.anonymised.length, next?.alreadyAnonymised], [0, 1]);
    const logged = logLines.filter((l) => l.includes('retention.pass'));
    assert.ok(logged.length >= 2 && logged.every((l) => !l.toLowerCase().includes('canary')));
  });
});
