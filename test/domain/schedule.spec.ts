import assert from 'node:assert/strict';
import { WorkingCalendar, zonedInstant } from '../../src/domain/calendar.js';
import { englandAndWalesBankHolidays } from '../../src/domain/bankHolidays.js';
import { Deadline } from '../../src/domain/deadline.js';
import { DEFAULT_ESCALATION, DEFAULT_REMINDERS, dueEscalationStep, dueReminderStep, nextReminderStep, reminderSteps } from '../../src/domain/schedule.js';

const TZ = 'Europe/London';
const calendar = new WorkingCalendar(englandAndWalesBankHolidays([2026, 2027, 2028]));
const steps = (deadline: string, until: string) =>
  reminderSteps(new Deadline(deadline, TZ), DEFAULT_REMINDERS, calendar, new Date(until)).map((s) => `${s.id} ${s.sendAt.toISOString()} ${s.daysLeft}`);

describe('the reminder schedule', () => {
  it('when the deadline is a Friday in summer, then reminders go 14, 7, 3, 1 days before and on the day at 09:00 BST, then every 2 working days', () => {
    assert.deepEqual(steps('2027-07-02', '2027-07-09T12:00:00Z'), [
      'before-14 2027-06-18T08:00:00.000Z 14',
      'before-7 2027-06-25T08:00:00.000Z 7',
      'before-3 2027-06-29T08:00:00.000Z 3',
      'before-1 2027-07-01T08:00:00.000Z 1',
      'on-day 2027-07-02T08:00:00.000Z 0',
      'late-1 2027-07-05T08:00:00.000Z -3',
      'late-2 2027-07-07T08:00:00.000Z -5',
      'late-3 2027-07-09T08:00:00.000Z -7',
    ]);
  });

  it('when a step falls on a weekend, then it moves to the Friday before, and two steps on one day become one', () => {
    // Deadline Monday 5 July: 1 day before is Sunday and 3 days before is Friday 2 July.
    const ids = steps('2027-07-05', '2027-07-05T12:00:00Z');
    assert.deepEqual(ids.slice(-3), ['before-7 2027-06-28T08:00:00.000Z 7', 'before-1 2027-07-02T08:00:00.000Z 3', 'on-day 2027-07-05T08:00:00.000Z 0']);
  });

  it('when a step falls on a bank holiday, then it moves to the working day before (Spring bank holiday 2027)', () => {
    const ids = steps('2027-06-01', '2027-06-01T12:00:00Z');
    assert.ok(ids.includes('before-1 2027-05-28T08:00:00.000Z 4'), ids.join('\n'));
    const late = steps('2027-05-28', '2027-06-02T12:00:00Z');
    assert.ok(late.includes('late-1 2027-06-01T08:00:00.000Z -4'), 'the first late day skips the bank holiday Monday');
  });

  it('when the clocks go forward or back, then 09:00 stays 09:00 local time', () => {
    // Spring: BST from Sunday 28 March 2027. Autumn: GMT from Sunday 31 October 2027.
    const spring = steps('2027-04-06', '2027-04-06T12:00:00Z');
    assert.ok(spring.includes('before-14 2027-03-23T09:00:00.000Z 14'), 'GMT before the change');
    assert.ok(spring.includes('before-7 2027-03-30T08:00:00.000Z 7'), 'BST after the change');
    const autumn = steps('2027-11-09', '2027-11-09T12:00:00Z');
    assert.ok(autumn.includes('before-14 2027-10-26T08:00:00.000Z 14'));
    assert.ok(autumn.includes('before-7 2027-11-02T09:00:00.000Z 7'));
    assert.equal(zonedInstant('2027-03-28', '09:00', TZ).toISOString(), '2027-03-28T08:00:00.000Z');
    assert.equal(zonedInstant('2027-10-31', '09:00', TZ).toISOString(), '2027-10-31T09:00:00.000Z');
    assert.equal(zonedInstant('2027-03-28', '01:30', TZ).toISOString(), '2027-03-28T01:30:00.000Z', 'a skipped time moves forward');
  });

  it('when a pass runs, then it picks the latest due step only; before the first step, none', () => {
    const due = (at: string) => dueReminderStep(new Deadline('2027-07-02', TZ), DEFAULT_REMINDERS, calendar, new Date(at))?.id;
    assert.equal(due('2027-06-18T07:59:00Z'), undefined);
    assert.equal(due('2027-06-18T08:00:00Z'), 'before-14');
    assert.equal(due('2027-07-01T07:59:00Z'), 'before-3', 'just before 09:00 on the day before, the 3-day step is still the latest');
    assert.equal(due('2027-07-02T22:59:00Z'), 'on-day', 'deadline day, late evening');
    assert.equal(due('2027-07-04T10:00:00Z'), 'on-day', 'the weekend after: no new step');
    assert.equal(due('2027-07-06T10:00:00Z'), 'late-1', 'the app was down on Monday: one catch-up, with the latest step');
  });
});

