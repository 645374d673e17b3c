import assert from 'node:assert/strict';
import { assertTeamsCard } from '../support/adaptiveCards.js';
import { chapterReviewCard, reviewCommentsCard } from '../../src/cards/chapterReviewCards.js';
import {
  allChapters,
  chaptersFor,
  commentInput,
  KEPT_COMMENT_MAX,
  REVIEW_LIMITS,
  type ChapterReview,
  type ReviewForm,
  type ReviewSummary,
} from '../../src/domain/chapterReview.js';
import { GROUP_IDS } from '../../src/domain/groups.js';
import { actionTitles, assertAbsent, inputValue, visibleText } from '../support/cards.js';

const TZ = 'Europe/London';
const at = '2027-07-03T09:00:00.000Z';
const by = { aadObjectId: 'h', name: 'Hana _Housing_' };
const chapters = chaptersFor('housing', true);
/** Every comment at its limit in a three-byte script: the most a card can be asked to hold. */
const longest = '確'.repeat(REVIEW_LIMITS.comment);

const form = (over: Partial<ReviewForm> = {}): ReviewForm => ({
  version: 3,
  collatedAt: at,
  group: 'housing',
  sources: { strategy: 2, pathway: 1 },
  chapters,
  answers: [],
  ...over,
});

const answer = (group: (typeof GROUP_IDS)[number], chapter: ChapterReview['chapter'], comment?: string): ChapterReview => ({
  version: 3,
  group,
  chapter,
  answer: comment ? 'notYet' : 'agree',
  by,
  at,
  ...(comment ? { comment } : {}),
});

/** Every group commented on every chapter, at the limit. */
function crowded(): ReviewSummary {
  const available = allChapters([...GROUP_IDS]);
  return {
    version: 3,
    collatedAt: at,
    groups: 7,
    groupsAnswered: 7,
    available,
    chapters: available.map((chapter) => ({
      chapter,
      reviews: GROUP_IDS.filter((g) => !chapter.id.startsWith('pathway-') || chapter.id === `pathway-${g}`).map((g) => answer(g, chapter.id, longest)),
      notAnswered: [],
    })),
  };
}

describe('chapter review cards', () => {
  it("when a lead's review card has every chapter answered with a comment at its limit, in three-byte characters, then the parser accepts it and it fits a Teams card", () => {
    const card = chapterReviewCard(form({ answers: chapters.map((c) => answer('housing', c.id, longest)) }), TZ);
    assertTeamsCard(card);
    assert.equal(inputValue(card, commentInput('pathway-housing')), longest, 'the saved comment is filled in to change');
    assert.match(visibleText(card), /Answered: not agreed yet \(Hana \\_Housing\\_, 3 Jul 2027, 10:00\)/);
  });

  it('when a refused card brings back over-long comments on every chapter, then it still fits, keeping as much of each as it can', () => {
    const values = Object.fromEntries(chapters.map((c) => [commentInput(c.id), '確'.repeat(KEPT_COMMENT_MAX)]));
    const card = chapterReviewCard(form({ values, errors: { pursue: 'Keep the comment on Pursue to 1,000 characters' } }), TZ);
    assertTeamsCard(card);
    assert.ok((inputValue(card, commentInput('pursue'))?.length ?? 0) >= 400);
    assert.match(visibleText(card), /Keep the comment on Pursue to 1,000 characters/);
  });

  it('when the comments card would be too big, then it shows fewer comments per chapter and says how many more there are and how to read them', () => {
    const card = reviewCommentsCard(crowded(), TZ);
    assertTeamsCard(card);
    assert.match(visibleText(card), /\d+ more comments did not fit on this card: choose a chapter below to read every comment on it\./);
    assert.match(visibleText(card), /more comments? on this chapter not shown here/);
    assert.deepEqual(actionTitles(card), ['Show this chapter']);
  });

  it('when one chapter is opened, then all its comments are shown, escaped, with who wrote them, and the card offers all chapters again', () => {
    const summary = crowded();
    const one = { ...summary, only: 'pursue' as const, chapters: summary.chapters.slice(0, 1) };
    one.chapters[0]!.reviews[0] = answer('housing', 'pursue', 'See [the plan](https://x.example) *now*');
    const card = reviewCommentsCard(one, TZ);
    assertTeamsCard(card);
    const text = visibleText(card);
    assert.match(text, /^Review of protocol version 3: Strategy: Pursue/);
    assert.match(text, /Housing \(Hana \\_Housing\\_\), not agreed yet:\nSee \\\[the plan\\\]\(https\u200B:\/\/x\.example\) \\\*now\\\*/);
    assertAbsent(card, /more comments? on this chapter/);
    assert.deepEqual(actionTitles(card), ['Show this chapter', 'All chapters']);
  });
});
