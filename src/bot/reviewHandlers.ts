import type { Application, TurnState } from '@microsoft/teams-ai';
import { confirmReviewCard } from '../cards/confirmCards.js';
import type { Notice } from '../cards/format.js';
import { refusalCard } from '../cards/messageCard.js';
import { dashboardCard, submissionCard } from '../cards/statusCards.js';
import { VERBS } from '../cards/verbs.js';
import { GROUP_INFO } from '../domain/groups.js';
import { TEMPLATE_NAMES } from '../domain/templates.js';
import type { Card } from '../cards/renderCard.js';
import type { Actor } from '../services/results.js';
import type { SubmissionService } from '../services/submissionService.js';
import type { CardData } from './cardActions.js';
import { onItemAction, pleaseCheck, refuseCard, type CardRefusals, type ItemTarget, type ProtocolClock } from './templateActions.js';

export interface ReviewHandlerDeps {
  submissions: SubmissionService;
  clock: ProtocolClock;
  refusals: CardRefusals;
}

/** The coordinator reads a submission and accepts it or returns it with a comment. */
export function registerReviewHandlers(app: Application<TurnState>, deps: ReviewHandlerDeps): void {
  const { submissions, clock, refusals } = deps;
  const timeZone = clock.deadline.timeZone;
  const status = () => ({ now: clock.now(), deadline: clock.deadline });

  onItemAction(app, refusals, VERBS.viewSubmission, async (actor, { group, template }) => {
    const result = await submissions.submission(actor, group, template);
    if (result.kind === 'refused') return refusalCard(result.reason);
    if (result.kind === 'missing')
      return result.dashboard
        ? dashboardCard(result.dashboard, { ...status(), notice: { text: result.reason, tone: 'attention' }, selected: `${group}|${template}` })
        : pleaseCheck(result.reason);
    return submissionCard(result.submission, { timeZone });
  });

  const decide = async (actor: Actor, { group, template, shownRevision }: ItemTarget, decision: 'accept' | 'return', data: CardData): Promise<Card> => {
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
  };

  // Accept and Return ask first: showing the question changes nothing, and its Confirm sends the
  // decision with the same item, revision and comment, so the stale checks still see what was shown.
  onItemAction(app, refusals, VERBS.confirmReview, async (actor, target, data) => {
    const decision = data.decision === 'accept' || data.decision === 'return' ? data.decision : undefined;
    // The decision is the button's own data, never typed: anything else is a changed card.
    if (!decision) return refuseCard(refusals, actor, VERBS.confirmReview, 'This card is not valid any more: type "status" again.');
    const comment = typeof data.comment === 'string' ? data.comment : '';
    // A return without a comment is refused by the review itself (and nothing changes), so there is nothing to ask.
    if (decision === 'return' && !comment.trim()) return decide(actor, target, decision, data);
    const version = [data.version, target.shownVersion]
      .map((v) => (typeof v === 'string' || typeof v === 'number' ? String(v) : ''))
      .find((v) => /^\d{1,9}$/.test(v));
    return confirmReviewCard({
      group: target.group,
      template: target.template,
      decision,
      version,
      sent: {
        item: String(data.item),
        ...(data.revision !== undefined ? { revision: data.revision } : {}),
        ...(data.from === 'dashboard' ? { from: 'dashboard' } : {}),
        ...(decision === 'return' ? { comment } : {}),
      },
    });
  });

  onItemAction(app, refusals, VERBS.accept, (actor, target, data) => decide(actor, target, 'accept', data));
  onItemAction(app, refusals, VERBS.returnTemplate, (actor, target, data) => decide(actor, target, 'return', data));
}
