import assert from 'node:assert/strict';
import sinon from 'sinon';
import { addDays, daysBetween, formatLocalDateTime, formatLongDate, localDate, localTime, zonedInstant } from '../../src/domain/calendar.js';

const TZ = 'Europe/London';

describe('local dates and times in London', () => {
  for (const today of ['2027-07-15T12:00:00Z', '2027-01-15T12:00:00Z']) {
    it(`when a wall time happens twice as the clocks go back, then it is the second one, in GMT (the code running on ${today.slice(0, 10)})`, () => {
      // Luxon alone reads such a time with the offset in force when the code runs: BST in summer.
      const clock = sinon.useFakeTimers({ now: new Date(today), toFake: ['Date'] });
      try {
        assert.equal(zonedInstant('2027-10-31', '01:30', TZ).toISOString(), '2027-10-31T01:30:00.000Z');
        assert.equal(zonedInstant('2027-10-31', '00:59', TZ).toISOString(), '2027-10-30T23:59:00.000Z', 'before the repeated hour: BST');
        assert.equal(zonedInstant('2027-10-31', '02:00', TZ).toISOString(), '2027-10-31T02:00:00.000Z', 'after it: GMT');
        assert.equal(zonedInstant('2027-03-28', '01:30', TZ).toISOString(), '2027-03-28T01:30:00.000Z', 'a skipped time moves forward by the hour');
      } finally {
        clock.restore();
      }
    });
  }

  it('when the zone is west of UTC (New York), then a skipped time still moves forward and a repeated one still takes the second', () => {
    assert.equal(zonedInstant('2027-03-14', '02:30', 'America/New_York').toISOString(), '2027-03-14T07:30:00.000Z', '03:30 EDT');
    assert.equal(zonedInstant('2027-11-07', '01:30', 'America/New_York').toISOString(), '2027-11-07T06:30:00.000Z', '01:30 EST');
  });

  it("when an instant is near midnight, then its local date and time are London's, not UTC's", () => {
    assert.equal(localDate(new Date('2027-07-01T23:30:00Z'), TZ), '2027-07-02');
    assert.equal(localTime(new Date('2027-07-01T23:30:00Z'), TZ), '00:30');
    assert.equal(localDate(new Date('2027-12-31T23:30:00Z'), TZ), '2027-12-31');
    assert.equal(localTime(new Date('2027-12-31T23:30:00Z'), TZ), '23:30');
    assert.equal(localTime(new Date('2027-07-02T13:05:00Z'), TZ), '14:05', '24-hour clock');
  });

  it('when a time is shown to staff, then it reads as the cards have always shown it, in London time', () => {
    const cardsToday = (iso: string) =>
      new Intl.DateTimeFormat('en-GB', { timeZone: TZ, day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' }).format(
        new Date(iso),
      );
    assert.equal(formatLocalDateTime('2027-07-02T08:00:00.000Z', TZ), '2 Jul 2027, 09:00');
    assert.equal(formatLocalDateTime('2027-12-02T00:05:00.000Z', TZ), '2 Dec 2027, 00:05');
    for (const iso of [
      '2027-07-02T08:00:00.000Z',
      '2027-09-30T23:00:00.000Z',
      '2027-10-31T01:30:00.000Z',
      '2027-03-28T00:59:00.000Z',
      '2028-01-01T00:00:00.000Z',
    ]) {
      assert.equal(formatLocalDateTime(iso, TZ), cardsToday(iso), iso);
    }
  });

  it('when a deadline date is written out, then it has the weekday and the month in full', () => {
    assert.equal(formatLongDate('2027-07-02', TZ), 'Friday 2 July 2027');
    assert.equal(formatLongDate('2027-09-30', TZ), 'Thursday 30 September 2027');
  });

  it('when days are counted across a clock change or a leap day, then they are whole calendar days', () => {
    assert.equal(addDays('2027-03-27', 2), '2027-03-29');
    assert.equal(daysBetween('2027-10-30', '2027-11-01'), 2);
    assert.equal(addDays('2028-02-28', 1), '2028-02-29');
    assert.equal(addDays('2028-03-01', -1), '2028-02-29');
    assert.equal(daysBetween('2028-03-01', '2028-02-28'), -2);
  });

  it('when a date, time or zone cannot be read, then it is refused rather than turned into a wrong time', () => {
    assert.throws(() => zonedInstant('2027-02-30', '09:00', TZ), RangeError);
    assert.throws(() => zonedInstant('2027-07-02', '09:00', 'Europe/Nowhere'), RangeError);
    assert.throws(() => localDate(new Date('not a date'), TZ), RangeError);
    assert.throws(() => formatLocalDateTime('yesterday', TZ), RangeError);
  });
});
