import { AlignmentType, HeadingLevel, ImageRun, Paragraph, type FileChild } from 'docx';
import { pathwayFlowcharts, versionLabel, type CollationInput } from '../domain/collation.js';
import { GROUP_IDS, GROUP_INFO, type GroupId } from '../domain/groups.js';
import { describeStep, type Flowchart } from '../domain/pathway.js';
import { pngSize } from './flowchart.js';
import {
  TEXT_AREA_PX,
  checkInput,
  heading1,
  sentenceCase,
  heading2,
  note,
  packDocument,
  textParagraphs,
  textRuns,
  warning,
  type DocumentKind,
} from './docxParts.js';

const KIND: DocumentKind = { template: 'pathway', name: 'Pathways', contentsLevels: '1-2' };

const ABOUT: readonly string[] = [
  'The Pathways show how each area of work spots a modern slavery concern, responds to it and helps the people affected reach its services. There is one chapter for each group, in a fixed order, and each group may have more than one flowchart.',
  "Each flowchart is shown as a diagram, then as the same steps in words, then with the group's notes on when it applies. The steps in words are complete on their own, for anyone who cannot see the diagram.",
  "The Council's Modern Slavery Lead can be asked for advice about any modern slavery concern, through the referral form.",
];

export interface PathwaysOptions {
  /** Draws a flowchart as a PNG, or undefined when it cannot (the steps in words still follow). */
  diagram?: (chart: Flowchart) => Promise<Buffer | undefined>;
}

/**
 * The most a diagram may take on the page: the text width, and 60% of the height, so that on a
 * chapter's first page the group's heading, the flowchart's title, the diagram and the start of
 * its steps fit together (the title and diagram are kept with the steps).
 */
const MAX_DIAGRAM = { width: TEXT_AREA_PX.width, height: Math.floor(TEXT_AREA_PX.height * 0.6) };

/**
 * The diagram's size on the page, keeping its proportions: scaled down to fit the text width (and
 * the page's height), never scaled up, so a small chart's lettering stays the size it was drawn at.
 */
export function diagramSize(size: { width: number; height: number }): { width: number; height: number } {
  const scale = Math.min(1, MAX_DIAGRAM.width / size.width, MAX_DIAGRAM.height / size.height);
  return { width: Math.max(1, Math.round(size.width * scale)), height: Math.max(1, Math.round(size.height * scale)) };
}

const heading3 = (text: string) => new Paragraph({ text, heading: HeadingLevel.HEADING_3 });

async function diagramParagraphs(chart: Flowchart, options: PathwaysOptions): Promise<Paragraph[]> {
  if (!options.diagram) return [];
  let png: Buffer | undefined;
  try {
    png = await options.diagram(chart);
  } catch {
    png = Buffer.alloc(0);
  }
  if (png === undefined) return [];
  const size = pngSize(png);
  if (!size) return [note('(The diagram for this flowchart could not be drawn. The steps below are complete.)')];
  const image = new ImageRun({
    type: 'png',
    data: png,
    transformation: diagramSize(size),
    altText: {
      name: chart.title,
      title: `Flowchart: ${chart.title}`,
      description: `Flowchart diagram of "${chart.title}". The same steps follow in words, as a numbered list.`,
    },
  });
  return [new Paragraph({ alignment: AlignmentType.CENTER, keepNext: true, children: [image] })];
}

async function flowchartSection(chart: Flowchart, options: PathwaysOptions): Promise<Paragraph[]> {
  return [
    heading2(chart.title),
    ...(await diagramParagraphs(chart, options)),
    heading3('Steps'),
    ...chart.steps.map((step) => new Paragraph({ indent: { left: 567, hanging: 567 }, spacing: { after: 80 }, children: textRuns(describeStep(step)) })),
    ...(chart.explainer.trim() ? [heading3('About this flowchart'), ...textParagraphs(sentenceCase(chart.explainer.trim()))] : []),
  ];
}

async function groupChapter(input: CollationInput, id: GroupId, options: PathwaysOptions): Promise<FileChild[]> {
  const name = GROUP_INFO[id].name;
  const template = input.pathways[id];
  const covers = note(`Covers ${GROUP_INFO[id].covers}.`);
  if (!template) return [heading1(name), warning(`Missing: ${name} (nothing submitted)`), covers];
  const intro = [heading1(name), covers, note(`${versionLabel(template)}.`)];
  const read = pathwayFlowcharts(template);
  if ('errors' in read) {
    return [
      ...intro,
      warning('This Pathway could not be read as flowcharts, so it is shown as the group wrote it.'),
      ...read.errors.map((e) => note(e)),
      ...textParagraphs(read.text),
    ];
  }
  const sections: Paragraph[] = [];
  for (const chart of read.flowcharts) sections.push(...(await flowchartSection(chart, options)));
  return [...intro, ...sections];
}

/**
 * The city-wide Pathways as a Word document: title page, contents, introduction, the groups and
 * versions used, then one chapter per group with each flowchart as a diagram (when `diagram` draws
 * one), its steps in words and its explainer.
 */
export async function buildPathwaysDocument(input: CollationInput, options: PathwaysOptions = {}): Promise<Buffer> {
  checkInput(input, KIND); // before drawing any diagram
  const body: FileChild[] = [];
  for (const id of GROUP_IDS) body.push(...(await groupChapter(input, id, options)));
  return packDocument(input, KIND, ABOUT, body);
}
