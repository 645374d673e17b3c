import { GROUP_INFO, type GroupId } from '../domain/groups.js';
import { describeStep, finishFlowcharts, parsePathway } from '../domain/pathway.js';
import type { DraftState, TemplateRecord, VersionInfo } from '../domain/submission.js';
import { cardBytes, DRAFT_LIMITS, STRATEGY_SECTIONS, TEMPLATE_NAMES, type TemplateId } from '../domain/templates.js';
import { formatLocal, noticeView, type Notice } from './format.js';
import { fitDiagrams, noDiagrams, type DiagramsView, type DraftDiagram } from './draftDiagrams.js';
import { escapeMarkdown } from './markdown.js';
import { CardTooLargeError, cardTemplate, MAX_CARD_BYTES, renderCard, type Card } from './renderCard.js';
import draftPathwayJson from './templates/draftPathway.json';
import draftStrategyJson from './templates/draftStrategy.json';
import pickGroupJson from './templates/pickGroup.json';
import { VERBS } from './verbs.js';

export const verbs = {
  save: VERBS.saveDraft,
  history: VERBS.history,
  open: VERBS.openDraft,
  compare: VERBS.compare,
  /** Submitting asks first: the confirmation's Confirm sends the submit itself. */
  confirmSubmit: VERBS.confirmSubmit,
};
export type DraftVerbs = typeof verbs;
type NoticeView = ReturnType<typeof noticeView>;

/** The template's status in words: "not started", "drafting". */
export const statusWords = (record: TemplateRecord) => record.status.replace(/([A-Z])/g, ' $1').toLowerCase();

function versionLine(record: TemplateRecord, latest: VersionInfo | undefined, timeZone: string): string {
  if (!latest) return 'No version saved yet: this is the blank template.';
  return `Showing version ${latest.version}, saved by ${escapeMarkdown(latest.author.name)} on ${formatLocal(latest.savedAt, timeZone)}. Saving makes a new version; nothing is overwritten. Status: ${statusWords(record)}.`;
}

interface StrategyDraftView extends NoticeView {
  heading: string;
  versionLine: string;
  limit: number;
  group: GroupId;
  baseVersion: number;
  sections: { number: number; id: string; title: string; question: string; consider: string; value: string; error: string }[];
  verbs: DraftVerbs;
}
const strategyTemplate = cardTemplate<StrategyDraftView>(draftStrategyJson);

interface PathwayDraftView extends NoticeView {
  heading: string;
  versionLine: string;
  rules: { runs: Run[] }[];
  howTo: string;
  limit: number;
  value: string;
  errors: { text: string }[];
  preview: { text: string; weight: string }[];
  diagrams: DiagramsView['diagrams'];
  notDrawn: string;
  group: GroupId;
  baseVersion: number;
  verbs: DraftVerbs;
}
const pathwayTemplate = cardTemplate<PathwayDraftView>(draftPathwayJson);

export interface DraftCardOptions {
  timeZone: string;
  notice?: Notice;
  /** What was typed, when a save was refused: shown instead of the saved text. */
  values?: Record<string, unknown>;
  /** Strategy: one problem per section. */
  errors?: Record<string, string>;
  /** Pathway: every problem, with its line. */
  pathwayErrors?: string[];
  /** Pathway: the saved flowcharts drawn small (PNG data URIs), shown above the steps while the card has room. */
  diagrams?: DraftDiagram[];
}

/** The draft card of either template, prefilled with the latest version (or with what was typed). */
export function draftCard(draft: DraftState, options: DraftCardOptions): Card {
  return draft.record.template === 'strategy' ? strategyDraftCard(draft, options) : pathwayDraftCard(draft, options);
}

/**
 * A refused save comes back with the text kept; text too long to show back whole is shown in part,
 * and the card says plainly that the rest is not on it.
 */
