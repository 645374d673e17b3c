import { formatLocalDateTime, formatLongDate, localDate } from './calendar.js';
import { GROUP_IDS, GROUP_INFO, type GroupId } from './groups.js';
import { finishFlowcharts, parsePathway, type Flowchart } from './pathway.js';
import { SUBMISSION_LABELS, type SubmissionStatus } from './submission.js';
import { type DraftContent, type StrategySectionId, type TemplateId } from './templates.js';

/**
 * One collation: the seven groups' Strategies and Pathways combined into the city-wide protocol
 * (two documents). A pure description: who wrote what, which version was used, where the protocol
 * stands. The document writers in src/reports read it; nothing here knows about Word.
 */

/** Where the protocol stands on its way to publication (the briefing's route: panel, then Council). */
export const COLLATION_STATUSES = ['draft', 'collated', 'panel approved', 'council approved', 'published'] as const;
export type CollationStatus = (typeof COLLATION_STATUSES)[number];

export const COLLATION_STATUS_LABELS: Record<CollationStatus, string> = {
  draft: 'Draft',
  collated: 'Collated, for review by the groups',
  'panel approved': 'Approved by the Lived Experience Advisory Panel, awaiting Council approval',
  'council approved': 'Approved by the Council',
  published: 'Published',
};

/** Which version of each group's template went in: the one the coordinator accepted, or the latest submitted. */
export type CollationBasis = 'accepted' | 'latestSubmitted';

export const BASIS_SENTENCES: Record<CollationBasis, string> = {
  accepted: "Built from each group's accepted version.",
  latestSubmitted: "Built from each group's latest submitted version (not every one has been accepted yet).",
};

/** One group's template as it went into the collation. */
export interface CollatedTemplate {
  version: number;
  status: SubmissionStatus;
  /** The display name of the person who submitted it. */
  submittedBy?: string;
  content: DraftContent;
}

export interface CollationInput {
  protocolVersion: number;
  /** When it was collated, ISO 8601 with an offset ("2027-07-03T13:05:00Z"). */
  collatedAt: string;
  /** The protocol's time zone (Europe/London): dates in the documents are local dates there. */
  timeZone: string;
  status: CollationStatus;
  basis: CollationBasis;
  /** A group absent from a map submitted nothing for that template: it is listed as missing, never dropped. */
  strategies: Partial<Record<GroupId, CollatedTemplate>>;
  pathways: Partial<Record<GroupId, CollatedTemplate>>;
}

/**
 * Why the protocol exists, in our own words (from the council's briefing to the groups). Each entry
 * is a paragraph.
 */
export const PROTOCOL_PURPOSE: readonly string[] = [
  'The Coventry Modern Slavery Protocol is one shared, city-wide agreement on how organisations in Coventry stop modern slavery from happening, recognise it when it does, and respond to it.',
  'Seven Task and Finish groups wrote it, one for each area of work where people at risk are met: Housing, Health, NRM Referrals, Migration, Enforcement, Transition to Adulthood and Support Services. Together they cover every sector of the city.',
  'It comes in two parts. The Strategy sets out, area by area, what partners will do under the five Ps: Pursue, Prevent, Protect, Prepare and Partnership. The Pathways show, step by step, how each area responds to a concern and helps people reach its services.',
  'Once agreed, partner organisations are asked to sign up to it. It is then approved by a Lived Experience Advisory Panel, and after that through the Council’s own approval process.',
];

/**
 * The values partners chose for the protocol, grouped and put in our own words (the briefing lists
 * the words partners gave: survivor first, trauma informed, working together, equality, trust...).
 */
export const PROTOCOL_VALUES: readonly { name: string; meaning: string }[] = [
  { name: 'Survivors first', meaning: 'The safety, needs and choices of the people affected come before the convenience of any organisation.' },
  {
    name: 'Compassionate and trauma-informed',
    meaning: 'We treat people with kindness, take account of what they have been through, and avoid causing further harm.',
  },
  {
    name: 'Working together',
    meaning: 'No one organisation can tackle modern slavery alone: we share information, learning and responsibility, and keep each other informed.',
  },
  {
    name: 'Fair, consistent and accessible',
    meaning: 'Everyone gets the same standard of response, whoever they are and wherever they come from, and our services are easy to reach and understand.',
  },
  { name: 'Open and trustworthy', meaning: 'We are honest about what we do and why, we act with integrity, and we do what we say we will.' },
  { name: 'Effective and adaptable', meaning: 'We focus on what works, learn from practice here and elsewhere, and change our approach as risks change.' },
];

