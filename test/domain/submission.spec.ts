import assert from 'node:assert/strict';
import { nextSubmissionStatus, statusLabel } from '../../src/domain/submission.js';

describe('submission status', () => {
  it('when a draft is saved after submission, then the submission stands; a returned template can be resubmitted', () => {
    assert.equal(nextSubmissionStatus('notStarted', 'saveDraft'), 'drafting');
    assert.equal(nextSubmissionStatus('submitted', 'saveDraft'), 'submitted');
    assert.equal(nextSubmissionStatus('returned', 'submit'), 'submitted');
    assert.equal(nextSubmissionStatus('drafting', 'accept'), undefined);
    assert.equal(nextSubmissionStatus('notStarted', 'submit'), undefined);
  });

  it('when the deadline has passed, then anything not submitted (returned included) is late, and submitted is not', () => {
    const now = new Date('2027-07-03T09:00:00Z');
    const deadline = new Date('2027-07-02T23:00:00Z');
    assert.deepEqual(statusLabel('returned', now, deadline), { label: 'Late (returned)', late: true });
    assert.deepEqual(statusLabel('submitted', now, deadline), { label: 'Submitted', late: false });
    assert.equal(statusLabel('drafting', new Date('2027-07-02T22:59:00Z'), deadline).late, false);
  });
});
