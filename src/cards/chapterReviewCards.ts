import {
  answerInput,
  commentInput,
  KEPT_COMMENT_MAX,
  REVIEW_ANSWERS,
  REVIEW_LIMITS,
  type ChapterReview,
  type ChapterSummary,
  type ReviewForm,
  type ReviewSummary,
} from '../domain/chapterReview.js';
import { GROUP_INFO, type GroupId } from '../domain/groups.js';
import { choicesOf, formatLocal, noticeView, plural } from './format.js';
import { escapeMarkdown } from './markdown.js';
import { cardTemplate, renderFitting, type Card } from './renderCard.js';
import chapterReviewJson from './templates/chapterReview.json';
import reviewCommentsJson from './templates/reviewComments.json';
import { VERBS } from './verbs.js';

type Choice = { title: string; value: string };

interface ReviewCardView {
  title: string;
  notice: string;
  noticeStyle: 'good' | 'attention';
  intro: { text: string }[];
  chapters: {
    title: string;
    name: string;
    about: string;
    answered: string;
    answerId: string;
    commentId: string;
    answer: string;
    comment: string;
    error: string;
  }[];
  choices: Choice[];
  limit: string;
  verb: string;
  version: number;
  group: GroupId;
}
const reviewTemplate = cardTemplate<ReviewCardView>(chapterReviewJson);

const names = (groups: GroupId[]) => groups.map((g) => GROUP_INFO[g].name).join(', ');
const n = (x: number) => x.toLocaleString('en-GB');
const answerWords = (r: ChapterReview) => (r.answer === 'agree' ? 'agreed' : 'not agreed yet');

/**
 * A group lead's review card for one collated version: for each chapter their group reviews, agree
 * or not yet, with a comment. After a refusal it shows what was sent, each problem under its
 * chapter; otherwise the group's saved answers, filled in, so they can be changed.
 */
export function chapterReviewCard(form: ReviewForm, timeZone: string): Card {
  const group = GROUP_INFO[form.group].name;
  const inOwn = [
    form.sources.strategy ? `its Strategy version ${form.sources.strategy}` : 'no Strategy (it is listed as missing)',
    form.sources.pathway ? `its Pathway version ${form.sources.pathway}` : 'no Pathway (listed as missing, so there is no Pathway chapter to review)',
  ].join(' and ');
  const view = (keep: number): ReviewCardView => ({
    title: `Protocol version ${form.version}: ${group} group's review`,
    ...noticeView(form.notice),
    intro: [
      `The coordinator collated version ${form.version} of the city-wide protocol on ${formatLocal(form.collatedAt, timeZone)}, with ${inOwn} from the ${group} group.`,
      `As a lead of the ${group} group, please answer for your group on each chapter that holds its text: every Strategy chapter (each has every group's answer) and your own Pathway. Agree, or choose Not yet and say what should change. Leave a chapter empty to answer it later.`,
      'Your answers replace any your group gave before on the same chapter, until the protocol is collated again.',
    ].map((text) => ({ text })),
    chapters: form.chapters.map((chapter) => {
      const saved = form.answers.find((a) => a.chapter === chapter.id);
      const answer = form.values ? (form.values[answerInput(chapter.id)] ?? '') : (saved?.answer ?? '');
      const comment = form.values ? (form.values[commentInput(chapter.id)] ?? '') : (saved?.comment ?? '');
      return {
        title: chapter.title,
        name: chapter.name,
        about: chapter.about,
        answered: saved ? `Answered: ${answerWords(saved)} (${escapeMarkdown(saved.by.name)}, ${formatLocal(saved.at, timeZone)})` : '',
        answerId: answerInput(chapter.id),
        commentId: commentInput(chapter.id),
        answer,
        comment: comment.length > keep ? comment.slice(0, keep) : comment,
        error: form.errors?.[chapter.id] ?? '',
      };
    }),
    choices: choicesOf(REVIEW_ANSWERS),
    limit: n(REVIEW_LIMITS.comment),
    verb: VERBS.chapterReviewAnswer,
    version: form.version,
    group: form.group,
  });
  // Over-long comments come back as sent, but never so many that the card is too big for Teams.
  return renderFitting(reviewTemplate, [KEPT_COMMENT_MAX, REVIEW_LIMITS.comment, 400, 0], view);
}

interface CommentsCardView {
  title: string;
  intro: { text: string }[];
  chapters: { title: string; lines: { text: string }[]; comments: { who: string; comment: string }[]; more: string }[];
  moreNote: string;
  choices: Choice[];
  selected: string;
  showAll: boolean;
  verb: string;
}
const commentsTemplate = cardTemplate<CommentsCardView>(reviewCommentsJson);

function chapterView(summary: ChapterSummary, shown: number) {
  const agreed = summary.reviews.filter((r) => r.answer === 'agree').map((r) => r.group);
  const notYet = summary.reviews.filter((r) => r.answer === 'notYet').map((r) => r.group);
  const withComment = summary.reviews.filter((r) => r.comment);
  const lines = [
    `Agreed: ${agreed.length ? names(agreed) : 'no group yet'}.`,
    ...(notYet.length ? [`Not agreed yet: ${names(notYet)}.`] : []),
    `Not answered: ${summary.notAnswered.length ? names(summary.notAnswered) : 'every group has answered'}.`,
  ];
  const hidden = withComment.length - Math.min(shown, withComment.length);
  const view: CommentsCardView['chapters'][number] = {
    title: summary.chapter.title,
    lines: lines.map((text) => ({ text })),
    comments: withComment.slice(0, shown).map((r) => ({
      who: `${GROUP_INFO[r.group].name} (${escapeMarkdown(r.by.name)}), ${answerWords(r)}:`,
      comment: escapeMarkdown(r.comment ?? ''),
    })),
    more: hidden ? `${plural(hidden, 'more comment')} on this chapter not shown here.` : '',
  };
  return { view, hidden };
}

/**
 * The coordinator's view of the current version's review: per chapter, the groups that agreed, did
 * not agree yet, or have not answered, and each comment (escaped) with who made it. As many
 * comments as fit on a Teams card; the rest are counted, and one chapter can be opened on its own.
 */
export function reviewCommentsCard(summary: ReviewSummary, timeZone: string): Card {
  const view = (shown: number): CommentsCardView => {
    const chapters = summary.chapters.map((c) => chapterView(c, shown));
    const hidden = chapters.reduce((total, c) => total + c.hidden, 0);
    return {
      title: `Review of protocol version ${summary.version}${summary.only ? `: ${summary.chapters[0]?.chapter.title ?? ''}` : ''}`,
      intro: [
        `Collated ${formatLocal(summary.collatedAt, timeZone)}. Groups that have answered on at least one chapter: ${summary.groupsAnswered} of ${summary.groups}.`,
        "Each group's leads review the five Strategy chapters and their own group's Pathway.",
      ].map((text) => ({ text })),
      chapters: chapters.map((c) => c.view),
      moreNote: hidden ? `${plural(hidden, 'more comment')} did not fit on this card: choose a chapter below to read every comment on it.` : '',
      choices: summary.available.map((c) => ({ title: c.title, value: c.id })),
      selected: summary.only ?? '',
      showAll: Boolean(summary.only),
      verb: VERBS.chapterReviewComments,
    };
  };
  return renderFitting(commentsTemplate, [Infinity, 5, 3, 2, 1, 0], view);
}
