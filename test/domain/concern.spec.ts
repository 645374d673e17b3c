import assert from 'node:assert/strict';
import { LIMITS, parseIntake } from '../../src/domain/concern.js';
import { validIntake } from '../support/harness.js';

describe('intake validation', () => {
  it('when the observed text carries control characters (a paste from elsewhere), then they are dropped and the line breaks kept', () => {
    const result = parseIntake(validIntake({ observed: 'Men\u0007 collected\u0000 at 5am\nby a van\u001b' }));
    assert.ok(result.ok);
    assert.equal(result.intake.observed, 'Men collected at 5am\nby a van');
  });

  it('when every answer is given, then the concern is accepted with lists split', () => {
    const result = parseIntake(validIntake({ exploitation: 'labour,criminal' }));
    assert.ok(result.ok);
    assert.deepEqual(result.intake.exploitation, ['labour', 'criminal']);
    assert.deepEqual(result.intake.indicators, ['housing', 'documents']);
  });

  it('when a child is reported, then consent is not asked for', () => {
    assert.ok(parseIntake(validIntake({ ageBand: 'under16', consent: '' })).ok);
    assert.ok(parseIntake(validIntake({ ageBand: 'unknown', possiblyChild: 'true', consent: '' })).ok);
  });

  it('when a value is not one of the choices, then that input is named', () => {
    const result = parseIntake(validIntake({ exploitation: 'labour,<script>', area: 'parking' }));
    assert.ok(!result.ok);
    assert.deepEqual(Object.keys(result.errors).sort(), ['area', 'exploitation']);
  });

  it('when the observed text is over the limit, then it is refused with the limit named, not cut', () => {
    const result = parseIntake(validIntake({ observed: 'a'.repeat(LIMITS.observed + 1) }));
    assert.ok(!result.ok);
    assert.match(result.errors.observed ?? '', /2,001 characters; the limit is 2,000/);
  });

  it('when the place looks like a home address or a full postcode, then it is refused', () => {
    for (const place of ['14 Stoney Road', 'CV1 2AB', 'near cv6 5lq']) {
      const result = parseIntake(validIntake({ place }));
      assert.ok(!result.ok && result.errors.place, place);
    }
    assert.ok(parseIntake(validIntake({ place: 'Hillfields, near the ring road' })).ok);
  });

  it('when the data is not an object of strings at all, then it is refused without throwing', () => {
    assert.ok(!parseIntake(null).ok);
    assert.ok(!parseIntake({ observed: 42, exploitation: ['labour'] }).ok);
  });
});
