import type { Application, TurnState } from '@microsoft/teams-ai';
import { confirmSubmitCard } from '../cards/confirmCards.js';
import { draftCard, pickGroupCard, refusedDraftCard } from '../cards/draftCards.js';
import { compareCard, historyCard } from '../cards/versionCards.js';
import type { Notice } from '../cards/format.js';
import { refusalCard } from '../cards/messageCard.js';
import type { Card } from '../cards/renderCard.js';
import { VERBS } from '../cards/verbs.js';
import { GROUP_INFO } from '../domain/groups.js';
import { pathwayDiagrams } from '../reports/pathwayDiagrams.js';
import type { VersionHistory } from '../domain/submission.js';
import { TEMPLATE_NAMES, type TemplateId } from '../domain/templates.js';
import type { DraftingService } from '../services/draftingService.js';
import type { SubmissionService } from '../services/submissionService.js';
import type { Actor } from '../services/results.js';
import { onCommand } from './cardActions.js';
import { COMMANDS } from './commands.js';
import { onTemplateAction, type CardRefusals, type ProtocolClock, type TemplateTarget } from './templateActions.js';
import { channelKeyOf } from './turn.js';

export interface DraftingHandlerDeps {
  drafting: DraftingService;
  submissions: SubmissionService;
  clock: ProtocolClock;
  refusals: CardRefusals;
}

export const DRAFT_COMMAND = COMMANDS.draft;

/** Group members write their templates: open, save, versions, compare; group leads submit. */
export function registerDraftingHandlers(app: Application<TurnState>, deps: DraftingHandlerDeps): void {
  const { drafting, submissions, clock, refusals } = deps;
  const timeZone = clock.deadline.timeZone;
  const versions = (history: VersionHistory, notice?: Notice) =>
    historyCard(history, { now: clock.now(), deadline: clock.deadline.instant, timeZone, ...(notice ? { notice } : {}) });

  onCommand(app, DRAFT_COMMAND, async (actor, context, match) => {
    const template = match[1] as TemplateId;
    const opened = await drafting.openFor(actor, template, channelKeyOf(context));
    if (opened.kind === 'refused') return refusalCard(opened.reason);
    return opened.kind === 'pickGroup'
      ? pickGroupCard(opened.template, opened.groups)
      : draftCard(opened.draft, { timeZone, diagrams: await pathwayDiagrams(opened.draft) });
  });

  onTemplateAction(app, refusals, VERBS.openDraft, async (actor, { group, template }) => {
    const opened = await drafting.openDraft(actor, group, template);
    return opened.kind === 'refused' ? refusalCard(opened.reason) : draftCard(opened.draft, { timeZone, diagrams: await pathwayDiagrams(opened.draft) });
  });

  onTemplateAction(app, refusals, VERBS.saveDraft, async (actor, { group, template }, data) => {
    const result = await drafting.saveDraft(actor, group, template, data, data.baseVersion);
    if (result.kind === 'refused') return refusalCard(result.reason);
    if (result.kind === 'invalid')
      return refusedDraftCard(result.draft, { timeZone, values: data, errors: result.errors, pathwayErrors: result.pathwayErrors });
    const notice: Notice = { text: result.note ?? `Saved as version ${result.draft.record.latestVersion}.`, tone: result.note ? 'attention' : 'good' };
    return draftCard(result.draft, { timeZone, notice, diagrams: await pathwayDiagrams(result.draft) });
  });

  onTemplateAction(app, refusals, VERBS.history, async (actor, { group, template }) => {
    const result = await drafting.history(actor, group, template);
    return result.kind === 'refused' ? refusalCard(result.reason) : versions(result.history);
  });

  onTemplateAction(app, refusals, VERBS.compare, async (actor, { group, template }, data) => {
    const result = await drafting.compare(actor, group, template, data.from, data.to);
    if (result.kind === 'refused') return refusalCard(result.reason);
    if (result.kind === 'invalid') return versions(result.history, { text: result.reason, tone: 'attention' });
    return compareCard(result.comparison, timeZone);
  });

  const submit = async (actor: Actor, { group, template }: TemplateTarget, version: unknown, revision: unknown): Promise<Card> => {
    const result = await submissions.submit(actor, group, template, version, revision);
    if (result.kind === 'refused') return refusalCard(result.reason);
    const { outcome } = result;
    const notice: Notice =
      outcome.kind === 'ok'
        ? {
            text: `Version ${outcome.record.submittedVersion} submitted as the ${GROUP_INFO[group].name} ${TEMPLATE_NAMES[template]}. The coordinator has been told.`,
            tone: 'good',
          }
        : { text: outcome.reason, tone: 'attention' };
    return versions(result.history, notice);
  };

  // Submit asks first: showing the question changes nothing, and its Confirm sends the submit with the same version.
  onTemplateAction(app, refusals, VERBS.confirmSubmit, async (actor, target, data) => {
    const version = typeof data.version === 'string' || typeof data.version === 'number' ? String(data.version) : '';
    // No version chosen: the submit's own answer says so (and changes nothing), so there is nothing to ask.
    const revision = typeof data.revision === 'string' || typeof data.revision === 'number' ? String(data.revision) : '';
    return /^\d{1,9}$/.test(version) ? confirmSubmitCard({ ...target, version, revision }) : submit(actor, target, data.version, data.revision);
  });

  onTemplateAction(app, refusals, VERBS.submitTemplate, (actor, target, data) => submit(actor, target, data.version, data.revision));
}
