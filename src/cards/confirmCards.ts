import { GROUP_INFO, type GroupId } from '../domain/groups.js';
import { TEMPLATE_NAMES, type TemplateId } from '../domain/templates.js';
import { escapeMarkdown } from './markdown.js';
import { cardTemplate, renderCard, type Card } from './renderCard.js';
import confirmJson from './templates/confirm.json';
import { VERBS, type Verb } from './verbs.js';

/** A button of the confirmation: its verb, and the data it sends (which includes the verb). */
interface Press {
  verb: Verb;
  data: Record<string, unknown>;
}

interface ConfirmView {
  question: string;
  lines: { text: string }[];
  /** The coordinator's comment as it will be sent, or '' for none. */
  quote: string;
  confirm: Press;
  cancel: Press;
}
const confirmTemplate = cardTemplate<ConfirmView>(confirmJson);

const press = (verb: Verb, data: Record<string, unknown>): Press => ({ verb, data: { verb, ...data } });

/** "the Housing Strategy", "version 3 of the Housing Strategy". */
function naming(group: GroupId, template: TemplateId, version: string | undefined): string {
  const name = `the ${GROUP_INFO[group].name} ${TEMPLATE_NAMES[template]}`;
  return version ? `version ${version} of ${name}` : name;
}

/**
 * Before a group lead submits: what will happen, with Confirm (the submit itself, carrying the same
 * version) and Cancel (back to the versions). Showing it changes nothing.
 */
export function confirmSubmitCard({ group, template, version, revision }: { group: GroupId; template: TemplateId; version: string; revision: string }): Card {
  return renderCard(confirmTemplate, {
    question: `Submit ${naming(group, template, version)} to the coordinator?`,
    lines: [{ text: 'The coordinators are told, and accept it or return it with a comment. Your group can go on saving versions meanwhile.' }],
    quote: '',
    confirm: press(VERBS.submitTemplate, { group, template, version, revision }),
    cancel: press(VERBS.history, { group, template }),
  });
}

export interface ReviewToConfirm {
  group: GroupId;
  template: TemplateId;
  decision: 'accept' | 'return';
  /** The submitted version the coordinator saw, when the card said it. */
  version: string | undefined;
  /** What the clicked card sent, carried unchanged so the stale checks see what the coordinator saw. */
  sent: { item: string; revision?: unknown; from?: unknown; comment?: string };
}

/**
 * Before a coordinator accepts or returns a submission: what will happen, with Confirm (the
 * decision itself, carrying the same item, revision and comment) and Cancel (back to the card it
 * came from, the dashboard or the submission). Showing it changes nothing.
 */
export function confirmReviewCard({ group, template, decision, version, sent }: ReviewToConfirm): Card {
  const what = naming(group, template, version);
  const back = { item: `${group}|${template}` };
  return renderCard(confirmTemplate, {
    question: decision === 'accept' ? `Accept ${what}?` : `Return ${what} with your comment?`,
    lines: [
      {
        text:
          decision === 'accept'
            ? "The group's lead is told it is accepted."
            : "The group's lead is told it is returned, with your comment, and can submit a new version.",
      },
    ],
    quote: decision === 'return' ? escapeMarkdown((sent.comment ?? '').slice(0, 1000)) : '',
    confirm: press(decision === 'accept' ? VERBS.accept : VERBS.returnTemplate, sent),
    cancel: sent.from === 'dashboard' ? press(VERBS.dashboard, back) : press(VERBS.viewSubmission, back),
  });
}
