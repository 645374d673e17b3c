import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { anonymisedEvent, anonymisedRecord, ANONYMISED_PERSON } from '../../src/domain/anonymisation.js';
import type { ConcernRecord } from '../../src/domain/concernRecord.js';
import { describeIssues, protocolSchema } from '../../src/domain/protocol.js';
import { retentionDate, retentionState, type RetentionRules } from '../../src/domain/retention.js';
import { concernRecord } from '../support/records.js';

const TZ = 'Europe/London';
const RULES: RetentionRules = { adultYearsAfterClosure: 6, childUntilAge: 25, childYearsAfterClosureAtLeast: 6 };

/** A closed concern raised and closed at the given instants; the intake's age band and tick as given. */
function closed(
  createdAt: string,
  closedAt: string,
  overrides: Partial<ConcernRecord> & { ageBand?: ConcernRecord['intake']['ageBand']; possiblyChild?: boolean } = {},
) {
  const { ageBand, possiblyChild, ...rest } = overrides;
  const base = concernRecord();
  const intake = { ...base.intake, ...(ageBand ? { ageBand } : {}), ...(possiblyChild !== undefined ? { possiblyChild } : {}) };
  const treatedAsChild = intake.ageBand === 'under16' || intake.ageBand === '16-17' || intake.possiblyChild;
  return concernRecord({ createdAt, updatedAt: closedAt, closedAt, status: 'closed', outcome: 'nrmReferred', intake, treatedAsChild, ...rest });
}

const dateOf = (record: ConcernRecord, rules = RULES) => {
  const date = retentionDate(record, rules, TZ);
  assert.ok(date, 'a closed concern has a retention date');
  return { keepUntil: date.keepUntil, dueAt: date.dueAt.toISOString(), basis: date.basis, rule: date.rule };
};

