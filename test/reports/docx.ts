import { strFromU8, unzipSync } from 'fflate';
import type { CollatedTemplate, CollationInput } from '../../src/domain/collation.js';
import type { GroupId } from '../../src/domain/groups.js';
import type { StrategyContent } from '../../src/domain/templates.js';

/** A .docx read back: its parts, and the body's paragraphs with their style and text. */
export interface ReadDocx {
  files: Record<string, Uint8Array>;
  part: (name: string) => string;
  document: string;
  paragraphs: { style: string; text: string }[];
  headers: string[];
  footers: string[];
}

const unescape = (xml: string) =>
  xml
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');

/** The text a paragraph shows: its w:t runs, with a line break for each w:br and a tab for each w:tab. */
export function paragraphText(xml: string): string {
  return [...xml.matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>|<w:br\/>|<w:tab\/>/g)]
    .map((m) => (m[1] !== undefined ? unescape(m[1]) : m[0] === '<w:tab/>' ? '\t' : '\n'))
    .join('');
}

export function readDocx(buffer: Buffer): ReadDocx {
  const files = unzipSync(new Uint8Array(buffer));
  const part = (name: string) => strFromU8(files[name]!);
  const document = part('word/document.xml');
  const paragraphs = [...document.matchAll(/<w:p(?:\s[^>]*)?>(.*?)<\/w:p>/gs)].map((m) => ({
    style: /<w:pStyle w:val="([^"]+)"\/>/.exec(m[1]!)?.[1] ?? '',
    text: paragraphText(m[1]!),
  }));
  const named = (re: RegExp) =>
    Object.keys(files)
      .filter((f) => re.test(f))
      .map(part);
  return { files, part, document, paragraphs, headers: named(/^word\/header\d*\.xml$/), footers: named(/^word\/footer\d*\.xml$/) };
}

/** The paragraphs of one style, in order. */
export const withStyle = (doc: ReadDocx, style: string) => doc.paragraphs.filter((p) => p.style === style).map((p) => p.text);

/** The paragraphs from the Heading 1 that reads `title` up to the next Heading 1. */
export function chapterOf(doc: ReadDocx, title: string): { style: string; text: string }[] {
  const start = doc.paragraphs.findIndex((p) => p.style === 'Heading1' && p.text === title);
  if (start < 0) throw new Error(`No chapter "${title}"`);
  const end = doc.paragraphs.findIndex((p, i) => i > start && p.style === 'Heading1');
  return doc.paragraphs.slice(start + 1, end < 0 ? undefined : end);
}

const sections = (group: string, overrides: Partial<StrategyContent> = {}): StrategyContent => ({
  pursue: `${group} pursues offenders through joint visits.`,
  prevent: `${group} prevents exploitation by raising awareness.\n\nA second paragraph from ${group}.`,
  protect: `${group} protects victims with safe accommodation.`,
  prepare: `${group} trains its staff every year.`,
  partnership: `${group} attends the multi-agency meeting.`,
  ...overrides,
});

const strategy = (version: number, s: StrategyContent, submittedBy = 'A Lead'): CollatedTemplate => ({
  version,
  status: 'accepted',
  submittedBy,
  content: { template: 'strategy', sections: s },
});

export const pathwayText = (group: string) =>
  [
    `## ${group} officer identifies a concern`,
    `1. ${group} officer: notices indicators`,
    '2. Is anyone in immediate danger? yes: 3, no: 4',
    '3. Officer: calls 999 -> end',
    '4. Officer: tells the Modern Slavery Lead',
    `Explainer: applies to ${group} staff.`,
    '## Out of hours',
    '1. Duty officer: logs the concern -> end',
  ].join('\n');

const pathway = (version: number, group: string): CollatedTemplate => ({
  version,
  status: 'accepted',
  submittedBy: 'A Lead',
  content: { template: 'pathway', text: pathwayText(group) },
});

/**
 * Six groups; Migration submitted nothing. Housing wrote nothing under Prepare and its Pursue has
 * characters XML must escape.
 */
export function sampleCollation(overrides: Partial<CollationInput> = {}): CollationInput {
  const ids: GroupId[] = ['housing', 'health', 'nrm', 'enforcement', 'transition', 'support'];
  const strategies: Partial<Record<GroupId, CollatedTemplate>> = {};
  const pathways: Partial<Record<GroupId, CollatedTemplate>> = {};
  ids.forEach((id, i) => {
    strategies[id] = strategy(i + 2, sections(id));
    pathways[id] = pathway(i + 1, id);
  });
  strategies.housing = strategy(
    4,
    sections('housing', { pursue: 'Housing & enforcement share "intelligence" on landlords <HMOs>.', prepare: '' }),
    'Sophie Hall',
  );
  return {
    protocolVersion: 2,
    collatedAt: '2027-07-05T13:05:00Z',
    timeZone: 'Europe/London',
    status: 'draft',
    basis: 'accepted',
    strategies,
    pathways,
    ...overrides,
  };
}
