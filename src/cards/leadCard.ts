import { ACTIONS_TAKEN, AGE_BANDS, CONSENT, EXPLOITATION_TYPES, INDICATORS, LEAD_ACTIONS, OUTCOMES } from '../domain/concern.js';
import type { ConcernEvent, ConcernRecord } from '../domain/concernRecord.js';
import { GROUP_IDS, GROUP_INFO } from '../domain/groups.js';
import { LEAD_LIMITS, NOT_DONE, type CommandField, type CommandForm } from '../domain/leadCommands.js';
import { allowedCommands, STATUS_LABELS } from '../domain/status.js';
import { caseFacts, legalHoldLine } from './caseFacts.js';
import { choicesOf, formatLocal, labels } from './format.js';
import { escapeMarkdown } from './markdown.js';
import { cardTemplate, renderFitting, type Card } from './renderCard.js';
import leadCardJson from './templates/leadCard.json';
import { VERBS, type Verb } from './verbs.js';

type Choice = { title: string; value: string };

export interface LeadCardContext {
  timeZone: string;
  events: ConcernEvent[];
  /** Teams user ids (MRIs) whose client refreshes the card automatically; at most 60. */
  refreshUserIds: string[];
  notice?: string;
  /** A command that was not applied, shown on the card with what the Lead sent and each problem next to its input. */
  form?: CommandForm;
  /** A close waiting for the Lead to confirm it (the form holds the outcome and note). */
  confirm?: CommandForm;
}

const FORM_FIELDS: CommandField[] = ['action', 'nrmReference', 'actionNote', 'group', 'rerouteNote', 'outcome', 'closeNote'];

interface LeadCardView {
  concernId: string;
  revision: number;
  notice: string;
  urgent: boolean;
  reference: string;
  status: string;
  handledBy: string;
  group: string;
  raisedAt: string;
  reporterName: string;
  ageBand: string;
  treatedAsChild: string;
  exploitation: string;
  indicators: string;
  area: string;
  place: string;
  consent: string;
  actionsTaken: string;
  observed: string;
  guidance: { text: string }[];
  history: { at: string; what: string; by: string; note: string }[];
  historyMore: string;
  canAcknowledge: boolean;
  /** Which of the forms behind the card's buttons are offered (not while the same form is shown in the card). */
  show: Record<'record' | 'reroute' | 'close', boolean>;
  form: Record<'record' | 'reroute' | 'close' | 'canResend', boolean> & {
    values: Record<CommandField, string>;
    errors: Record<CommandField, string>;
    sent: string;
  };
  confirm: { show: boolean; question: string; note: string; outcome: string; closeNote: string };
  choices: Record<'actions' | 'groups' | 'outcomes', Choice[]>;
  limits: typeof LEAD_LIMITS;
  refreshUserIds: string[];
  verbs: Record<'refresh' | 'acknowledge' | 'recordAction' | 'reroute' | 'close', Verb>;
  /** Beside the workflow, at any status: the case details for figures, legal hold, the audit trail, the export. */
  records: { caseFacts: Choice[]; legalHold: string; verbs: Record<'caseDetails' | 'legalHold' | 'trail' | 'export', Verb> };
}
const leadCardTemplate = cardTemplate<LeadCardView>(leadCardJson);

/** How many history entries the card tries to show, newest last; fewer when long notes would make it too big for Teams. */
const HISTORY_SIZES = [12, 6, 3, 1, 0];

const FORM_OF = { recordAction: 'record', reroute: 'reroute', close: 'close' } as const;

/** "Enforcement (rerouted from Housing by Lee Lead on 3 Mar 2027, 10:02)": why the group is not the area's. */
function groupFact(concern: ConcernRecord, timeZone: string): string {
  const name = GROUP_INFO[concern.group].name;
  const { rerouted } = concern;
  if (!rerouted) return name;
  return `${name} (rerouted from ${GROUP_INFO[rerouted.from].name} by ${escapeMarkdown(rerouted.by.name)} on ${formatLocal(rerouted.at, timeZone)})`;
}

/** What was sent on a form that cannot be sent again, in words: "Not recorded: Police informed. Note: ..." */
function sentSummary(form: CommandForm): string {
  const v = form.values;
  const label = <T extends string>(value: string | undefined, names: Record<T, string>) => (value && value in names ? names[value as T] : 'nothing chosen');
  const what =
    form.command === 'recordAction'
      ? `${label(v.action, LEAD_ACTIONS)}${v.nrmReference ? ` (reference ${escapeMarkdown(v.nrmReference)})` : ''}`
      : form.command === 'reroute'
        ? `to ${label(v.group, Object.fromEntries(GROUP_IDS.map((id) => [id, GROUP_INFO[id].name])))}`
        : label(v.outcome, OUTCOMES);
  const note = v.actionNote ?? v.rerouteNote ?? v.closeNote;
  return `${NOT_DONE[form.command]}: ${what}.${note ? ` Note: ${escapeMarkdown(note)}` : ''}`;
}