export function refusedDraftCard(draft: DraftState, options: DraftCardOptions & { values: Record<string, unknown> }): Card {
  try {
    return draftCard(draft, { ...options, notice: { text: 'Not saved: please fix what is marked below. Your text is kept.', tone: 'attention' } });
  } catch (error) {
    if (!(error instanceof CardTooLargeError)) throw error;
    const starts = Object.fromEntries(Object.entries(options.values).map(([k, v]) => [k, typeof v === 'string' ? v.slice(0, 800) : v]));
    return draftCard(draft, {
      ...options,
      values: starts,
      notice: {
        text: 'Not saved, and too long to show back whole: only the start of each part is shown below. Copy your full text from where you wrote it, shorten it, and save again.',
        tone: 'attention',
      },
    });
  }
}

/**
 * The Strategy card: the five Ps with their questions and prompts, prefilled with the latest draft
 * (or with what was typed, when a save was refused).
 */
function strategyDraftCard({ record, latest }: DraftState, options: DraftCardOptions): Card {
  const saved = latest?.content.template === 'strategy' ? latest.content.sections : undefined;
  return renderCard(strategyTemplate, {
    heading: `${GROUP_INFO[record.group].name}: Strategy (5P)`,
    versionLine: versionLine(record, latest?.info, options.timeZone),
    ...noticeView(options.notice),
    limit: DRAFT_LIMITS.strategySection,
    group: record.group,
    baseVersion: record.latestVersion,
    sections: STRATEGY_SECTIONS.map((s, i) => {
      const typed = options.values?.[s.id];
      return {
        number: i + 1,
        id: s.id,
        title: s.title,
        question: s.question,
        consider: s.consider,
        value: (typeof typed === 'string' ? typed : (saved?.[s.id] ?? '')).slice(0, DRAFT_LIMITS.strategySection),
        error: options.errors?.[s.id] ?? '',
      };
    }),
    verbs,
  });
}

type Run = { text: string; weight: 'Default' | 'Bolder'; fontType: 'Default' | 'Monospace' };
const words = (text: string): Run => ({ text, weight: 'Default', fontType: 'Default' });
const label = (text: string): Run => ({ text, weight: 'Bolder', fontType: 'Default' });
const typed = (text: string): Run => ({ text, weight: 'Default', fontType: 'Monospace' });

/**
 * How to write a pathway, in plain words, each rule with what to type (TextRuns are shown as
 * written: no Markdown, so "## Title" and "1." stay literal).
 */
const PATHWAY_RULES: { runs: Run[] }[] = [
  [
    label('Flowcharts. '),
    words('Start each flowchart with a line that begins ## and gives its title: '),
    typed('## Housing officer finds a concern'),
    words('. For more than one flowchart, start each with its own ## line.'),
  ],
  [
    label('Steps. '),
    words('One line each, numbered from 1 in each flowchart: the number, who, a colon, then what they do: '),
    typed('1. Housing officer: notices indicators on a visit'),
  ],
  [
    label('Questions. '),
    words('A yes/no question ends with a question mark, then says which step yes goes to and which step no goes to: '),
    typed('2. Is anyone in immediate danger? yes: 3, no: 4'),
  ],
  [
    label('Where it goes next. '),
    words('A step goes on to the next number, and the last step ends the path. To jump to another step, end the line with -> and its number: '),
    typed('4. GP: tells the Modern Slavery Lead -> 6'),
    words('. To end the path at a step, end the line with -> end: '),
    typed('3. Housing officer: calls 999 -> end'),
    words('. A question can go to end too: '),
    typed('yes: end'),
  ],
  [
    label('Explainer (optional). '),
    words('A line starting Explainer: adds a note to the flowchart, such as who it is for: '),
    typed('Explainer: for council and housing association staff'),
  ],
].map((runs) => ({ runs }));