describe('when the next reminder step becomes due', () => {
  const next = (deadline: string, at: string, settings = DEFAULT_REMINDERS) => {
    const step = nextReminderStep(new Deadline(deadline, TZ), settings, calendar, new Date(at));
    return `${step.id} ${step.sendAt.toISOString()}`;
  };

  it('when it is 08:59:30 on a reminder day, then the next step is due at 09:00 that morning; at 09:00 itself, the following step', () => {
    assert.equal(next('2027-07-02', '2027-06-18T07:59:30Z'), 'before-14 2027-06-18T08:00:00.000Z');
    assert.equal(next('2027-07-02', '2027-06-18T08:00:00Z'), 'before-7 2027-06-25T08:00:00.000Z', 'a step due now is the pass at hand');
    assert.equal(next('2027-07-02', '2027-06-01T12:00:00Z'), 'before-14 2027-06-18T08:00:00.000Z', 'weeks before the first step');
  });

  it('when the deadline day has gone, then the next step is the first working day after it, then every 2 working days, without end', () => {
    assert.equal(next('2027-07-02', '2027-07-02T08:00:00Z'), 'late-1 2027-07-05T08:00:00.000Z', 'Friday deadline: Monday, not the weekend');
    assert.equal(next('2027-07-02', '2027-07-05T08:00:00Z'), 'late-2 2027-07-07T08:00:00.000Z');
    assert.equal(next('2027-07-02', '2028-01-14T12:00:00Z'), 'late-69 2028-01-17T09:00:00.000Z', 'months late, still reminded');
  });

  it('when the clocks go forward in late March, then the step after the change is 09:00 BST (08:00 UTC), over Easter', () => {
    // Deadline Tuesday 6 April 2027; BST from Sunday 28 March; Good Friday 26 and Easter Monday 29 March.
    assert.equal(next('2027-04-06', '2027-03-22T12:00:00Z'), 'before-14 2027-03-23T09:00:00.000Z', 'GMT before the change');
    assert.equal(next('2027-04-06', '2027-03-23T09:00:00Z'), 'before-7 2027-03-30T08:00:00.000Z', 'BST after it');
    assert.equal(next('2027-04-05', '2027-03-22T12:00:00Z'), 'before-7 2027-03-25T09:00:00.000Z', 'Easter Monday and Good Friday: Thursday');
  });

  it('when the clocks go back in late October, then the step on the Monday after is 09:00 GMT (09:00 UTC), not an hour early', () => {
    // GMT from Sunday 31 October 2027; deadline Monday 15 November, so 14 days before is Monday 1 November.
    assert.equal(next('2027-11-15', '2027-10-29T12:00:00Z'), 'before-14 2027-11-01T09:00:00.000Z');
    assert.equal(next('2027-11-09', '2027-10-25T12:00:00Z'), 'before-14 2027-10-26T08:00:00.000Z', 'still BST the week before');
  });

  it('when a step falls on a bank holiday, then the next step is the working day before it; late steps skip bank holidays', () => {
    // Deadline Monday 14 June 2027: 14 days before is Spring bank holiday Monday 31 May.
    assert.equal(next('2027-06-14', '2027-05-27T12:00:00Z'), 'before-14 2027-05-28T08:00:00.000Z');
    assert.equal(next('2027-05-28', '2027-05-28T12:00:00Z'), 'late-1 2027-06-01T08:00:00.000Z', 'not bank holiday Monday');
    // Christmas Day and Boxing Day 2027 fall at the weekend: the substitute days are Monday 27 and Tuesday 28 December.
    assert.equal(next('2027-12-23', '2027-12-24T10:00:00Z'), 'late-2 2027-12-30T09:00:00.000Z');
  });

  it('when the schedule is configured, then the next step follows it (days before, no reminder on the day, send time)', () => {
    const settings = { daysBefore: [2], onTheDay: false, lateEveryWorkingDays: 5, sendAt: '16:30' };
    assert.equal(next('2027-07-02', '2027-06-30T15:30:00Z', settings), 'late-1 2027-07-05T15:30:00.000Z', 'before-2 was sent at 16:30 BST');
    assert.equal(next('2027-07-02', '2027-07-05T15:30:00Z', settings), 'late-2 2027-07-12T15:30:00.000Z');
  });

  it('when a pass runs at the instant the next step is due, then that step is the one it sends, and not a moment earlier (every 11 hours from June to late July)', () => {
    const deadline = new Deadline('2027-07-02', TZ);
    for (let t = Date.parse('2027-06-01T00:00:00Z'); t < Date.parse('2027-07-20T00:00:00Z'); t += 11 * 3_600_000 + 60_000) {
      const step = nextReminderStep(deadline, DEFAULT_REMINDERS, calendar, new Date(t));
      assert.equal(dueReminderStep(deadline, DEFAULT_REMINDERS, calendar, step.sendAt)?.id, step.id);
      assert.notEqual(dueReminderStep(deadline, DEFAULT_REMINDERS, calendar, new Date(step.sendAt.getTime() - 1))?.id, step.id);
      assert.notEqual(dueReminderStep(deadline, DEFAULT_REMINDERS, calendar, new Date(t))?.id, step.id);
    }
  });
});

