import { CONTROL_CHARACTERS } from './concern.js';
import type { PersonRef } from './concernRecord.js';
import { GROUP_INFO, isGroupId, type GroupId } from './groups.js';
import { STRATEGY_SECTIONS, type StrategySectionId } from './templates.js';

/**
 * After each collation, every group's leads review the protocol chapter by chapter: they agree, or
 * say what should change. The chapters a group reviews are those holding its own text: the five
 * Strategy chapters (each carries every group's answer, so every group has a stake in each) and
 * its own Pathway chapter (one chapter per group in the Pathways document). Another group's Pathway
 * is that group's own process, accepted by the coordinator; asking every lead about all seven would
 * bury the chapters they wrote in ones they did not, and the coordinator's "not answered" lists
 * would stop meaning anything.
 */
export type ChapterId = StrategySectionId | `pathway-${GroupId}`;

export interface Chapter {
  id: ChapterId;
  /** "Strategy: Pursue", "Pathways: Housing". */
  title: string;
  /** The chapter in a sentence: "Pursue", "the Housing Pathway". */
  name: string;
  /** What the chapter holds, in a line. */
  about: string;
}

/** Agree, or not yet (the comment says what should change). */
export const REVIEW_ANSWERS = { agree: 'Agree', notYet: 'Not yet: see my comment' } as const;
export type ReviewAnswer = keyof typeof REVIEW_ANSWERS;
export const isReviewAnswer = (value: string): value is ReviewAnswer => Object.hasOwn(REVIEW_ANSWERS, value);

/** A comment fits on the coordinator's card beside the others; over it, nothing is saved. */
export const REVIEW_LIMITS = { comment: 1000 } as const;
/** How much of an over-long comment comes back on the refused card, so it can be shortened there. */
export const KEPT_COMMENT_MAX = 2000;

/** One group's answer on one chapter of one collated version; answering again replaces it. */
export interface ChapterReview {
  version: number;
  group: GroupId;
  chapter: ChapterId;
  answer: ReviewAnswer;
  comment?: string;
  by: PersonRef;
  at: string;
}

export function strategyChapter(id: StrategySectionId): Chapter {
  const section = STRATEGY_SECTIONS.find((s) => s.id === id)!;
  return { id, title: `Strategy: ${section.title}`, name: section.title, about: `Every group's answer to: ${section.question}` };
}

export function pathwayChapter(group: GroupId): Chapter {
  return {
    id: `pathway-${group}`,
    title: `Pathways: ${GROUP_INFO[group].name}`,
    name: `the ${GROUP_INFO[group].name} Pathway`,
    about: `The ${GROUP_INFO[group].name} group's flowcharts, as steps and diagrams`,
  };
}

/** The chapters a group's leads review: the five Strategy chapters, and their own Pathway when it is in the collation. */
export function chaptersFor(group: GroupId, pathwayIncluded: boolean): Chapter[] {
  return [...STRATEGY_SECTIONS.map((s) => strategyChapter(s.id)), ...(pathwayIncluded ? [pathwayChapter(group)] : [])];
}

/** Every chapter of a collation, in document order: the Strategy's five, then each included group's Pathway. */
export function allChapters(pathwayGroups: GroupId[]): Chapter[] {
  return [...STRATEGY_SECTIONS.map((s) => strategyChapter(s.id)), ...pathwayGroups.map(pathwayChapter)];
}

export function chapterOf(id: string): Chapter | undefined {
  const section = STRATEGY_SECTIONS.find((s) => s.id === id);
  if (section) return strategyChapter(section.id);
  const group = id.startsWith('pathway-') ? id.slice('pathway-'.length) : '';
  return isGroupId(group) ? pathwayChapter(group) : undefined;
}

/** The groups expected to answer on a chapter: all of them on a Strategy chapter, the group itself on its Pathway. */
export function expectedGroups(chapter: ChapterId, groups: readonly GroupId[]): GroupId[] {
  return chapter.startsWith('pathway-') ? groups.filter((g) => `pathway-${g}` === chapter) : [...groups];
}

