import type { Application, TurnState } from '@microsoft/teams-ai';
import type { Notice } from '../cards/format.js';
import { refusalCard } from '../cards/messageCard.js';
import { dashboardCard, submissionCard } from '../cards/statusCards.js';
import { VERBS } from '../cards/verbs.js';
import { GROUP_INFO } from '../domain/groups.js';
import { TEMPLATE_NAMES } from '../domain/templates.js';
import type { SubmissionService } from '../services/submissionService.js';
import { onItemAction, pleaseCheck, type ProtocolClock } from './templateActions.js';

export interface ReviewHandlerDeps {
  submissions: SubmissionService;
  clock: ProtocolClock;
}

/** The coordinator reads a submission and accepts it or returns it with a comment. */
export function registerReviewHandlers(app: Application<TurnState>, deps: ReviewHandlerDeps): void {
  const { submissions, clock } = deps;
  const timeZone = clock.deadline.timeZone;
  const status = () => ({ now: clock.now(), deadline: clock.deadline });

  onItemAction(app, VERBS.viewSubmission, async (actor, { group, template }) => {
    const result = await submissions.submission(actor, group, template);
    if (result.kind === 'refused') return refusalCard(result.reason);
    if (result.kind === 'missing')
      return result.dashboard
        ? dashboardCard(result.dashboard, { ...status(), notice: { text: result.reason, tone: 'attention' }, selected: `${group}|${template}` })
        : pleaseCheck(result.reason);
    return submissionCard(result.submission, { timeZone });
  });

  for (const [verb, decision] of [
    [VERBS.accept, 'accept'],
    [VERBS.returnTemplate, 'return'],
  ] as const) {
    onItemAction(app, verb, async (actor, { group, template, shownRevision }, data) => {
      const result = await submissions.review(actor, group, template, decision, {
        comment: data.comment,
        revision: data.revision ?? shownRevision,
        from: data.from,
      });
      if (result.kind === 'refused') return refusalCard(result.reason);
      const { outcome } = result;
      const notice: Notice =
        outcome.kind === 'ok'
          ? {
              text: `${decision === 'accept' ? 'Accepted' : 'Returned'}: ${GROUP_INFO[group].name} ${TEMPLATE_NAMES[template]}, version ${outcome.record.submittedVersion}. The group's lead has been told.`,
              tone: 'good',
            }
          : { text: outcome.reason, tone: 'attention' };
      return 'submission' in result
        ? submissionCard(result.submission, { timeZone, notice })
        : dashboardCard(result.dashboard, { ...status(), notice, selected: `${group}|${template}` });
    });
  }
}