const PATHWAY_HOW_TO = [
  '## Housing officer finds a concern',
  '1. Housing officer: notices indicators on a visit',
  '2. Is anyone in immediate danger? yes: 3, no: 4',
  '3. Housing officer: calls 999 -> end',
  '4. Housing officer: refers to the Modern Slavery Lead (referral form)',
  'Explainer: for council and housing association staff',
].join('\n');

/** The Pathway card: the flowcharts as text, how to write them, and what was saved. */
function pathwayDraftCard({ record, latest }: DraftState, options: DraftCardOptions): Card {
  const saved = latest?.content.template === 'pathway' ? latest.content.text : '';
  const typed = options.values?.flowcharts;
  const parsed = options.pathwayErrors?.length ? undefined : parsePathway(saved);
  const charts = parsed?.ok ? finishFlowcharts(parsed.flowcharts) : [];
  const titles = charts.map((c) => c.title);
  const preview = parsed?.ok
    ? charts.flatMap((chart) => [
        { text: escapeMarkdown(chart.title), weight: 'Bolder' },
        ...chart.steps.map((step) => ({ text: escapeMarkdown(describeStep(step)), weight: 'Default' })),
        ...(chart.explainer ? [{ text: `Explainer: ${escapeMarkdown(chart.explainer)}`, weight: 'Default' }] : []),
      ])
    : [];
  const view: PathwayDraftView = {
    heading: `${GROUP_INFO[record.group].name}: Pathway`,
    versionLine: versionLine(record, latest?.info, options.timeZone),
    ...noticeView(options.notice),
    rules: PATHWAY_RULES,
    howTo: escapeMarkdown(PATHWAY_HOW_TO),
    limit: DRAFT_LIMITS.pathway,
    value: (typeof typed === 'string' ? typed : saved).slice(0, DRAFT_LIMITS.pathway),
    errors: (options.pathwayErrors ?? []).slice(0, 15).map((text) => ({ text: escapeMarkdown(text) })),
    preview: fitPreview(preview),
    ...noDiagrams(options.diagrams ? titles : []),
    group: record.group,
    baseVersion: record.latestVersion,
    verbs,
  };
  const text = renderCard(pathwayTemplate, view);
  if (!options.diagrams?.length || !charts.length) return text;
  // The pictures go in last, while the card has room: the text above is always kept whole.
  const fitted = fitDiagrams(titles, options.diagrams, MAX_CARD_BYTES - Buffer.byteLength(JSON.stringify(text)) - 512);
  if (!fitted.diagrams.length) return text;
  try {
    return renderCard(pathwayTemplate, { ...view, ...fitted });
  } catch (error) {
    if (error instanceof CardTooLargeError) return text;
    throw error;
  }
}

/** The "as saved" preview repeats the text, so it is cut to fit the card, and says so. */
function fitPreview(lines: { text: string; weight: string }[], budget = 4500): { text: string; weight: string }[] {
  const kept: { text: string; weight: string }[] = [];
  let used = 0;
  for (const line of lines) {
    used += cardBytes(line.text) + 70; // the TextBlock around it
    if (used > budget)
      return [...kept, { text: `... and ${lines.length - kept.length} more lines (see "Versions and submit" for the whole text).`, weight: 'Default' }];
    kept.push(line);
  }
  return kept;
}

interface PickGroupView {
  heading: string;
  templateName: string;
  template: TemplateId;
  firstGroup: string;
  groups: { title: string; value: GroupId }[];
  verbs: DraftVerbs;
}
const pickGroupTemplate = cardTemplate<PickGroupView>(pickGroupJson);

/** For someone in several groups: which group's template to open. */
export function pickGroupCard(template: TemplateId, groups: GroupId[]): Card {
  return renderCard(pickGroupTemplate, {
    heading: `Draft the ${TEMPLATE_NAMES[template]}`,
    templateName: TEMPLATE_NAMES[template],
    template,
    firstGroup: groups[0] ?? '',
    groups: groups.map((g) => ({ title: GROUP_INFO[g].name, value: g })),
    verbs,
  });
}
