import type { Deadline } from '../domain/deadline.js';
import { GROUP_IDS, GROUP_INFO, type GroupId } from '../domain/groups.js';
import { statusLabel, type Dashboard, type ProtocolState, type SubmissionView, type TemplateRecord } from '../domain/submission.js';
import { STRATEGY_SECTIONS, TEMPLATE_IDS, TEMPLATE_NAMES, type TemplateId } from '../domain/templates.js';
import { statusWords } from './draftCards.js';
import { formatLocal, noticeView, plural, type Notice } from './format.js';
import { escapeMarkdown } from './markdown.js';
import { cardTemplate, renderCard, type Card } from './renderCard.js';
import dashboardJson from './templates/dashboard.json';
import groupStatusJson from './templates/groupStatus.json';
import submissionJson from './templates/submission.json';
import { VERBS, type Verb } from './verbs.js';

type NoticeView = ReturnType<typeof noticeView>;

/** The moment a status card is shown, and the deadline it counts towards. */
export interface StatusContext {
  now: Date;
  deadline: Deadline;
}

function daysLeftLine({ now, deadline }: StatusContext): { deadlineLine: string; deadlineColor: string } {
  const left = deadline.daysLeft(now);
  const day = formatLocal(new Date(deadline.instant.getTime() - 1).toISOString(), deadline.timeZone).replace(/,.*$/, '');
  if (deadline.hasPassed(now)) return { deadlineLine: `Deadline ${day} has passed (${plural(-left, 'day')} ago).`, deadlineColor: 'Attention' };
  return {
    deadlineLine: left === 0 ? `Deadline: end of today (${day}).` : `Deadline: end of ${day}, ${plural(left, 'day')} left.`,
    deadlineColor: left <= 3 ? 'Attention' : 'Default',
  };
}

/**
 * How a status stands out. Never by colour alone (the words say it), and never in Teams' green or
 * amber, which fail WCAG AA contrast as text on white: late is Attention (Teams' red passes) and
 * bold; what waits on someone (submitted, returned) is bold; the rest is plain.
 */
function statusLook(status: TemplateRecord['status'], late: boolean): { color: 'Default' | 'Attention'; weight: 'Default' | 'Bolder' } {
  if (late) return { color: 'Attention', weight: 'Bolder' };
  return { color: 'Default', weight: status === 'submitted' || status === 'returned' ? 'Bolder' : 'Default' };
}

type Run = { text: string; color: string; weight: string };
const plainRun = (text: string): Run => ({ text, color: 'Default', weight: 'Default' });

interface DashboardView extends NoticeView {
  heading: string;
  deadlineLine: string;
  deadlineColor: string;
  summary: string;
  /** One block per group: its name, both templates' status on one line, and the last change. */
  rows: { group: string; cells: Run[]; lastChange: string }[];
  selected: string;
  items: { title: string; value: string }[];
  verbs: Record<'view' | 'confirm' | 'remind', Verb>;
}
const dashboardTemplate = cardTemplate<DashboardView>(dashboardJson);

/** The coordinator's dashboard: seven groups by two templates, with actions. */
export function dashboardCard({ records, protocol }: Dashboard, context: StatusContext & { notice?: Notice; selected?: string }): Card {
  const find = (g: GroupId, t: TemplateId) => records.find((r) => r.group === g && r.template === t)!;
  const cell = (r: TemplateRecord) => {
    const { label, late } = statusLabel(r.status, context.now, context.deadline.instant);
    const shown = r.status === 'submitted' || r.status === 'accepted' || r.status === 'returned' ? r.submittedVersion : r.latestVersion;
    return { text: `${label}${shown ? ` (v${shown})` : ''}`, ...statusLook(r.status, late) };
  };
  const timeZone = context.deadline.timeZone;
  // A list, not a table: in a chat about 450-600 px wide, five columns broke words ("Submitte d by").
  const rows = GROUP_IDS.map((g) => {
    const [s, p] = [find(g, 'strategy'), find(g, 'pathway')];
    const last = [s, p].filter((r) => r.lastChangeAt).sort((a, b) => b.lastChangeAt!.localeCompare(a.lastChangeAt!))[0];
    const submitted = [s, p]
      .filter((r) => r.submittedBy)
      .map((r) => ` ${TEMPLATE_NAMES[r.template]} submitted by ${escapeMarkdown(r.submittedBy!.name)}.`)
      .join('');
    return {
      group: GROUP_INFO[g].name,
      cells: [plainRun('Strategy: '), cell(s), plainRun(' · Pathway: '), cell(p)],
      lastChange: last
        ? `Last change ${formatLocal(last.lastChangeAt!, timeZone)} by ${escapeMarkdown(last.lastChangeBy?.name ?? '')}.${submitted}`
        : `No changes yet.${submitted}`,
    };
  });
  const count = (pred: (r: TemplateRecord) => boolean) => records.filter(pred).length;
  // The choice carries the revision the coordinator is looking at, so Accept and Return act on what was
  // shown, and the submitted version, so their confirmation can name it.
  const items = GROUP_IDS.flatMap((g) =>
    TEMPLATE_IDS.map((t) => {
      const r = find(g, t);
      return {
        title: `${GROUP_INFO[g].name}: ${TEMPLATE_NAMES[t]} (${cell(r).text})`,
        value: [g, t, r.revision, ...(r.submittedVersion ? [r.submittedVersion] : [])].join('|'),
      };
    }),
  );
  return renderCard(dashboardTemplate, {
    heading: 'Modern Slavery Protocol: groups at a glance',
    ...daysLeftLine(context),
    summary: `${count((r) => r.status === 'accepted')} accepted, ${count((r) => r.status === 'submitted')} waiting for review, ${count((r) => r.status === 'returned')} returned, ${count((r) => r.status === 'drafting')} drafting, ${count((r) => r.status === 'notStarted')} not started (of ${records.length}). ${collationLine(protocol)}`,
    rows,
    ...noticeView(context.notice),
    selected: items.find((i) => context.selected && i.value.startsWith(`${context.selected}|`))?.value ?? '',
    items,
    // Accept and Return ask first (confirmReview); the confirmation's Confirm sends the decision itself.
    verbs: { view: VERBS.viewSubmission, confirm: VERBS.confirmReview, remind: VERBS.remind },
  });
}