describe('retention dates', () => {
  it("when an adult's concern was closed, then it is kept 6 years after the local date of closure and anonymised from the next day's midnight", () => {
    const record = closed('2021-02-01T09:00:00Z', '2021-03-10T14:00:00Z');
    assert.deepEqual(dateOf(record), { keepUntil: '2027-03-10', dueAt: '2027-03-11T00:00:00.000Z', basis: 'adult', rule: 'adult: 6 years after closure' });
    assert.equal(retentionState(record, RULES, TZ, new Date('2027-03-10T23:59:59Z')).kind, 'notYetDue');
    assert.equal(retentionState(record, RULES, TZ, new Date('2027-03-11T00:00:00Z')).kind, 'due');
  });

  it('when a concern was closed just after midnight in British Summer Time, then its dates are London dates, not UTC ones', () => {
    // 23:30 UTC on 30 June is 00:30 on 1 July in London; the day it becomes due starts at 23:00 UTC.
    const record = closed('2021-06-01T09:00:00Z', '2021-06-30T23:30:00Z');
    assert.deepEqual(dateOf(record), { keepUntil: '2027-07-01', dueAt: '2027-07-01T23:00:00.000Z', basis: 'adult', rule: 'adult: 6 years after closure' });
    assert.equal(retentionState(record, RULES, TZ, new Date('2027-07-01T22:59:59Z')).kind, 'notYetDue');
    assert.equal(retentionState(record, RULES, TZ, new Date('2027-07-01T23:00:00Z')).kind, 'due');
  });

  it('when a concern was closed on 29 February, then it is kept until 28 February and anonymised on 1 March; a leap year keeps 29 February', () => {
    const record = closed('2024-01-10T09:00:00Z', '2024-02-29T12:00:00Z');
    assert.deepEqual(dateOf(record), { keepUntil: '2030-02-28', dueAt: '2030-03-01T00:00:00.000Z', basis: 'adult', rule: 'adult: 6 years after closure' });
    assert.equal(dateOf(record, { ...RULES, adultYearsAfterClosure: 4 }).keepUntil, '2028-02-29');
  });

  it("when a child's age was recorded, then the concern is kept until the latest day they can turn 25, counted from the day it was raised", () => {
    // Aged 10 on 1 May 2020: born between 2 May 2009 and 1 May 2010, so 25 by 1 May 2035 at the latest.
    const record = closed('2020-05-01T09:00:00Z', '2020-09-01T12:00:00Z', { caseDetails: { ageYears: 10, outcomes: {} } });
    assert.deepEqual(dateOf(record), {
      keepUntil: '2035-05-01',
      dueAt: '2035-05-01T23:00:00.000Z',
      basis: 'child',
      rule: 'child: until the 25th birthday at the latest',
    });
  });

  it('when a child turns 25 sooner than 6 years after closure, then the 6 years after closure apply', () => {
    const record = closed('2020-05-01T09:00:00Z', '2022-09-01T12:00:00Z', { caseDetails: { ageYears: 17, outcomes: {} } });
    assert.deepEqual(dateOf(record), {
      keepUntil: '2028-09-01',
      dueAt: '2028-09-01T23:00:00.000Z',
      basis: 'child',
      rule: 'child: 6 years after closure (later than the 25th birthday)',
    });
  });

  it('when only the age band is known, then the youngest age in the band counts: under 16 keeps 25 years from raising, 16-17 keeps 9', () => {
    assert.equal(dateOf(closed('2020-05-01T09:00:00Z', '2020-06-01T09:00:00Z', { ageBand: 'under16' })).keepUntil, '2045-05-01');
    const sixteen = dateOf(closed('2020-05-01T09:00:00Z', '2020-06-01T09:00:00Z', { ageBand: '16-17' }));
    assert.deepEqual([sixteen.keepUntil, sixteen.basis], ['2029-05-01', 'child']);
  });

  it('when a child was raised on 29 February, then the latest 25th birthday falls on 29 February in a leap year and 28 February otherwise', () => {
    const raised = '2024-02-29T10:00:00Z';
    assert.equal(dateOf(closed(raised, '2024-03-01T10:00:00Z', { caseDetails: { ageYears: 5, outcomes: {} } })).keepUntil, '2044-02-29');
    assert.equal(dateOf(closed(raised, '2024-03-01T10:00:00Z', { caseDetails: { ageYears: 6, outcomes: {} } })).keepUntil, '2043-02-28');
  });

  it('when "may be a child" was ticked with an adult age band, then the age is disputed and the child rule applies from age 0', () => {
    const record = closed('2020-05-01T09:00:00Z', '2020-06-01T09:00:00Z', { ageBand: '18-25', possiblyChild: true });
    assert.deepEqual([dateOf(record).keepUntil, dateOf(record).basis], ['2045-05-01', 'child']);
  });

  it('when the age is not known at all, then the longer of the adult and the child rule applies, and the rule says which', () => {
    const record = closed('2020-05-01T09:00:00Z', '2020-06-01T09:00:00Z', { ageBand: 'unknown' });
    assert.deepEqual(dateOf(record), {
      keepUntil: '2045-05-01',
      dueAt: '2045-05-01T23:00:00.000Z',
      basis: 'ageNotKnown',
      rule: 'age not known: the longer rule (child rule, until the 25th birthday at the latest)',
    });
    const longAdult = dateOf(record, { ...RULES, adultYearsAfterClosure: 30 });
    assert.deepEqual([longAdult.keepUntil, longAdult.rule], ['2050-06-01', 'age not known: the longer rule (adult rule, 30 years after closure)']);
  });

  it("when the Lead recorded an age, then it decides over the reporter's band: under 18 is a child, 18 or over without the tick an adult", () => {
    const recordedChild = closed('2020-05-01T09:00:00Z', '2020-06-01T09:00:00Z', { ageBand: '26plus', caseDetails: { ageYears: 16, outcomes: {} } });
    assert.deepEqual([dateOf(recordedChild).keepUntil, dateOf(recordedChild).basis], ['2029-05-01', 'child']);
    const recordedAdult = closed('2020-05-01T09:00:00Z', '2020-06-01T09:00:00Z', { ageBand: 'unknown', caseDetails: { ageYears: 30, outcomes: {} } });
    assert.deepEqual([dateOf(recordedAdult).keepUntil, dateOf(recordedAdult).basis], ['2026-06-01', 'adult']);
  });

  it('when the protocol sets other periods, then they are used and named in the rule', () => {
    const rules = { adultYearsAfterClosure: 3, childUntilAge: 21, childYearsAfterClosureAtLeast: 10 };
    assert.deepEqual(dateOf(closed('2020-05-01T09:00:00Z', '2020-06-01T09:00:00Z'), rules).keepUntil, '2023-06-01');
    const child = dateOf(closed('2020-05-01T09:00:00Z', '2020-06-01T09:00:00Z', { ageBand: 'under16' }), rules);
    assert.deepEqual([child.keepUntil, child.rule], ['2041-05-01', 'child: until the 21st birthday at the latest']);
    const older = dateOf(closed('2020-05-01T09:00:00Z', '2020-06-01T09:00:00Z', { ageBand: '16-17' }), rules);
    assert.deepEqual([older.keepUntil, older.rule], ['2030-06-01', 'child: 10 years after closure (later than the 21st birthday)']);
  });

  it('when a concern is open, on legal hold or already anonymised, then the pass does not anonymise it', () => {
    const far = new Date('2090-01-01T00:00:00Z');
    assert.equal(retentionState(concernRecord({ createdAt: '2000-01-01T00:00:00Z' }), RULES, TZ, far).kind, 'open');
    assert.equal(retentionDate(concernRecord(), RULES, TZ), undefined);
    const hold = { reason: 'Police request', by: { aadObjectId: 'aad-lead', name: 'Lee' }, at: '2026-01-01T00:00:00Z' };
    const held = retentionState(closed('2020-05-01T09:00:00Z', '2020-06-01T09:00:00Z', { legalHold: hold }), RULES, TZ, far);
    assert.equal(held.kind, 'held');
    assert.equal(held.kind === 'held' && held.date.keepUntil, '2026-06-01', 'the report can still say when it would have been due');
    const done = closed('2020-05-01T09:00:00Z', '2020-06-01T09:00:00Z', { anonymisedAt: '2026-06-02T00:00:00Z' });
    assert.equal(retentionState(done, RULES, TZ, far).kind, 'anonymised');
  });
});

