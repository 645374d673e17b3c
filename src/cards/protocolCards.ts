import { daysBetween, localDate } from '../domain/calendar.js';
import type { DiffLine } from '../domain/diff.js';
import { GROUP_IDS, GROUP_INFO, type GroupId } from '../domain/groups.js';
import { describeStep, finishFlowcharts, parsePathway } from '../domain/pathway.js';
import { statusLabel, type TemplateRecord, type VersionInfo } from '../domain/submission.js';
import { cardBytes, DRAFT_LIMITS, STRATEGY_SECTIONS, TEMPLATE_IDS, TEMPLATE_NAMES, type DraftContent, type TemplateId } from '../domain/templates.js';
import { formatLocal } from './format.js';
import { escapeMarkdown } from './markdown.js';
import { renderCard } from './renderCard.js';
import compareTemplate from './templates/compare.json';
import dashboardTemplate from './templates/dashboard.json';
import draftPathwayTemplate from './templates/draftPathway.json';
import draftStrategyTemplate from './templates/draftStrategy.json';
import groupStatusTemplate from './templates/groupStatus.json';
import historyTemplate from './templates/history.json';
import pickGroupTemplate from './templates/pickGroup.json';
import submissionTemplate from './templates/submission.json';
import { VERBS } from './verbs.js';

type Card = Record<string, unknown>;

/** The protocol's dates, for words on cards. */
export interface DeadlineContext {
  now: Date;
  deadline: Date;
  deadlineDate: string;
  timeZone: string;
}

export interface Notice {
  text: string;
  tone: 'good' | 'attention';
}

const noticeView = (notice?: Notice) => ({ notice: notice ? notice.text : '', noticeStyle: notice?.tone === 'good' ? 'good' : 'attention' });
const verbs = { save: VERBS.saveDraft, history: VERBS.history, open: VERBS.openDraft, compare: VERBS.compare, submit: VERBS.submitTemplate };

function versionLine(record: TemplateRecord, latest: VersionInfo | undefined, timeZone: string): string {
  if (!latest) return 'No version saved yet: this is the blank template.';
  return `Showing version ${latest.version}, saved by ${escapeMarkdown(latest.author.name)} on ${formatLocal(latest.savedAt, timeZone)}. Saving makes a new version; nothing is overwritten. Status: ${statusLabelPlain(record)}.`;
}

const statusLabelPlain = (record: TemplateRecord) => record.status.replace(/([A-Z])/g, ' $1').toLowerCase();

/**
 * The Strategy card: the five Ps with their questions and prompts, prefilled with the latest draft
 * (or with what was typed, when a save was refused).
 */
export function strategyDraftCard(group: GroupId, record: TemplateRecord, latest: { info: VersionInfo; content: DraftContent } | undefined, timeZone: string, options: { values?: Record<string, unknown>; errors?: Record<string, string>; notice?: Notice } = {}): Card {
  const saved = latest?.content.template === 'strategy' ? latest.content.sections : undefined;
  return renderCard(draftStrategyTemplate, {
    heading: `${GROUP_INFO[group].name}: Strategy (5P)`,
    versionLine: versionLine(record, latest?.info, timeZone),
    ...noticeView(options.notice),
    limit: DRAFT_LIMITS.strategySection,
    group,
    baseVersion: record.latestVersion,
    sections: STRATEGY_SECTIONS.map((s, i) => {
      const typed = options.values?.[s.id];
      return {
        number: i + 1,
        id: s.id,
        title: s.title,
        question: s.question,
        consider: s.consider,
        value: (typeof typed === 'string' ? typed : saved?.[s.id] ?? '').slice(0, DRAFT_LIMITS.strategySection),
        error: options.errors?.[s.id] ?? '',
      };
    }),
    verbs,
  });
}

const PATHWAY_HOW_TO = [
  '## Housing officer finds a concern',
  '1. Housing officer: notices indicators on a visit',
  '2. Is anyone in immediate danger? yes: 3, no: 4',
  '3. Housing officer: calls 999 -> end',
  '4. Housing officer: refers to the Modern Slavery Lead (referral form)',
  'Explainer: for council and housing association staff',
].join('\n');