/** Where the city-wide protocol stands, in words: not collated yet, collated, or needing it again. */
function collationLine(protocol: ProtocolState): string {
  if (!protocol.currentVersion) return 'The protocol has not been collated yet: type "collate" when the groups are ready.';
  if (protocol.needsRecollation) return `Needs collating again: a group resubmitted after protocol version ${protocol.currentVersion} (type "collate").`;
  return `Protocol version ${protocol.currentVersion} is collated and up to date; status: ${protocol.status} (type "approvals").`;
}

interface GroupStatusView {
  heading: string;
  deadlineLine: string;
  deadlineColor: string;
  group: GroupId;
  templates: { name: string; status: string; color: string; latest: string; lastChange: string; submitted: string; review: string }[];
  verbs: { open: Verb };
}
const groupStatusTemplate = cardTemplate<GroupStatusView>(groupStatusJson);

/** One group's own status, for its members in its channel. */
export function groupStatusCard(group: GroupId, records: TemplateRecord[], context: StatusContext): Card {
  const timeZone = context.deadline.timeZone;
  return renderCard(groupStatusTemplate, {
    heading: `${GROUP_INFO[group].name}: where the templates stand`,
    ...daysLeftLine(context),
    group,
    templates: records.map((r) => {
      const { label, late } = statusLabel(r.status, context.now, context.deadline.instant);
      return {
        name: TEMPLATE_NAMES[r.template],
        status: label,
        color: statusLook(r.status, late).color,
        latest: r.latestVersion ? `Version ${r.latestVersion}` : 'None yet',
        lastChange: r.lastChangeAt ? `${formatLocal(r.lastChangeAt, timeZone)} by ${escapeMarkdown(r.lastChangeBy?.name ?? '')}` : 'None yet',
        submitted: r.submittedVersion ? `Version ${r.submittedVersion} by ${escapeMarkdown(r.submittedBy?.name ?? '')}` : 'Not yet',
        review:
          r.status === 'returned'
            ? `Returned: ${escapeMarkdown(r.comment ?? '')}`
            : r.status === 'accepted'
              ? `Accepted by ${escapeMarkdown(r.reviewedBy?.name ?? '')}`
              : 'Not reviewed yet',
      };
    }),
    verbs: { open: VERBS.openDraft },
  });
}

interface SubmissionCardView extends NoticeView {
  heading: string;
  statusLine: string;
  parts: { title: string; text: string }[];
  canReview: boolean;
  item: string;
  revision: number;
  version: number;
  verbs: Record<'confirm' | 'dashboard', Verb>;
}
const submissionTemplate = cardTemplate<SubmissionCardView>(submissionJson);

/** A submitted version, read-only, with accept and return for the coordinator. */
export function submissionCard({ record, info, content, canReview }: SubmissionView, options: { timeZone: string; notice?: Notice }): Card {
  const parts =
    content.template === 'strategy'
      ? STRATEGY_SECTIONS.map((s, i) => ({ title: `${i + 1}. ${s.title}`, text: escapeMarkdown(content.sections[s.id] || '(not written)') }))
      : [{ title: 'Flowcharts', text: escapeMarkdown(content.text) }];
  return renderCard(submissionTemplate, {
    heading: `${GROUP_INFO[record.group].name} ${TEMPLATE_NAMES[record.template]}: version ${info.version}`,
    statusLine: `Submitted by ${escapeMarkdown(record.submittedBy?.name ?? '')} on ${formatLocal(record.submittedAt ?? info.savedAt, options.timeZone)}; saved by ${escapeMarkdown(info.author.name)}. Status: ${statusWords(record)}.`,
    ...noticeView(options.notice),
    parts,
    canReview,
    item: `${record.group}|${record.template}`,
    revision: record.revision,
    version: info.version,
    // Accept and Return ask first (confirmReview); the confirmation's Confirm sends the decision itself.
    verbs: { confirm: VERBS.confirmReview, dashboard: VERBS.dashboard },
  });
}