/** The card's input ids for a chapter (unique on the card, and what comes back in the action's data). */
export const answerInput = (chapter: ChapterId) => `answer-${chapter}`;
export const commentInput = (chapter: ChapterId) => `comment-${chapter}`;

/** What the lead typed and chose, per input id, as sent (kept on a refused card). */
export type ReviewValues = Record<string, string>;

export type ParsedReview =
  | { ok: true; answers: { chapter: ChapterId; answer: ReviewAnswer; comment?: string }[] }
  | { ok: false; errors: Partial<Record<ChapterId, string>>; values: ReviewValues; general?: string };

const n = (x: number) => x.toLocaleString('en-GB');
const textOf = (value: unknown) => (typeof value === 'string' ? value : '');

/**
 * Reads a lead's answers from the card's inputs, for the chapters they review. A chapter left with
 * no answer and no comment is not answered this time (an earlier answer stands). A comment is
 * optional when agreeing, needed when not; each is at most 1,000 characters. Nothing is saved
 * unless every answered chapter is valid.
 */
export function parseReview(data: Record<string, unknown>, chapters: readonly Chapter[]): ParsedReview {
  const values: ReviewValues = {};
  const errors: Partial<Record<ChapterId, string>> = {};
  const answers: { chapter: ChapterId; answer: ReviewAnswer; comment?: string }[] = [];
  for (const { id, name } of chapters) {
    const chosen = textOf(data[answerInput(id)]).trim();
    const raw = textOf(data[commentInput(id)]);
    const comment = raw.replace(CONTROL_CHARACTERS, '').replace(/\r\n?/g, '\n').trim();
    values[answerInput(id)] = isReviewAnswer(chosen) ? chosen : '';
    values[commentInput(id)] = comment.slice(0, KEPT_COMMENT_MAX);
    if (!chosen && !comment) continue;
    if (!isReviewAnswer(chosen)) {
      errors[id] = chosen ? `Choose Agree or Not yet for ${name}.` : `Choose Agree or Not yet for ${name}; your comment is kept below.`;
    } else if (comment.length > REVIEW_LIMITS.comment) {
      const kept = comment.length > KEPT_COMMENT_MAX ? ` Only the first ${n(KEPT_COMMENT_MAX)} are kept below.` : '';
      errors[id] = `Keep the comment on ${name} to ${n(REVIEW_LIMITS.comment)} characters; it has ${n(comment.length)}.${kept}`;
    } else if (chosen === 'notYet' && !comment) {
      errors[id] = `Say what should change in ${name}: a comment is needed when you do not agree.`;
    } else {
      answers.push({ chapter: id, answer: chosen, ...(comment ? { comment } : {}) });
    }
  }
  if (Object.keys(errors).length) return { ok: false, errors, values };
  if (!answers.length) return { ok: false, errors, values, general: 'Answer at least one chapter: choose Agree or Not yet, then send.' };
  return { ok: true, answers };
}

/** The review card of one group for one collated version: its chapters, the answers so far, and any refused input. */
export interface ReviewForm {
  version: number;
  collatedAt: string;
  group: GroupId;
  /** The versions of the group's own templates in this collation (absent: missing from it). */
  sources: { strategy?: number; pathway?: number };
  chapters: Chapter[];
  /** The group's saved answers on this version, by any of its leads. */
  answers: ChapterReview[];
  /** What was sent, when it was refused: shown instead of the saved answers. */
  values?: ReviewValues;
  errors?: Partial<Record<ChapterId, string>>;
  notice?: { text: string; tone: 'good' | 'attention' };
}

/** One chapter as the coordinator reads it: who agreed, who did not yet and why, who has not answered. */
export interface ChapterSummary {
  chapter: Chapter;
  reviews: ChapterReview[];
  notAnswered: GroupId[];
}

/** Every chapter of the current version with the groups' answers, for the coordinator. */
export interface ReviewSummary {
  version: number;
  collatedAt: string;
  chapters: ChapterSummary[];
  /** How many groups have answered at least one chapter, of how many. */
  groupsAnswered: number;
  groups: number;
  /** Every chapter of the version, to choose one from. */
  available: Chapter[];
  /** Set when the coordinator opened one chapter (then `chapters` holds only it). */
  only?: ChapterId;
}
