import type { Application, TurnState } from '@microsoft/teams-ai';
import type { Notice } from '../cards/format.js';
import { refusalCard } from '../cards/messageCard.js';
import { dashboardCard, groupStatusCard } from '../cards/statusCards.js';
import { VERBS } from '../cards/verbs.js';
import { escapeMarkdown } from '../cards/markdown.js';
import type { Reach, ReminderService } from '../services/reminderService.js';
import type { SubmissionService } from '../services/submissionService.js';
import { onCardAction, onCommand } from './cardActions.js';
import { COMMANDS } from './commands.js';
import { onItemAction, parseItem, type CardRefusals, type ProtocolClock } from './templateActions.js';
import { channelKeyOf } from './turn.js';

export interface StatusHandlerDeps {
  submissions: SubmissionService;
  reminders: ReminderService;
  clock: ProtocolClock;
  refusals: CardRefusals;
}

export const STATUS_COMMAND = COMMANDS.status;

/** "status": every group at a glance for a coordinator (with "remind now"), or a group's own status. */
export function registerStatusHandlers(app: Application<TurnState>, deps: StatusHandlerDeps): void {
  const { submissions, reminders, clock, refusals } = deps;
  const status = () => ({ now: clock.now(), deadline: clock.deadline });

  onCommand(app, STATUS_COMMAND, async (actor, context) => {
    const result = await submissions.statusFor(actor, channelKeyOf(context));
    if (result.kind === 'refused') return refusalCard(result.reason);
    return result.kind === 'dashboard' ? dashboardCard(result.dashboard, status()) : groupStatusCard(result.group, result.records, status());
  });

  onCardAction(app, VERBS.dashboard, async (actor, data) => {
    const result = await submissions.dashboard(actor);
    // Cancel on a confirmation comes back with the group and template it was about, still chosen.
    const shown = parseItem(data.item);
    return result.kind === 'refused'
      ? refusalCard(result.reason)
      : dashboardCard(result.dashboard, { ...status(), ...(shown ? { selected: `${shown.group}|${shown.template}` } : {}) });
  });

  onItemAction(app, refusals, VERBS.remind, async (actor, { group, template }) => {
    const result = await reminders.remindNow(actor, group, template);
    if (result.kind === 'refused') return refusalCard(result.reason);
    const { outcome } = result;
    const notice: Notice =
      outcome.kind === 'invalid'
        ? { text: outcome.reason, tone: 'attention' }
        : outcome.item.sent
          ? reminderNotice(outcome.reach)
          : { text: 'A reminder was already sent this minute.', tone: 'good' };
    return dashboardCard(result.dashboard, { ...status(), notice, selected: `${group}|${template}` });
  });
}

const and = (names: string[]) => names.join(' and ');

/** What "remind now" did, truthfully: who it is going to now, and who it waits for and why. */
function reminderNotice(reach: Reach[]): Notice {
  const now = reach.filter((r) => r.reachable).map((r) => escapeMarkdown(r.name));
  const waiting = reach
    .filter((r) => !r.reachable)
    .map((r) =>
      r.group
        ? `${r.name}, which is not linked yet (send "link ${r.group}" in the group's team channel)`
        : `${escapeMarkdown(r.name)}, who has not installed the app yet`,
    );
  const sent = now.length ? `Reminder sent to ${and(now)}.` : 'Nothing could be sent yet.';
  const held = waiting.length ? ` Waiting for ${and(waiting)}: it goes as soon as that is put right.` : '';
  return { text: `${sent}${held}`, tone: waiting.length ? 'attention' : 'good' };
}