describe('escalation of unacknowledged concerns', () => {
  it('when an urgent concern is not acknowledged for an hour, then the first step is due', () => {
    const raised = new Date('2027-03-01T10:00:00Z');
    assert.equal(dueEscalationStep(raised, true, DEFAULT_ESCALATION, calendar, TZ, new Date('2027-03-01T10:59:00Z')), undefined);
    assert.equal(dueEscalationStep(raised, true, DEFAULT_ESCALATION, calendar, TZ, new Date('2027-03-01T11:00:00Z'))?.id, 'urgent-60m');
  });

  it('when a concern raised on a Friday afternoon is not urgent, then it escalates after one working day: Monday afternoon', () => {
    const raised = new Date('2027-03-05T15:00:00Z');
    assert.equal(dueEscalationStep(raised, false, DEFAULT_ESCALATION, calendar, TZ, new Date('2027-03-08T14:59:00Z')), undefined);
    const step = dueEscalationStep(raised, false, DEFAULT_ESCALATION, calendar, TZ, new Date('2027-03-08T15:00:00Z'));
    assert.equal(step?.id, 'working-1d');
    assert.equal(step?.after, '1 working day');
  });

  it('when a concern is raised on a Saturday or a bank holiday, then the working day is counted from 09:00 on the next working day', () => {
    const saturday = dueEscalationStep(new Date('2027-06-05T09:00:00Z'), false, DEFAULT_ESCALATION, calendar, TZ, new Date('2027-06-08T07:59:00Z'));
    assert.equal(saturday, undefined, 'not on Monday, nor at 08:59 BST on Tuesday');
    assert.equal(
      dueEscalationStep(new Date('2027-06-05T09:00:00Z'), false, DEFAULT_ESCALATION, calendar, TZ, new Date('2027-06-08T08:00:00Z'))?.id,
      'working-1d',
    );
    const bankHoliday = dueEscalationStep(new Date('2027-05-31T09:00:00Z'), false, DEFAULT_ESCALATION, calendar, TZ, new Date('2027-06-01T09:00:00Z'));
    assert.equal(bankHoliday, undefined, 'raised on Spring bank holiday: not due on Tuesday');
  });
});
