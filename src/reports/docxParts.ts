import {
  AlignmentType,
  Document,
  Footer,
  Header,
  HeadingLevel,
  LineRuleType,
  Packer,
  PageBreak,
  PageNumber,
  ShadingType,
  Paragraph,
  Table,
  TableCell,
  TableOfContents,
  TableRow,
  TextRun,
  WidthType,
  type FileChild,
} from 'docx';
import {
  BASIS_SENTENCES,
  COLLATION_STATUS_LABELS,
  PROTOCOL_PURPOSE,
  PROTOCOL_VALUES,
  collationDate,
  collationProblems,
  collationTime,
  isDraft,
  missingSentence,
  paragraphsOf,
  templatesOf,
  type CollationInput,
} from '../domain/collation.js';
import { GROUP_IDS, GROUP_INFO } from '../domain/groups.js';
import { SUBMISSION_LABELS } from '../domain/submission.js';
import type { TemplateId } from '../domain/templates.js';

/**
 * The parts both protocol documents share: page, styles, title page, contents, introduction, the
 * groups and versions used, header ("DRAFT" until the Council approves) and footer (page numbers).
 * User text goes in as plain text: docx escapes it for XML (and drops characters XML cannot hold).
 */

/** A4 with 2.5 cm margins, in twentieths of a point (twips). */
const PAGE = { width: 11906, height: 16838, margin: 1418 } as const;
/** The width and height text may take on a page, in pixels at 96 to the inch (docx sizes images in these). */
export const TEXT_AREA_PX = {
  width: Math.floor(((PAGE.width - 2 * PAGE.margin) / 1440) * 96),
  height: Math.floor(((PAGE.height - 2 * PAGE.margin) / 1440) * 96),
};

const COLOURS = { heading: '1F3864', subheading: '2F5496', quiet: '404040', draft: 'C00000' } as const;
const FONT = 'Arial';

export interface DocumentKind {
  template: TemplateId;
  /** "Strategy" or "Pathways": the title is "Coventry Modern Slavery Protocol: <name>". */
  name: string;
  /** The heading levels the contents list: "1-1" for chapters only, "1-2" with their sections. */
  contentsLevels: '1-1' | '1-2';
}

export const documentTitle = (kind: DocumentKind) => `Coventry Modern Slavery Protocol: ${kind.name}`;

/** Plain text as runs: single line breaks are kept as breaks within the paragraph. */
export function textRuns(text: string, style: { bold?: boolean; italics?: boolean; color?: string } = {}): TextRun[] {
  return text.split('\n').map((line, i) => new TextRun({ text: line.trimEnd(), break: i ? 1 : undefined, ...style }));
}

/** Text with its first letter a capital ("applies to staff" -> "Applies to staff"). */
export const sentenceCase = (text: string) => text.charAt(0).toLocaleUpperCase('en-GB') + text.slice(1);

/** A person's text: one Word paragraph per blank-line-separated paragraph. */
export function textParagraphs(text: string): Paragraph[] {
  return paragraphsOf(text).map((p) => new Paragraph({ children: textRuns(p) }));
}

export const heading1 = (text: string, newPage = true) => new Paragraph({ text, heading: HeadingLevel.HEADING_1, pageBreakBefore: newPage });
export const heading2 = (text: string) => new Paragraph({ text, heading: HeadingLevel.HEADING_2 });

/** A quieter line: prompts, notes, "(nothing written for this section)". */
export const note = (text: string) => new Paragraph({ children: textRuns(text, { italics: true, color: COLOURS.quiet }) });

/** A line that must not be missed, such as "Missing: Migration (nothing submitted)". */
export const warning = (text: string) => new Paragraph({ children: textRuns(text, { bold: true }) });

