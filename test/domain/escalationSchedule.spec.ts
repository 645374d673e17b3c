import assert from 'node:assert/strict';
import { WorkingCalendar } from '../../src/domain/calendar.js';
import { englandAndWalesBankHolidays } from '../../src/domain/bankHolidays.js';
import { DEFAULT_ESCALATION, dueEscalationStep, nextEscalationStep, type EscalationSettings } from '../../src/domain/schedule.js';

const TZ = 'Europe/London';
const calendar = new WorkingCalendar(englandAndWalesBankHolidays([2026, 2027, 2028]));
const next = (raised: string, urgent: boolean, at: string, settings: EscalationSettings = DEFAULT_ESCALATION) => {
  const step = nextEscalationStep(new Date(raised), urgent, settings, calendar, TZ, new Date(at));
  return step && `${step.id} ${step.dueAt.toISOString()}`;
};

describe('when the next escalation step of a concern is due', () => {
  it('when an urgent concern was just raised, then its next step is an hour later; once that has passed, there is none', () => {
    assert.equal(next('2027-03-01T10:00:00Z', true, '2027-03-01T10:00:00Z'), 'urgent-60m 2027-03-01T11:00:00.000Z');
    assert.equal(next('2027-03-01T10:00:00Z', true, '2027-03-01T11:00:00Z'), undefined, 'a step due now is the pass at hand');
  });

  it('when there are several steps, then the next is the first not yet due, whichever were missed', () => {
    const settings = { urgentAfterMinutes: [240, 60], otherAfterWorkingDays: [1, 3] };
    assert.equal(next('2027-03-01T10:00:00Z', true, '2027-03-01T10:30:00Z', settings), 'urgent-60m 2027-03-01T11:00:00.000Z');
    assert.equal(next('2027-03-01T10:00:00Z', true, '2027-03-01T11:00:00Z', settings), 'urgent-240m 2027-03-01T14:00:00.000Z');
    // Raised Monday 1 March: 1 working day is Tuesday, 3 is Thursday.
    assert.equal(next('2027-03-01T10:00:00Z', false, '2027-03-02T10:00:00Z', settings), 'working-3d 2027-03-04T10:00:00.000Z');
    assert.equal(dueEscalationStep(new Date('2027-03-01T10:00:00Z'), false, settings, calendar, TZ, new Date('2027-03-02T10:00:00Z'))?.id, 'working-1d');
  });

  it('when a routine concern is raised on a Friday afternoon, then its step is due on Monday afternoon, not over the weekend', () => {
    assert.equal(next('2027-03-05T15:00:00Z', false, '2027-03-05T15:00:00Z'), 'working-1d 2027-03-08T15:00:00.000Z');
  });

  it('when a routine concern is raised on a Saturday or before a bank holiday, then the working clock skips them (09:00 BST start)', () => {
    assert.equal(next('2027-06-05T09:00:00Z', false, '2027-06-05T09:00:00Z'), 'working-1d 2027-06-08T08:00:00.000Z', 'Saturday: 09:00 Tuesday');
    // Friday 28 May 2027 at 14:00 BST; Monday 31 May is the Spring bank holiday, so one working day later is Tuesday 1 June.
    assert.equal(next('2027-05-28T13:00:00Z', false, '2027-05-28T13:00:00Z'), 'working-1d 2027-06-01T13:00:00.000Z');
    assert.equal(next('2027-05-31T09:00:00Z', false, '2027-05-31T09:00:00Z'), 'working-1d 2027-06-02T08:00:00.000Z', 'raised on the bank holiday itself');
  });
});
