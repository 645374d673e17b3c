import assert from 'node:assert/strict';
import { LIMITS, parseIntake } from '../../src/domain/concern.js';
import { allowedCommands, nextStatus } from '../../src/domain/status.js';
import { escapeMarkdown } from '../../src/cards/markdown.js';
import { decideRetry, parseRetryAfter } from '../../src/messaging/retryPolicy.js';
import { validIntake } from '../support/harness.js';

describe('intake validation', () => {
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
    assert.match(result.errors.observed ?? '', /2000 characters/);
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

describe('concern status machine', () => {
  it('when a concern is new, then it can be acknowledged, acted on, rerouted or closed', () => {
    assert.deepEqual(allowedCommands('new').sort(), ['acknowledge', 'close', 'recordAction', 'reroute']);
    assert.equal(nextStatus('new', 'recordAction'), 'inProgress');
  });
  it('when a concern is acknowledged, then it cannot be acknowledged again', () => {
    assert.equal(nextStatus('acknowledged', 'acknowledge'), undefined);
    assert.equal(nextStatus('acknowledged', 'close'), 'closed');
  });
  it('when a concern is closed, then nothing more can change it', () => {
    assert.deepEqual(allowedCommands('closed'), []);
  });
});

describe('Markdown escaping of user text', () => {
  it('when text has link, emphasis or list syntax, then none of it can render as formatting', () => {
    const escaped = escapeMarkdown('[click](http://evil.example) **bold** _it_\n- item\n1. first');
    assert.ok(!/(^|[^\\])\[/.test(escaped), 'brackets escaped');
    assert.ok(!/(^|[^\\])\*/.test(escaped), 'asterisks escaped');
    assert.match(escaped, /http\u200B:/, 'bare address broken');
    assert.match(escaped, /\n\n\\- item/);
    assert.match(escaped, /\n\n1\\\./);
  });
  it('when text is ordinary, then it reads as typed', () => {
    assert.equal(escapeMarkdown("He said (twice) it's 5 o'clock."), "He said (twice) it's 5 o'clock.");
  });
});

describe('retry decisions for proactive sends', () => {
  it('when Teams says 403 or 404, then the send is never retried', () => {
    assert.deepEqual(decideRetry(403, 1, undefined), { retry: false, outcome: 'undeliverable' });
    assert.deepEqual(decideRetry(404, 1, undefined), { retry: false, outcome: 'undeliverable' });
  });
  it('when Teams says 429 with Retry-After, then the wait is at least that long', () => {
    const decision = decideRetry(429, 1, 30_000);
    assert.ok(decision.retry && decision.delayMs >= 30_000);
  });
  it('when 5xx or 412 repeats, then the wait grows and it gives up after the last attempt', () => {
    const first = decideRetry(503, 1, undefined);
    const third = decideRetry(412, 3, undefined);
    assert.ok(first.retry && third.retry && third.delayMs > first.delayMs);
    assert.deepEqual(decideRetry(500, 8, undefined), { retry: false, outcome: 'failed' });
  });
  it('when Retry-After is an HTTP date, then it is read as the time until then', () => {
    const now = new Date('2027-01-01T10:00:00Z');
    assert.equal(parseRetryAfter('Fri, 01 Jan 2027 10:00:05 GMT', now), 5_000);
    assert.equal(parseRetryAfter('2', now), 2_000);
  });
});