function titlePage(input: CollationInput, kind: DocumentKind): Paragraph[] {
  const line = (text: string, size = 28) => new Paragraph({ spacing: { after: 200 }, children: [new TextRun({ text, size, color: COLOURS.quiet })] });
  return [
    new Paragraph({ spacing: { before: 2400 } }),
    new Paragraph({ text: documentTitle(kind), heading: HeadingLevel.TITLE, spacing: { after: 600 } }),
    line(`Protocol version ${input.protocolVersion}`),
    line(`Status: ${COLLATION_STATUS_LABELS[input.status]}`),
    line(`Collated on ${collationDate(input)}`),
    new Paragraph({ spacing: { before: 1200 } }),
    line(BASIS_SENTENCES[input.basis], 24),
    line(`Written by Coventry's seven modern slavery Task and Finish groups and collated by the protocol coordinator.`, 24),
    new Paragraph({ children: [new PageBreak()] }),
  ];
}

function contents(kind: DocumentKind): FileChild[] {
  return [
    new Paragraph({ children: [new TextRun({ text: 'Contents', bold: true, size: 36, color: COLOURS.heading })], spacing: { after: 240 } }),
    new TableOfContents('Contents', { hyperlink: true, headingStyleRange: kind.contentsLevels }),
  ];
}

/** "UK time" for the council's own zone, else the zone's name ("Europe/Dublin time"). */
const zoneName = (timeZone: string) => (timeZone === 'Europe/London' ? 'UK time' : `${timeZone} time`);

/** The introduction: the protocol's purpose and values, then how this document was put together. */
function introduction(input: CollationInput, about: readonly string[]): Paragraph[] {
  return [
    heading1('Introduction'),
    heading2('Why the protocol exists'),
    ...PROTOCOL_PURPOSE.map((p) => new Paragraph({ text: p })),
    heading2('Our values'),
    new Paragraph({ text: 'Partners agreed what the protocol should stand for. In short:' }),
    ...PROTOCOL_VALUES.map(
      (v) => new Paragraph({ bullet: { level: 0 }, children: [new TextRun({ text: `${v.name}. `, bold: true }), new TextRun({ text: v.meaning })] }),
    ),
    heading2('About this document'),
    ...about.map((p) => new Paragraph({ text: p })),
    new Paragraph({ text: `${BASIS_SENTENCES[input.basis]} It was collated on ${collationTime(input)}, ${zoneName(input.timeZone)}.` }),
  ];
}

const HEADER_SHADING = 'DCE3EE';

const cell = (text: string, options: { bold?: boolean; width: number; shading?: string }) =>
  new TableCell({
    width: { size: options.width, type: WidthType.DXA },
    shading: options.shading ? { type: ShadingType.CLEAR, color: 'auto', fill: options.shading } : undefined,
    margins: { top: 60, bottom: 60, left: 100, right: 100 },
    children: [new Paragraph({ spacing: { after: 0 }, children: textRuns(text, { bold: options.bold }) })],
  });

/** Every group, what it covers, and the version of its template used, or that it submitted nothing. */
function groupsSection(input: CollationInput, kind: DocumentKind): FileChild[] {
  const templates = templatesOf(input, kind.template);
  const widths = [1900, 3270, 1900, 2000];
  const row = (texts: string[], bold: boolean[], shading?: string) => texts.map((t, i) => cell(t, { bold: bold[i] ?? false, width: widths[i]!, shading }));
  const missing = missingSentence(input, kind.template);
  return [
    heading1('Groups'),
    new Paragraph({
      text: `Each of the seven groups wrote its own ${kind.template === 'strategy' ? 'Strategy' : 'Pathway'}. This table shows the version of each that this document uses.`,
    }),
    ...(missing ? [warning(missing)] : []),
    new Table({
      width: { size: widths.reduce((a, b) => a + b, 0), type: WidthType.DXA },
      columnWidths: widths,
      rows: [
        new TableRow({ tableHeader: true, children: row(['Group', 'Covers', 'Version used', 'Submitted by'], [true, true, true, true], HEADER_SHADING) }),
        ...GROUP_IDS.map((id) => {
          const template = templates[id];
          const used = template ? `Version ${template.version} (${SUBMISSION_LABELS[template.status].toLowerCase()})` : 'Nothing submitted';
          return new TableRow({
            cantSplit: true,
            children: row(
              [GROUP_INFO[id].name, sentenceCase(GROUP_INFO[id].covers), used, template?.submittedBy?.trim() || '-'],
              [false, false, !template, false],
            ),
          });
        }),
      ],
    }),
  ];
}