/** The Pathway card: the flowcharts as text, how to write them, and what was saved. */
export function pathwayDraftCard(group: GroupId, record: TemplateRecord, latest: { info: VersionInfo; content: DraftContent } | undefined, timeZone: string, options: { value?: string; errors?: string[]; notice?: Notice } = {}): Card {
  const saved = latest?.content.template === 'pathway' ? latest.content.text : '';
  const parsed = options.errors?.length ? undefined : parsePathway(saved);
  const preview = parsed?.ok
    ? finishFlowcharts(parsed.flowcharts).flatMap((chart) => [
        { text: escapeMarkdown(chart.title), weight: 'Bolder' },
        ...chart.steps.map((step) => ({ text: escapeMarkdown(describeStep(step)), weight: 'Default' })),
        ...(chart.explainer ? [{ text: `Explainer: ${escapeMarkdown(chart.explainer)}`, weight: 'Default' }] : []),
      ])
    : [];
  return renderCard(draftPathwayTemplate, {
    heading: `${GROUP_INFO[group].name}: Pathway`,
    versionLine: versionLine(record, latest?.info, timeZone),
    ...noticeView(options.notice),
    howTo: escapeMarkdown(PATHWAY_HOW_TO),
    limit: DRAFT_LIMITS.pathway,
    value: (options.value ?? saved).slice(0, DRAFT_LIMITS.pathway),
    errors: (options.errors ?? []).slice(0, 15).map((text) => ({ text: escapeMarkdown(text) })),
    preview: fitPreview(preview),
    group,
    baseVersion: record.latestVersion,
    verbs,
  });
}

/** The "as saved" preview repeats the text, so it is cut to fit the card, and says so. */
function fitPreview(lines: { text: string; weight: string }[], budget = 4500): { text: string; weight: string }[] {
  const kept: { text: string; weight: string }[] = [];
  let used = 0;
  for (const line of lines) {
    used += cardBytes(line.text) + 70; // the TextBlock around it
    if (used > budget) return [...kept, { text: `... and ${lines.length - kept.length} more lines (see "Versions and submit" for the whole text).`, weight: 'Default' }];
    kept.push(line);
  }
  return kept;
}

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

const SHOWN_VERSIONS = 30;

/** The newest versions, plus the submitted one even when it is older. */
function shownVersions(versions: VersionInfo[], submitted: number | undefined): VersionInfo[] {
  const newest = versions.slice(0, SHOWN_VERSIONS);
  const older = versions.find((v) => v.version === submitted && !newest.includes(v));
  return older ? [...newest, older] : newest;
}

/** Every saved version, with compare and (for group leads) submit. */
export function historyCard(record: TemplateRecord, versions: VersionInfo[], canSubmit: boolean, context: DeadlineContext, notice?: Notice): Card {
  const { label } = statusLabel(record.status, context.now, context.deadline);
  const submitted = record.submittedVersion ? ` Version ${record.submittedVersion} was submitted by ${escapeMarkdown(record.submittedBy?.name ?? '')}.` : '';
  const returned = record.status === 'returned' && record.comment ? ` Returned with: "${escapeMarkdown(record.comment)}"` : '';
  return renderCard(historyTemplate, {
    heading: `${GROUP_INFO[record.group].name}: ${TEMPLATE_NAMES[record.template]} versions`,
    statusLine: `Status: ${label}.${submitted}${returned}${versions.length > SHOWN_VERSIONS ? ` Showing the newest ${SHOWN_VERSIONS} of ${versions.length} versions, and the submitted one.` : ''}`,
    ...noticeView(notice),
    versions: shownVersions(versions, record.submittedVersion).map((v) => ({
      label: `${v.version}${v.version === record.submittedVersion ? ' (submitted)' : ''}`,
      value: String(v.version),
      author: escapeMarkdown(v.author.name),
      savedAt: formatLocal(v.savedAt, context.timeZone),
      characters: v.characters.toLocaleString('en-GB'),
    })),
    compareFrom: String(versions[1]?.version ?? ''),
    compareTo: String(versions[0]?.version ?? ''),
    canSubmit: canSubmit && versions.length > 0,
    group: record.group,
    template: record.template,
    templateName: TEMPLATE_NAMES[record.template],
    verbs,
  });
}

const DIFF_MARK: Record<DiffLine['change'], { prefix: string; color: string }> = {
  same: { prefix: '', color: 'Default' },
  added: { prefix: '+ ', color: 'Good' },
  removed: { prefix: '- ', color: 'Attention' },
};