function formView(form: CommandForm | undefined): LeadCardView['form'] {
  const shown = form ? FORM_OF[form.command] : undefined;
  return {
    record: shown === 'record',
    reroute: shown === 'reroute',
    close: shown === 'close',
    canResend: form?.canResend ?? false,
    values: Object.fromEntries(FORM_FIELDS.map((f) => [f, form?.values[f] ?? ''])) as Record<CommandField, string>,
    errors: Object.fromEntries(FORM_FIELDS.map((f) => [f, form?.errors[f] ?? ''])) as Record<CommandField, string>,
    sent: form ? sentSummary(form) : '',
  };
}

function confirmView(concern: ConcernRecord, confirm: CommandForm | undefined): LeadCardView['confirm'] {
  const outcome = confirm?.values.outcome ?? '';
  if (!confirm || !(outcome in OUTCOMES)) return { show: false, question: '', note: '', outcome: '', closeNote: '' };
  const closeNote = confirm.values.closeNote ?? '';
  return {
    show: true,
    question: `Close ${concern.reference} as ${OUTCOMES[outcome as keyof typeof OUTCOMES]}? This cannot be undone.`,
    note: escapeMarkdown(closeNote),
    outcome,
    closeNote,
  };
}

/**
 * The Modern Slavery Lead's full card: everything reported, the guidance, the history (with the
 * Leads' notes), the actions. A refused command comes back as its form in the card, filled in with
 * what was sent and each problem next to its input; a close asks to be confirmed.
 */
export function leadCard(concern: ConcernRecord, context: LeadCardContext): Card {
  const { intake } = concern;
  const allowed = allowedCommands(concern.status);
  const tz = context.timeZone;
  const canChange = allowed.includes('close');
  const form = formView(context.form);
  const confirm = confirmView(concern, context.confirm);
  const view = (historySize: number): LeadCardView => {
    const shown = historySize ? context.events.slice(-historySize) : [];
    const hidden = context.events.length - shown.length;
    return {
      concernId: concern.id,
      revision: concern.revision,
      notice: context.notice ? escapeMarkdown(context.notice) : '',
      urgent: concern.urgent,
      reference: concern.reference,
      status: concern.outcome ? `${STATUS_LABELS[concern.status]}: ${OUTCOMES[concern.outcome]}` : STATUS_LABELS[concern.status],
      handledBy: concern.handledBy ? escapeMarkdown(concern.handledBy.name) : 'Not yet acknowledged',
      group: groupFact(concern, tz),
      raisedAt: formatLocal(concern.createdAt, tz),
      reporterName: escapeMarkdown(concern.reporter.name),
      ageBand: AGE_BANDS[intake.ageBand],
      treatedAsChild: concern.treatedAsChild ? 'Yes' : 'No',
      exploitation: labels(intake.exploitation, EXPLOITATION_TYPES),
      indicators: labels(intake.indicators, INDICATORS),
      area: GROUP_INFO[intake.area].name,
      place: intake.place ? escapeMarkdown(intake.place) : 'Not given',
      consent: concern.treatedAsChild ? 'Not needed (child)' : intake.consent ? CONSENT[intake.consent] : 'Not given',
      actionsTaken: labels(intake.actionsTaken, ACTIONS_TAKEN),
      observed: escapeMarkdown(intake.observed),
      guidance: concern.guidance.map((text) => ({ text })),
      history: shown.map((e) => ({
        at: formatLocal(e.at, tz),
        what: escapeMarkdown(e.detail),
        by: escapeMarkdown(e.by.name),
        note: e.note ? escapeMarkdown(e.note) : '',
      })),
      historyMore: hidden > 0 ? `${hidden} earlier ${hidden === 1 ? 'entry is' : 'entries are'} not shown here.` : '',
      canAcknowledge: allowed.includes('acknowledge'),
      show: { record: canChange && !form.record, reroute: canChange && !form.reroute, close: canChange && !form.close && !confirm.show },
      form,
      confirm,
      choices: {
        actions: choicesOf(LEAD_ACTIONS),
        groups: GROUP_IDS.filter((id) => id !== concern.group).map((id) => ({ title: GROUP_INFO[id].name, value: id })),
        outcomes: choicesOf(OUTCOMES),
      },
      limits: LEAD_LIMITS,
      refreshUserIds: context.refreshUserIds.slice(0, 60),
      verbs: {
        refresh: VERBS.refreshConcern,
        acknowledge: VERBS.acknowledge,
        recordAction: VERBS.recordAction,
        reroute: VERBS.reroute,
        close: VERBS.close,
      },
      records: {
        caseFacts: caseFacts(concern.caseDetails),
        legalHold: legalHoldLine(concern, tz),
        verbs: { caseDetails: VERBS.openCaseDetails, legalHold: VERBS.openLegalHold, trail: VERBS.concernTrail, export: VERBS.exportConcern },
      },
    };
  };
  return renderFitting(leadCardTemplate, HISTORY_SIZES, view);
}
