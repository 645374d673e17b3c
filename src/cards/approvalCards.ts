import {
  APPROVAL_DECISIONS,
  APPROVAL_LIMITS,
  DECISION_LABELS,
  STEP_NAMES,
  type ApprovalErrors,
  type ApprovalRecord,
  type ApprovalStep,
  type ApprovalsView,
} from '../domain/approvals.js';
import { formatLongDate } from '../domain/calendar.js';
import { COLLATION_STATUS_LABELS } from '../domain/collation.js';
import { formatLocal, noticeView, type Notice } from './format.js';
import { escapeMarkdown } from './markdown.js';
import { cardTemplate, renderCard, type Card } from './renderCard.js';
import approvalsJson from './templates/approvals.json';
import { VERBS } from './verbs.js';

interface FormView {
  show: boolean;
  heading: string;
  explain: string;
  hasDecision: boolean;
  decisions: { title: string; value: string }[];
  decision: string;
  dateLabel: string;
  date: string;
  today: string;
  commentsLabel: string;
  comments: string;
  errors: { decision: string; date: string; comments: string };
  button: string;
  data: { verb: string; version: string; step: string };
}

interface ApprovalsCardView {
  heading: string;
  statusLine: string;
  notice: string;
  noticeStyle: 'good' | 'attention';
  recordedHeading: string;
  approvals: { title: string; when: string; comments: string }[];
  closing: string;
  form: FormView;
}
const approvalsTemplate = cardTemplate<ApprovalsCardView>(approvalsJson);

/** What a refused form sent, shown again with each problem next to its input. */
export interface ApprovalForm {
  values: { decision: string; date: string; comments: string };
  errors: ApprovalErrors;
}

const FORM_WORDS: Record<ApprovalStep, { heading: string; explain: string; date: string; button: string }> = {
  panel: {
    heading: "Next: the Lived Experience Advisory Panel's decision",
    explain:
      "Record what the panel decided at its meeting. Approved, or approved with changes, moves the protocol on to the Council's approval; not approved keeps it where it is.",
    date: "Date of the panel's meeting",
    button: "Record the panel's decision",
  },
  council: {
    heading: "Next: the Council's decision",
    explain:
      'Record what the Council decided. Approved, or approved with changes, takes DRAFT off the documents; not approved keeps it awaiting Council approval.',
    date: "Date of the Council's meeting",
    button: "Record the Council's decision",
  },
  publish: {
    heading: 'Next: publication',
    explain: 'Once the Council-approved protocol is published, record the date it was published.',
    date: 'Date published',
    button: 'Mark as published',
  },
};

/** One recorded step as people read it: who decided what, when, who recorded it, and the comments (escaped). */
function recorded(a: ApprovalRecord, timeZone: string): ApprovalsCardView['approvals'][number] {
  const title = a.step === 'publish' ? 'Published' : `${STEP_NAMES[a.step]}: ${DECISION_LABELS[a.decision ?? 'approved']}`;
  const on = a.step === 'publish' ? `Published on ${formatLongDate(a.date, timeZone)}` : `Meeting on ${formatLongDate(a.date, timeZone)}`;
  return {
    title,
    when: `${on}. Recorded by ${escapeMarkdown(a.recordedBy.name)}, ${formatLocal(a.recordedAt, timeZone)}.`,
    comments: a.comments ? `Comments: ${escapeMarkdown(a.comments)}` : '',
  };
}

function formFor(view: ApprovalsView, form: ApprovalForm | undefined): FormView {
  const step = view.next ?? 'panel';
  const words = FORM_WORDS[step];
  return {
    show: view.next !== undefined,
    heading: `${words.heading} on version ${view.version}`,
    explain: words.explain,
    hasDecision: step !== 'publish',
    decisions: APPROVAL_DECISIONS.map((value) => ({ title: DECISION_LABELS[value], value })),
    decision: form?.values.decision ?? '',
    dateLabel: words.date,
    date: form?.values.date ?? '',
    today: view.today,
    commentsLabel: `Comments (optional, up to ${APPROVAL_LIMITS.comments.toLocaleString('en-GB')} characters)`,
    comments: form?.values.comments ?? '',
    errors: { decision: form?.errors.decision ?? '', date: form?.errors.date ?? '', comments: form?.errors.comments ?? '' },
    button: words.button,
    data: { verb: VERBS.recordApproval, version: String(view.version), step },
  };
}

/**
 * The protocol's approvals for the coordinator: the current version and its status, each step
 * recorded for it, and a form for the next step only (the step is the server's; the form carries
 * the version and step it shows, so a collation or another step meanwhile is caught).
 */
export function approvalsCard(view: ApprovalsView, options: { notice?: Notice; form?: ApprovalForm } = {}): Card {
  const collated = view.collatedAt ? `, collated ${formatLocal(view.collatedAt, view.timeZone)}` : '';
  const statusLine = view.version
    ? `Protocol version ${view.version}${collated}. Status: **${COLLATION_STATUS_LABELS[view.status]}**.`
    : 'The protocol has not been collated yet: type "collate" first. Approvals are recorded for a collated version.';
  const closing =
    view.status === 'published'
      ? `Version ${view.version} is published. Nothing more is recorded for it; a new collation starts the approvals again.`
      : view.version && !view.approvals.length
        ? `Nothing recorded yet for version ${view.version}.`
        : '';
  return renderCard(approvalsTemplate, {
    heading: 'Protocol approvals',
    statusLine,
    ...noticeView(options.notice),
    recordedHeading: view.approvals.length ? `Recorded for version ${view.version}` : '',
    approvals: view.approvals.map((a) => recorded(a, view.timeZone)),
    closing,
    form: formFor(view, options.form),
  });
}