/**
 * The changed lines, within a byte budget that keeps the card under Teams' limit; anything beyond
 * is counted, not dropped silently.
 */
function fitDiff(parts: { title: string; lines: DiffLine[] }[], budget = 16_000): { title: string; lines: { text: string; color: string }[] }[] {
  let used = 0;
  let left = 0;
  const fitted = parts.map((p) => {
    const lines: { text: string; color: string }[] = [];
    for (const l of p.lines.filter((x) => x.change !== 'same' && x.text.trim() !== '')) {
      const text = `${DIFF_MARK[l.change].prefix}${escapeMarkdown(l.text)}`;
      used += Buffer.byteLength(text) + 60; // the TextBlock around it
      if (used > budget) left += 1;
      else lines.push({ text, color: DIFF_MARK[l.change].color });
    }
    return { title: p.title, lines };
  });
  if (left) fitted.push({ title: 'More changes', lines: [{ text: `${left} more changed line${left === 1 ? '' : 's'} do not fit here: open each version to read it in full.`, color: 'Default' }] });
  return fitted;
}

/** What changed between two versions, section by section; unchanged sections say so. */
export function compareCard(group: GroupId, template: TemplateId, from: VersionInfo, to: VersionInfo, parts: { title: string; lines: DiffLine[] }[], timeZone: string): Card {
  const changed = parts.filter((p) => p.lines.some((l) => l.change !== 'same'));
  return renderCard(compareTemplate, {
    heading: `${GROUP_INFO[group].name} ${TEMPLATE_NAMES[template]}: version ${from.version} to ${to.version}`,
    summary: `Version ${from.version} by ${escapeMarkdown(from.author.name)} (${formatLocal(from.savedAt, timeZone)}); version ${to.version} by ${escapeMarkdown(to.author.name)} (${formatLocal(to.savedAt, timeZone)}). ${changed.length ? `${changed.length} of ${parts.length} part${parts.length === 1 ? '' : 's'} changed.` : 'No changes.'}`,
    parts: fitDiff(changed),
    group,
    template,
    verbs,
  });
}

function daysLeftWords(context: DeadlineContext): { text: string; color: string } {
  const left = daysBetween(localDate(context.now, context.timeZone), context.deadlineDate);
  const deadline = formatLocal(new Date(context.deadline.getTime() - 1).toISOString(), context.timeZone).replace(/,.*$/, '');
  if (context.now.getTime() >= context.deadline.getTime()) return { text: `Deadline ${deadline} has passed (${-left} day${left === -1 ? '' : 's'} ago).`, color: 'Attention' };
  return { text: left === 0 ? `Deadline: end of today (${deadline}).` : `Deadline: end of ${deadline}, ${left} day${left === 1 ? '' : 's'} left.`, color: left <= 3 ? 'Attention' : 'Default' };
}

const statusColor = (status: TemplateRecord['status'], late: boolean) => (late ? 'Attention' : status === 'accepted' ? 'Good' : status === 'returned' ? 'Warning' : 'Default');

