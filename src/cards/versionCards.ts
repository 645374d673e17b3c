import type { DiffLine } from '../domain/diff.js';
import { GROUP_INFO, type GroupId } from '../domain/groups.js';
import { statusLabel, type VersionComparison, type VersionHistory, type VersionInfo } from '../domain/submission.js';
import { TEMPLATE_NAMES, type TemplateId } from '../domain/templates.js';
import { verbs, type DraftVerbs } from './draftCards.js';
import { formatLocal, noticeView, plural, type Notice } from './format.js';
import { escapeMarkdown } from './markdown.js';
import { cardTemplate, renderCard, type Card } from './renderCard.js';
import compareJson from './templates/compare.json';
import historyJson from './templates/history.json';

type NoticeView = ReturnType<typeof noticeView>;

const SHOWN_VERSIONS = 30;

/** The newest versions, plus the submitted one even when it is older. */
function shownVersions(versions: VersionInfo[], submitted: number | undefined): VersionInfo[] {
  const newest = versions.slice(0, SHOWN_VERSIONS);
  const older = versions.find((v) => v.version === submitted && !newest.includes(v));
  return older ? [...newest, older] : newest;
}

interface HistoryView extends NoticeView {
  heading: string;
  statusLine: string;
  versions: { label: string; value: string; author: string; savedAt: string; characters: string }[];
  compareFrom: string;
  compareTo: string;
  canSubmit: boolean;
  /** The template's revision the lead saw: a submit confirmed from an older card is refused. */
  revision: number;
  group: GroupId;
  template: TemplateId;
  templateName: string;
  verbs: DraftVerbs;
}
const historyTemplate = cardTemplate<HistoryView>(historyJson);

/** Every saved version, with compare and (for group leads) submit. */
export function historyCard({ record, versions, canSubmit }: VersionHistory, options: { now: Date; deadline: Date; timeZone: string; notice?: Notice }): Card {
  const { label } = statusLabel(record.status, options.now, options.deadline);
  const submitted = record.submittedVersion ? ` Version ${record.submittedVersion} was submitted by ${escapeMarkdown(record.submittedBy?.name ?? '')}.` : '';
  const returned = record.status === 'returned' && record.comment ? ` Returned with: "${escapeMarkdown(record.comment)}"` : '';
  return renderCard(historyTemplate, {
    heading: `${GROUP_INFO[record.group].name}: ${TEMPLATE_NAMES[record.template]} versions`,
    statusLine: `Status: ${label}.${submitted}${returned}${versions.length > SHOWN_VERSIONS ? ` Showing the newest ${SHOWN_VERSIONS} of ${versions.length} versions, and the submitted one.` : ''}`,
    ...noticeView(options.notice),
    versions: shownVersions(versions, record.submittedVersion).map((v) => ({
      label: `${v.version}${v.version === record.submittedVersion ? ' (submitted)' : ''}`,
      value: String(v.version),
      author: escapeMarkdown(v.author.name),
      savedAt: formatLocal(v.savedAt, options.timeZone),
      characters: v.characters.toLocaleString('en-GB'),
    })),
    compareFrom: String(versions[1]?.version ?? ''),
    compareTo: String(versions[0]?.version ?? ''),
    canSubmit: canSubmit && versions.length > 0,
    revision: record.revision,
    group: record.group,
    template: record.template,
    templateName: TEMPLATE_NAMES[record.template],
    verbs,
  });
}

/**
 * Each changed line says in words whether it was added or removed: colour alone is not seen by
 * everyone, and Teams' green text fails WCAG AA contrast on white (removed lines keep Teams' red,
 * which passes).
 */
const DIFF_MARK: Record<DiffLine['change'], { prefix: string; color: string }> = {
  same: { prefix: '', color: 'Default' },
  added: { prefix: 'Added: ', color: 'Default' },
  removed: { prefix: 'Removed: ', color: 'Attention' },
};

type DiffPartView = { title: string; lines: { text: string; color: string }[] };

/**
 * The changed lines, within a byte budget that keeps the card under Teams' limit; anything beyond
 * is counted, not dropped silently.
 */
function fitDiff(parts: VersionComparison['parts'], budget = 16_000): DiffPartView[] {
  let used = 0;
  let left = 0;
  const fitted = parts.map((p) => {
    const lines: DiffPartView['lines'] = [];
    for (const l of p.lines.filter((x) => x.change !== 'same' && x.text.trim() !== '')) {
      const text = `${DIFF_MARK[l.change].prefix}${escapeMarkdown(l.text)}`;
      used += Buffer.byteLength(text) + 60; // the TextBlock around it
      if (used > budget) left += 1;
      else lines.push({ text, color: DIFF_MARK[l.change].color });
    }
    return { title: p.title, lines };
  });
  if (left)
    fitted.push({
      title: 'More changes',
      lines: [{ text: `${plural(left, 'more changed line')} do not fit here: open each version to read it in full.`, color: 'Default' }],
    });
  return fitted;
}

interface CompareView {
  heading: string;
  summary: string;
  parts: DiffPartView[];
  group: GroupId;
  template: TemplateId;
  verbs: DraftVerbs;
}
const compareTemplate = cardTemplate<CompareView>(compareJson);

/** What changed between two versions, section by section; unchanged sections say so. */
export function compareCard({ record, from, to, parts }: VersionComparison, timeZone: string): Card {
  const changed = parts.filter((p) => p.lines.some((l) => l.change !== 'same'));
  return renderCard(compareTemplate, {
    heading: `${GROUP_INFO[record.group].name} ${TEMPLATE_NAMES[record.template]}: version ${from.version} to ${to.version}`,
    summary: `Version ${from.version} by ${escapeMarkdown(from.author.name)} (${formatLocal(from.savedAt, timeZone)}); version ${to.version} by ${escapeMarkdown(to.author.name)} (${formatLocal(to.savedAt, timeZone)}). ${changed.length ? `${changed.length} of ${plural(parts.length, 'part')} changed.` : 'No changes.'}`,
    parts: fitDiff(changed),
    group: record.group,
    template: record.template,
    verbs,
  });
}