/** The 5P approach, in our own words, for the Strategy's introduction. */
export const FIVE_P_NOTE =
  "The Government's 2014 Modern Slavery Strategy organised the national response under four Ps: Pursue, Prevent, Protect and Prepare. Coventry adds a fifth, Partnership, because the response has to be multi-agency and city-wide.";

/** The groups with a template in this collation, in the fixed order of GROUP_IDS. */
export function collatedGroups(input: CollationInput, template: TemplateId): GroupId[] {
  const map = templatesOf(input, template);
  return GROUP_IDS.filter((id) => map[id] !== undefined);
}

/** The groups that submitted nothing for a template, in the order of GROUP_IDS. */
export function missingGroups(input: CollationInput, template: TemplateId): GroupId[] {
  const map = templatesOf(input, template);
  return GROUP_IDS.filter((id) => map[id] === undefined);
}

export function templatesOf(input: CollationInput, template: TemplateId): Partial<Record<GroupId, CollatedTemplate>> {
  return template === 'strategy' ? input.strategies : input.pathways;
}

/** "Missing: Migration (nothing submitted)", or undefined when every group submitted. */
export function missingSentence(input: CollationInput, template: TemplateId): string | undefined {
  const missing = missingGroups(input, template);
  return missing.length ? `Missing: ${missing.map((id) => `${GROUP_INFO[id].name} (nothing submitted)`).join('; ')}` : undefined;
}

/** "Version 3, accepted (submitted by Sophie Hall)". */
export function versionLabel(template: CollatedTemplate): string {
  const by = template.submittedBy?.trim() ? ` (submitted by ${template.submittedBy.trim()})` : '';
  return `Version ${template.version}, ${SUBMISSION_LABELS[template.status].toLowerCase()}${by}`;
}

/** Whether the documents carry "DRAFT": until the Council approves the protocol. */
export function isDraft(status: CollationStatus): boolean {
  return status !== 'council approved' && status !== 'published';
}

/** The local date of the collation, as people say it: "Saturday 3 July 2027". */
export function collationDate(input: CollationInput): string {
  return formatLongDate(localDate(new Date(input.collatedAt), input.timeZone), input.timeZone);
}

/** The local date and time of the collation: "3 Jul 2027, 14:05". */
export function collationTime(input: CollationInput): string {
  return formatLocalDateTime(input.collatedAt, input.timeZone);
}

/** What a group wrote for one P, or '' when it wrote nothing there. */
export function strategySection(template: CollatedTemplate, section: StrategySectionId): string {
  return template.content.template === 'strategy' ? (template.content.sections[section] ?? '').trim() : '';
}

/**
 * A group's flowcharts, finished (fall-through made explicit), or the parse errors when the stored
 * text no longer reads (it was checked on save, so this means the rules changed since).
 */
export function pathwayFlowcharts(template: CollatedTemplate): { flowcharts: Flowchart[] } | { errors: string[]; text: string } {
  const text = template.content.template === 'pathway' ? template.content.text : '';
  const parsed = parsePathway(text);
  return parsed.ok ? { flowcharts: finishFlowcharts(parsed.flowcharts) } : { errors: parsed.errors, text };
}

/** Plain text in paragraphs: split on blank lines, each trimmed, empty ones dropped. */
export function paragraphsOf(text: string): string[] {
  return text
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t]*\n/)
    .map((p) => p.trim())
    .filter((p) => p !== '');
}

/**
 * Problems that mean the input was put together wrongly (a Pathway in the Strategy map, a version
 * that is not a positive whole number, a date that does not read): the documents would be wrong.
 */
export function collationProblems(input: CollationInput): string[] {
  const problems: string[] = [];
  if (!Number.isInteger(input.protocolVersion) || input.protocolVersion < 1)
    problems.push(`protocol version ${input.protocolVersion} is not a positive whole number`);
  if (Number.isNaN(new Date(input.collatedAt).getTime())) problems.push(`collatedAt "${input.collatedAt}" is not a date`);
  for (const template of ['strategy', 'pathway'] as const) {
    for (const [id, entry] of Object.entries(templatesOf(input, template))) {
      if (!entry) continue;
      if (!(GROUP_IDS as readonly string[]).includes(id)) problems.push(`"${id}" is not a group`);
      if (entry.content.template !== template) problems.push(`${id}: a ${entry.content.template} was given as its ${template}`);
      if (!Number.isInteger(entry.version) || entry.version < 1) problems.push(`${id}: ${template} version ${entry.version} is not a positive whole number`);
    }
  }
  return problems;
}

/** One group's template that differs between two collations: a version used, added or dropped. */
export interface VersionChange {
  template: TemplateId;
  group: GroupId;
  from?: number;
  to?: number;
}
