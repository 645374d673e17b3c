import assert from 'node:assert/strict';
import { chapterOf, chaptersFor, expectedGroups, parseReview } from '../../src/domain/chapterReview.js';
import { GROUP_IDS } from '../../src/domain/groups.js';

describe('chapter review: chapters and answers', () => {
  const chapters = chaptersFor('housing', true);

  it("when a group's Pathway is in the collation, then its leads review the five Strategy chapters and that Pathway; without it, only the five", () => {
    assert.deepEqual(
      chapters.map((c) => c.title),
      ['Strategy: Pursue', 'Strategy: Prevent', 'Strategy: Protect', 'Strategy: Prepare', 'Strategy: Partnership', 'Pathways: Housing'],
    );
    assert.equal(chaptersFor('health', false).length, 5);
  });

  it('when the coordinator reads a chapter, then every group is expected on a Strategy chapter and only the group itself on its Pathway', () => {
    assert.deepEqual(expectedGroups('protect', GROUP_IDS), [...GROUP_IDS]);
    assert.deepEqual(expectedGroups('pathway-nrm', GROUP_IDS), ['nrm']);
    assert.equal(chapterOf('pathway-nowhere'), undefined);
    assert.equal(chapterOf('toString'), undefined);
  });

  it('when a lead agrees without a comment and does not agree with one, then both are answers; empty chapters are left for later', () => {
    const parsed = parseReview({ 'answer-pursue': 'agree', 'answer-pathway-housing': 'notYet', 'comment-pathway-housing': '  Add step 5\r\n' }, chapters);
    assert.deepEqual(parsed, {
      ok: true,
      answers: [
        { chapter: 'pursue', answer: 'agree' },
        { chapter: 'pathway-housing', answer: 'notYet', comment: 'Add step 5' },
      ],
    });
  });

  it('when a lead does not agree without a comment, comments without choosing, goes over 1,000 characters or sends a made-up answer, then each chapter says what is wrong and nothing is taken', () => {
    const parsed = parseReview(
      {
        'answer-pursue': 'notYet',
        'comment-prevent': 'Why not?',
        'answer-protect': 'agree',
        'comment-protect': 'é'.repeat(2500),
        'answer-prepare': 'toString',
      },
      chapters,
    );
    assert.equal(parsed.ok, false);
    if (parsed.ok) return;
    assert.deepEqual(parsed.errors, {
      pursue: 'Say what should change in Pursue: a comment is needed when you do not agree.',
      prevent: 'Choose Agree or Not yet for Prevent; your comment is kept below.',
      protect: 'Keep the comment on Protect to 1,000 characters; it has 2,500. Only the first 2,000 are kept below.',
      prepare: 'Choose Agree or Not yet for Prepare.',
    });
    assert.equal(parsed.values['comment-prevent'], 'Why not?');
    assert.equal(parsed.values['comment-protect']?.length, 2000);
    assert.equal(parsed.values['answer-prepare'], '', 'a made-up answer is not put back on the card');
  });

  it('when nothing is answered, then the lead is asked to answer at least one chapter', () => {
    const parsed = parseReview({ 'answer-pursue': '', 'comment-pursue': '   ' }, chapters);
    assert.equal(parsed.ok, false);
    assert.match(parsed.ok ? '' : (parsed.general ?? ''), /Answer at least one chapter/);
  });
});