function header(input: CollationInput, kind: DocumentKind): Header {
  const title = `${documentTitle(kind)}, version ${input.protocolVersion}`;
  return new Header({
    children: [
      new Paragraph({
        alignment: AlignmentType.RIGHT,
        children: [
          ...(isDraft(input.status) ? [new TextRun({ text: 'DRAFT', bold: true, color: COLOURS.draft }), new TextRun({ text: '   ' })] : []),
          new TextRun({ text: title, size: 18, color: COLOURS.quiet }),
        ],
      }),
    ],
  });
}

const footer = () =>
  new Footer({
    children: [
      new Paragraph({
        alignment: AlignmentType.CENTER,
        children: [new TextRun({ size: 18, color: COLOURS.quiet, children: ['Page ', PageNumber.CURRENT, ' of ', PageNumber.TOTAL_PAGES] })],
      }),
    ],
  });

/** Throws when the input was put together wrongly (the document would be wrong). */
export function checkInput(input: CollationInput, kind: DocumentKind): void {
  const problems = collationProblems(input);
  if (problems.length) throw new Error(`Cannot build the ${kind.name} document: ${problems.join('; ')}`);
}

/**
 * The whole document: title page, contents, introduction (with `about`, what this document is), the
 * groups and versions, then `body`. Throws when the input was put together wrongly.
 */
export async function packDocument(input: CollationInput, kind: DocumentKind, about: readonly string[], body: FileChild[]): Promise<Buffer> {
  checkInput(input, kind);
  const document = new Document({
    title: documentTitle(kind),
    subject: `Coventry Modern Slavery Protocol, version ${input.protocolVersion}`,
    creator: 'Coventry City Council',
    description: `${documentTitle(kind)}, protocol version ${input.protocolVersion}, ${COLLATION_STATUS_LABELS[input.status].toLowerCase()}`,
    // Word fills in the contents (and their page numbers) when it opens the document. Working the
    // page numbers out here (docx/layout) took 3-4 s per document: too slow for a Teams answer.
    features: { updateFields: true },

    styles: {
      default: {
        document: {
          run: { font: FONT, size: 24, language: { value: 'en-GB' } },
          paragraph: { spacing: { after: 160, line: 288, lineRule: LineRuleType.AUTO } },
        },
        title: { run: { font: FONT, size: 52, bold: true, color: COLOURS.heading } },
        heading1: { run: { font: FONT, size: 36, bold: true, color: COLOURS.heading }, paragraph: { spacing: { before: 0, after: 240 }, keepNext: true } },
        heading2: { run: { font: FONT, size: 28, bold: true, color: COLOURS.subheading }, paragraph: { spacing: { before: 360, after: 120 }, keepNext: true } },
        heading3: { run: { font: FONT, size: 24, bold: true, color: COLOURS.quiet }, paragraph: { spacing: { before: 200, after: 80 }, keepNext: true } },
      },
    },
    sections: [
      {
        properties: {
          titlePage: true,
          page: { size: { width: PAGE.width, height: PAGE.height }, margin: { top: PAGE.margin, bottom: PAGE.margin, left: PAGE.margin, right: PAGE.margin } },
        },
        headers: { default: header(input, kind), first: header(input, kind) },
        footers: { default: footer(), first: new Footer({ children: [new Paragraph({})] }) },
        children: [...titlePage(input, kind), ...contents(kind), ...introduction(input, about), ...groupsSection(input, kind), ...body],
      },
    ],
  });
  return Packer.toBuffer(document);
}
