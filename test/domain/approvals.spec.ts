import assert from 'node:assert/strict';
import {
  approvalErrors,
  nextStep,
  previousStepDate,
  statusAfter,
  statusOfApprovals,
  stepRefusal,
  whatHappensNext,
  type ApprovalRecord,
} from '../../src/domain/approvals.js';
import { isDraft } from '../../src/domain/collation.js';

const by = { aadObjectId: 'c', name: 'Cora' };
const step = (n: number, fields: Pick<ApprovalRecord, 'step' | 'decision' | 'date'>): ApprovalRecord => ({
  protocolVersion: 2,
  n,
  ...fields,
  recordedBy: by,
  recordedAt: '2027-07-10T10:00:00.000Z',
});
const bounds = { today: '2027-07-20', collatedOn: '2027-07-05', previous: undefined, timeZone: 'Europe/London' };

describe('protocol approvals: the order of steps and what each records', () => {
  it('when the protocol is collated, then the panel comes next, then the Council, then publication, and nothing after', () => {
    assert.deepEqual((['draft', 'collated', 'panel approved', 'council approved', 'published'] as const).map(nextStep), [
      undefined,
      'panel',
      'council',
      'publish',
      undefined,
    ]);
  });

  it('when a step is approved or approved with changes, then the status moves on; when not approved, then it stays where it was', () => {
    assert.equal(statusAfter('collated', 'panel', 'approved'), 'panel approved');
    assert.equal(statusAfter('collated', 'panel', 'approvedWithChanges'), 'panel approved');
    assert.equal(statusAfter('collated', 'panel', 'notApproved'), 'collated');
    assert.equal(statusAfter('panel approved', 'council', 'notApproved'), 'panel approved');
    assert.equal(statusAfter('panel approved', 'council', 'approvedWithChanges'), 'council approved');
    assert.equal(statusAfter('council approved', 'publish', undefined), 'published');
  });

  it("when a version's steps are replayed, then its status is where they took it, and it stops being a draft with the Council's approval", () => {
    const steps = [
      step(1, { step: 'panel', decision: 'notApproved', date: '2027-07-06' }),
      step(2, { step: 'panel', decision: 'approved', date: '2027-07-08' }),
    ];
    assert.equal(statusOfApprovals([]), 'collated');
    assert.equal(statusOfApprovals(steps), 'panel approved');
    assert.equal(isDraft(statusOfApprovals(steps)), true);
    const council = [...steps, step(3, { step: 'council', decision: 'approved', date: '2027-07-09' })];
    assert.equal(isDraft(statusOfApprovals(council)), false);
    assert.equal(previousStepDate(council), '2027-07-09');
    assert.equal(previousStepDate([steps[0]!]), undefined, 'a "not approved" moved nothing');
  });

  it('when a step is out of order or repeated, then the reason says which step comes first or that it is already recorded', () => {
    assert.match(stepRefusal('collated', 'council', 2)!, /The Council's approval comes after the Lived Experience Advisory Panel's/);
    assert.match(stepRefusal('panel approved', 'panel', 2)!, /panel's approval of version 2 is already recorded. A new collation starts the approvals again/);
    assert.match(stepRefusal('council approved', 'council', 2)!, /Council's approval of version 2 is already recorded/);
    assert.match(stepRefusal('panel approved', 'publish', 2)!, /published only after the Council approves it/);
    assert.match(stepRefusal('published', 'publish', 2)!, /already published/);
    assert.match(stepRefusal('draft', 'panel', 0)!, /not been collated yet/);
    assert.equal(stepRefusal('collated', 'panel', 2), undefined);
  });

  it('when the date is in the future, before the collation or the previous step, or not a date, then it is refused naming the bound', () => {
    const fields = { decision: 'approved' as const, comments: '' };
    assert.deepEqual(approvalErrors('panel', { ...fields, date: '2027-07-20' }, bounds), {});
    assert.match(approvalErrors('panel', { ...fields, date: '2027-07-21' }, bounds).date!, /cannot be in the future \(today is Tuesday 20 July 2027\)/);
    assert.match(approvalErrors('panel', { ...fields, date: '2027-07-04' }, bounds).date!, /before this version was collated/);
    assert.match(approvalErrors('council', { ...fields, date: '2027-07-06' }, { ...bounds, previous: '2027-07-08' }).date!, /before the previous step/);
    assert.match(approvalErrors('panel', { ...fields, date: '2027-02-30' }, bounds).date!, /Give the meeting date/);
    assert.match(approvalErrors('publish', { ...fields, date: '' }, bounds).date!, /Give the publication date/);
  });

  it('when no decision is chosen or the comments are over 1,000 characters, then each is refused; publication needs no decision', () => {
    const errors = approvalErrors('council', { decision: undefined, date: '2027-07-10', comments: 'é'.repeat(1001) }, bounds);
    assert.equal(errors.decision, 'Choose the decision.');
    assert.equal(errors.comments, 'The comments are 1,001 characters; the limit is 1,000.');
    assert.deepEqual(approvalErrors('publish', { decision: undefined, date: '2027-07-10', comments: 'é'.repeat(1000) }, bounds), {});
  });

  it('when a step is recorded, then what happens next is said: the next step, or, after "not approved", collate again or record it again', () => {
    assert.match(whatHappensNext(step(1, { step: 'panel', decision: 'approved', date: '2027-07-06' })), /Next: the Council's decision/);
    assert.match(whatHappensNext(step(1, { step: 'panel', decision: 'notApproved', date: '2027-07-06' })), /type "collate" for a new version; .*If the panel/);
    assert.match(whatHappensNext(step(2, { step: 'council', decision: 'notApproved', date: '2027-07-06' })), /which goes to the panel again/);
  });
});