describe('the retention settings in the protocol file', () => {
  const example = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'config', 'protocol.example.json'), 'utf8')) as Record<string, unknown>;

  it('when the protocol file has no retention block, then adults are kept 6 years after closure and children until 25 (at least 6 years)', () => {
    const without = { ...example };
    delete without.retention;
    assert.deepEqual(protocolSchema.parse(without).retention, RULES);
    assert.deepEqual(protocolSchema.parse(example).retention, RULES, 'the example says the same explicitly');
  });

  it('when a retention value is wrong, then the error names the setting and says what is allowed', () => {
    const problem = (retention: unknown) => {
      const result = protocolSchema.safeParse({ ...example, retention });
      assert.ok(!result.success);
      return describeIssues(result.error);
    };
    assert.equal(problem({ adultYearsAfterClosure: 2.5 }), 'retention.adultYearsAfterClosure: must be a whole number of years');
    assert.equal(problem({ adultYearsAfterClosure: '6' }), 'retention.adultYearsAfterClosure: must be a number of years, such as 6');
    assert.equal(problem({ childUntilAge: 16 }), 'retention.childUntilAge: must be at least 18');
    assert.equal(problem({ childYearsAfterClosureAtLeast: 0 }), 'retention.childYearsAfterClosureAtLeast: must be at least 1');
    assert.equal(problem({ adultYearsAfterClosur: 6 }), 'retention: Unrecognized key: "adultYearsAfterClosur"');
  });
});

describe('anonymising a concern record', () => {
  const lead = { aadObjectId: 'aad-lead', name: 'Lee Lead' };
  const record = closed('2020-05-01T09:00:00Z', '2020-06-01T09:00:00Z', {
    reporter: { aadObjectId: 'aad-sam', name: 'Sam Staff' },
    handledBy: lead,
    actions: [{ action: 'nrmReferral', reference: 'NRM-123', by: lead, at: '2020-05-02T09:00:00Z' }],
    rerouted: { from: 'health', by: lead, at: '2020-05-01T10:00:00Z' },
    caseDetails: {
      ageYears: 30,
      gender: 'female',
      nationality: 'AL',
      ethnicity: 'otherWhite',
      outcomes: { nrmReferral: { date: '2020-05-02', reference: 'NRM-123' } },
    },
  });

  it('when a record is anonymised, then the text, place, people and references go and every choice, date and count stays', () => {
    const at = new Date('2026-06-02T01:00:00Z');
    const result = anonymisedRecord(record, at);
    assert.equal(result.intake.observed, '');
    assert.equal(result.intake.place, '');
    assert.deepEqual([result.reporter, result.handledBy, result.actions[0]!.by, result.rerouted!.by], Array(4).fill(ANONYMISED_PERSON));
    assert.ok(!JSON.stringify(result).includes('NRM-123') && !JSON.stringify(result).includes('Lee Lead') && !JSON.stringify(result).includes('aad-sam'));
    const choices = (intake: ConcernRecord['intake']) => ({ ...intake, observed: undefined, place: undefined });
    assert.deepEqual(choices(result.intake), choices(record.intake));
    assert.deepEqual(result.caseDetails, {
      ageYears: 30,
      gender: 'female',
      nationality: 'AL',
      ethnicity: 'otherWhite',
      outcomes: { nrmReferral: { date: '2020-05-02' } },
    });
    assert.deepEqual(
      [result.id, result.reference, result.createdAt, result.closedAt, result.status, result.outcome, result.group, result.urgent, result.treatedAsChild],
      [record.id, record.reference, record.createdAt, record.closedAt, record.status, record.outcome, record.group, record.urgent, record.treatedAsChild],
    );
    assert.deepEqual(result.actions, [{ action: 'nrmReferral', by: ANONYMISED_PERSON, at: '2020-05-02T09:00:00Z' }]);
    assert.equal(result.anonymisedAt, at.toISOString());
    assert.equal(result.revision, record.revision + 1, 'any card still showing the record is out of date');
  });

  it('when a history entry is anonymised, then what happened and when stay, and the person, the note and the reference go', () => {
    const event = {
      revision: 2,
      type: 'actionRecorded' as const,
      by: lead,
      at: '2020-05-02T09:00:00Z',
      detail: 'NRM referral made (reference NRM-123)',
      note: 'Spoke to A.',
    };
    assert.deepEqual(anonymisedEvent(event), {
      revision: 2,
      type: 'actionRecorded',
      by: ANONYMISED_PERSON,
      at: '2020-05-02T09:00:00Z',
      detail: 'NRM referral made',
    });
    assert.equal(anonymisedEvent({ ...event, detail: 'Recorded NRM-123 again' }, ['NRM-123']).detail, 'Recorded [removed] again');
  });
});
