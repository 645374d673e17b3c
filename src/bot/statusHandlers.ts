import type { Application, TurnState } from '@microsoft/teams-ai';
import type { Notice } from '../cards/format.js';
import { refusalCard } from '../cards/messageCard.js';
import { dashboardCard, groupStatusCard } from '../cards/statusCards.js';
import { VERBS } from '../cards/verbs.js';
import type { ReminderService } from '../services/reminderService.js';
import type { SubmissionService } from '../services/submissionService.js';
import { onCardAction, onCommand } from './cardActions.js';
import { onItemAction, type ProtocolClock } from './templateActions.js';
import { channelKeyOf } from './turn.js';

export interface StatusHandlerDeps {
  submissions: SubmissionService;
  reminders: ReminderService;
  clock: ProtocolClock;
}

export const STATUS_COMMAND = /^\s*(status|dashboard)\s*$/i;

/** "status": every group at a glance for a coordinator (with "remind now"), or a group's own status. */
export function registerStatusHandlers(app: Application<TurnState>, deps: StatusHandlerDeps): void {
  const { submissions, reminders, clock } = deps;
  const status = () => ({ now: clock.now(), deadline: clock.deadline });

  onCommand(app, STATUS_COMMAND, async (actor, context) => {
    const result = await submissions.statusFor(actor, channelKeyOf(context));
    if (result.kind === 'refused') return refusalCard(result.reason);
    return result.kind === 'dashboard' ? dashboardCard(result.records, status()) : groupStatusCard(result.group, result.records, status());
  });

  onCardAction(app, VERBS.dashboard, async (actor) => {
    const result = await submissions.dashboard(actor);
    return result.kind === 'refused' ? refusalCard(result.reason) : dashboardCard(result.records, status());
  });

  onItemAction(app, VERBS.remind, async (actor, { group, template }) => {
    const result = await reminders.remindNow(actor, group, template);
    if (result.kind === 'refused') return refusalCard(result.reason);
    const { outcome } = result;
    const notice: Notice =
      outcome.kind === 'ok'
        ? { text: outcome.item.sent ? `Reminder sent to ${outcome.item.recipients.join(' and ')}.` : 'A reminder was already sent this minute.', tone: 'good' }
        : { text: outcome.reason, tone: 'attention' };
    return dashboardCard(result.dashboard, { ...status(), notice, selected: `${group}|${template}` });
  });
}