/** The coordinator's dashboard: seven groups by two templates, with actions. */
export function dashboardCard(records: TemplateRecord[], context: DeadlineContext, options: { notice?: Notice; selected?: string } = {}): Card {
  const find = (g: GroupId, t: TemplateId) => records.find((r) => r.group === g && r.template === t)!;
  const cell = (r: TemplateRecord) => {
    const { label, late } = statusLabel(r.status, context.now, context.deadline);
    const shown = r.status === 'submitted' || r.status === 'accepted' || r.status === 'returned' ? r.submittedVersion : r.latestVersion;
    return { text: `${label}${shown ? ` (v${shown})` : ''}`, color: statusColor(r.status, late) };
  };
  const rows = GROUP_IDS.map((g) => {
    const [s, p] = [find(g, 'strategy'), find(g, 'pathway')];
    const last = [s, p].filter((r) => r.lastChangeAt).sort((a, b) => b.lastChangeAt!.localeCompare(a.lastChangeAt!))[0];
    const submitters = [s, p].filter((r) => r.submittedBy).map((r) => `${TEMPLATE_NAMES[r.template]}: ${escapeMarkdown(r.submittedBy!.name)}`);
    return {
      group: GROUP_INFO[g].name,
      strategy: cell(s).text,
      strategyColor: cell(s).color,
      pathway: cell(p).text,
      pathwayColor: cell(p).color,
      lastChange: last ? `${formatLocal(last.lastChangeAt!, context.timeZone)} (${escapeMarkdown(last.lastChangeBy?.name ?? '')})` : 'None yet',
      submittedBy: submitters.join('; ') || 'Not yet',
    };
  });
  const count = (pred: (r: TemplateRecord) => boolean) => records.filter(pred).length;
  const days = daysLeftWords(context);
  // The choice carries the revision the coordinator is looking at, so Accept and Return act on what was shown.
  const items = GROUP_IDS.flatMap((g) => TEMPLATE_IDS.map((t) => ({ title: `${GROUP_INFO[g].name}: ${TEMPLATE_NAMES[t]} (${cell(find(g, t)).text})`, value: `${g}|${t}|${find(g, t).revision}` })));
  return renderCard(dashboardTemplate, {
    heading: 'Modern Slavery Protocol: groups at a glance',
    deadlineLine: days.text,
    deadlineColor: days.color,
    summary: `${count((r) => r.status === 'accepted')} accepted, ${count((r) => r.status === 'submitted')} waiting for review, ${count((r) => r.status === 'returned')} returned, ${count((r) => r.status === 'drafting')} drafting, ${count((r) => r.status === 'notStarted')} not started (of ${records.length}).`,
    rows,
    ...noticeView(options.notice),
    selected: items.find((i) => options.selected && i.value.startsWith(`${options.selected}|`))?.value ?? '',
    items,
    verbs: { view: VERBS.viewSubmission, accept: VERBS.accept, return: VERBS.returnTemplate, remind: VERBS.remind },
  });
}

/** One group's own status, for its members in its channel. */
export function groupStatusCard(group: GroupId, records: TemplateRecord[], context: DeadlineContext): Card {
  const days = daysLeftWords(context);
  return renderCard(groupStatusTemplate, {
    heading: `${GROUP_INFO[group].name}: where the templates stand`,
    deadlineLine: days.text,
    deadlineColor: days.color,
    group,
    templates: records.map((r) => {
      const { label, late } = statusLabel(r.status, context.now, context.deadline);
      return {
        name: TEMPLATE_NAMES[r.template],
        status: label,
        color: statusColor(r.status, late),
        latest: r.latestVersion ? `Version ${r.latestVersion}` : 'None yet',
        lastChange: r.lastChangeAt ? `${formatLocal(r.lastChangeAt, context.timeZone)} by ${escapeMarkdown(r.lastChangeBy?.name ?? '')}` : 'None yet',
        submitted: r.submittedVersion ? `Version ${r.submittedVersion} by ${escapeMarkdown(r.submittedBy?.name ?? '')}` : 'Not yet',
        review: r.status === 'returned' ? `Returned: ${escapeMarkdown(r.comment ?? '')}` : r.status === 'accepted' ? `Accepted by ${escapeMarkdown(r.reviewedBy?.name ?? '')}` : 'Not reviewed yet',
      };
    }),
    verbs,
  });
}

/** A submitted version, read-only, with accept and return for the coordinator. */
export function submissionCard(record: TemplateRecord, info: VersionInfo, content: DraftContent, canReview: boolean, timeZone: string, notice?: Notice): Card {
  const parts =
    content.template === 'strategy'
      ? STRATEGY_SECTIONS.map((s, i) => ({ title: `${i + 1}. ${s.title}`, text: escapeMarkdown(content.sections[s.id] || '(not written)') }))
      : [{ title: 'Flowcharts', text: escapeMarkdown(content.text) }];
  return renderCard(submissionTemplate, {
    heading: `${GROUP_INFO[record.group].name} ${TEMPLATE_NAMES[record.template]}: version ${info.version}`,
    statusLine: `Submitted by ${escapeMarkdown(record.submittedBy?.name ?? '')} on ${formatLocal(record.submittedAt ?? info.savedAt, timeZone)}; saved by ${escapeMarkdown(info.author.name)}. Status: ${statusLabelPlain(record)}.`,
    ...noticeView(notice),
    parts,
    canReview,
    item: `${record.group}|${record.template}`,
    revision: record.revision,
    verbs: { accept: VERBS.accept, return: VERBS.returnTemplate, dashboard: VERBS.dashboard },
  });
}
