import assert from 'node:assert/strict';
import { assertTeamsCard } from '../support/adaptiveCards.js';
import { approvalsCard } from '../../src/cards/approvalCards.js';
import type { ApprovalRecord, ApprovalsView } from '../../src/domain/approvals.js';
import { actionTitles, choiceTitles, findAction, inputIds, inputValue, visibleText } from '../support/cards.js';

const TZ = 'Europe/London';
const panel: ApprovalRecord = {
  protocolVersion: 3,
  n: 1,
  step: 'panel',
  decision: 'approvedWithChanges',
  date: '2027-07-09',
  comments: 'See [notes](http://x.example)\n- and *this*',
  recordedBy: { aadObjectId: 'c', name: 'Cora _Coord_' },
  recordedAt: '2027-07-09T13:05:00.000Z',
};
const view = (fields: Partial<ApprovalsView>): ApprovalsView => ({
  version: 3,
  collatedAt: '2027-07-05T09:00:00.000Z',
  status: 'collated',
  approvals: [],
  next: 'panel',
  today: '2027-07-20',
  timeZone: TZ,
  ...fields,
});

const CARDS: Record<string, () => Record<string, unknown>> = {
  'not collated': () => approvalsCard(view({ version: 0, collatedAt: undefined, status: 'draft', next: undefined })),
  'collated (panel form)': () => approvalsCard(view({})),
  'panel approved (Council form)': () =>
    approvalsCard(view({ status: 'panel approved', approvals: [panel], next: 'council' }), { notice: { text: 'Recorded.', tone: 'good' } }),
  'council approved (publication form, refused values kept)': () =>
    approvalsCard(
      view({
        status: 'council approved',
        approvals: [panel, { ...panel, n: 2, step: 'council', decision: 'approved', comments: 'é'.repeat(1000) }],
        next: 'publish',
      }),
      {
        notice: { text: 'Not recorded: please check the form.', tone: 'attention' },
        form: { values: { decision: '', date: '2027-08-01', comments: '観'.repeat(2000) }, errors: { date: 'The publication date cannot be in the future.' } },
      },
    ),
  published: () => approvalsCard(view({ status: 'published', approvals: [panel], next: undefined })),
};

describe('the approvals card', () => {
  for (const [name, build] of Object.entries(CARDS)) {
    it(`when the approvals card (${name}) is expanded, then the official Adaptive Cards parser accepts it as version 1.5 with no unbound data`, () => {
      assertTeamsCard(build());
    });
  }

  it('when a step is recorded, then the card lists who decided what and when, who recorded it, and the comments escaped so no link or list forms', () => {
    const text = visibleText(CARDS['panel approved (Council form)']!());
    assert.match(text, /Lived Experience Advisory Panel: Approved with changes/);
    assert.match(text, /Meeting on Friday 9 July 2027\. Recorded by Cora \\_Coord\\_, 9 Jul 2027, 14:05\./);
    assert.match(text, /Comments: See \\\[notes\\\]\(http\u200B:\/\/x\.example\)\n\n\\- and \\\*this\\\*/);
  });

  it("when the panel has approved, then the only form is the Council's: decision, meeting date up to today, comments, and one button with the version shown", () => {
    const card = CARDS['panel approved (Council form)']!();
    assert.deepEqual(inputIds(card), ['decision', 'date', 'comments']);
    assert.deepEqual(choiceTitles(card, 'decision'), ['Approved', 'Approved with changes', 'Not approved']);
    assert.deepEqual(actionTitles(card), ["Record the Council's decision"]);
    assert.deepEqual(findAction(card, "Record the Council's decision").data, { verb: 'approvals.record', version: '3', step: 'council' });
    assert.match(visibleText(card), /Status: \*\*Approved by the Lived Experience Advisory Panel, awaiting Council approval\*\*/);
  });

  it('when a refused form comes back, then it holds what was entered and says the problem by the input; publication asks no decision', () => {
    const card = CARDS['council approved (publication form, refused values kept)']!();
    assert.deepEqual(inputIds(card), ['date', 'comments']);
    assert.equal(inputValue(card, 'date'), '2027-08-01');
    assert.match(visibleText(card), /The publication date cannot be in the future/);
    assert.deepEqual(actionTitles(card), ['Mark as published']);
  });

  it('when nothing is collated or the version is published, then there is no form, and the card says why', () => {
    const none = CARDS['not collated']!();
    assert.deepEqual(inputIds(none), []);
    assert.deepEqual(actionTitles(none), []);
    assert.match(visibleText(none), /type "collate" first/);
    assert.match(visibleText(CARDS.published!()), /Version 3 is published\. Nothing more is recorded for it; a new collation starts the approvals again/);
    assert.deepEqual(inputIds(CARDS.published!()), []);
  });
});
