import { Paragraph, type FileChild } from 'docx';
import { FIVE_P_NOTE, collatedGroups, missingSentence, strategySection, type CollationInput } from '../domain/collation.js';
import { GROUP_IDS, GROUP_INFO } from '../domain/groups.js';
import { STRATEGY_SECTIONS } from '../domain/templates.js';
import { heading1, heading2, note, packDocument, textParagraphs, textRuns, warning, type DocumentKind } from './docxParts.js';

const KIND: DocumentKind = { template: 'strategy', name: 'Strategy', contentsLevels: '1-1' };

const ABOUT: readonly string[] = [
  FIVE_P_NOTE,
  `This Strategy brings together what each group plans to do. It has one chapter for each of the five Ps. Each chapter gives the question the groups answered, then each group's answer, always in the same order: ${GROUP_IDS.map((id) => GROUP_INFO[id].name).join(', ')}.`,
  'The Strategy is a high-level summary of plans. How each area responds to a concern, step by step, is in the Pathways document.',
];

/** One chapter: the P, its question and prompts, what is missing, then each group's answer. */
function chapter(input: CollationInput, index: number): FileChild[] {
  const section = STRATEGY_SECTIONS[index]!;
  const missing = missingSentence(input, 'strategy');
  const answers = collatedGroups(input, 'strategy').flatMap((id): Paragraph[] => {
    const text = strategySection(input.strategies[id]!, section.id);
    return [heading2(GROUP_INFO[id].name), ...(text ? textParagraphs(text) : [note('(nothing written for this section)')])];
  });
  return [
    heading1(`${index + 1}. ${section.title}`),
    new Paragraph({ children: textRuns(section.question, { bold: true }) }),
    note(`Groups were asked to consider: ${section.consider}.`),
    ...(missing ? [warning(missing)] : []),
    ...answers,
  ];
}

/**
 * The city-wide Strategy as a Word document: title page, contents, introduction (purpose, values,
 * how it was built), the groups and versions used, then one chapter per P with every group's answer.
 */
export async function buildStrategyDocument(input: CollationInput): Promise<Buffer> {
  return packDocument(
    input,
    KIND,
    ABOUT,
    STRATEGY_SECTIONS.flatMap((_, index) => chapter(input, index)),
  );
}
