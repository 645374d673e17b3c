import type { Application, TurnState } from '@microsoft/teams-ai';
import { approvalsCard } from '../cards/approvalCards.js';
import { messageCard, refusalCard } from '../cards/messageCard.js';
import { VERBS } from '../cards/verbs.js';
import { STEP_NAMES, whatHappensNext, type ApprovalRecord } from '../domain/approvals.js';
import { formatLongDate } from '../domain/calendar.js';
import type { ApprovalService } from '../services/approvalService.js';
import { onCardAction, onCommand } from './cardActions.js';
import { COMMANDS } from './commands.js';
import { isPersonalChat } from './turn.js';

/** "Recorded: the Council approved version 2 with changes (meeting on Friday 9 July 2027). Next: ..." */
function recordedNotice(record: ApprovalRecord, timeZone: string): string {
  const on = formatLongDate(record.date, timeZone);
  const who = record.step === 'panel' ? 'the panel' : record.step === 'council' ? 'the Council' : '';
  const what =
    record.step === 'publish'
      ? `version ${record.protocolVersion} published on ${on}.`
      : record.decision === 'notApproved'
        ? `${who} did not approve version ${record.protocolVersion} (meeting on ${on}).`
        : `${who} approved version ${record.protocolVersion}${record.decision === 'approvedWithChanges' ? ' with changes' : ''} (meeting on ${on}).`;
  return `Recorded: ${what} ${whatHappensNext(record)}`;
}

/**
 * "approvals": the coordinator sees where the protocol stands and records the next step (the
 * Lived Experience Advisory Panel, the Council, publication) from the card, in personal chat.
 */
export function registerApprovalHandlers(app: Application<TurnState>, approvals: ApprovalService): void {
  onCommand(app, COMMANDS.approvals, async (actor, context) => {
    if (!isPersonalChat(context))
      return messageCard(
        'Please use a personal chat',
        `Type "approvals" in a personal chat with me to see and record ${STEP_NAMES.panel} and Council approvals.`,
      );
    const result = await approvals.overview(actor);
    return result.kind === 'refused' ? refusalCard(result.reason) : approvalsCard(result.view);
  });

  onCardAction(app, VERBS.recordApproval, async (actor, data) => {
    const result = await approvals.record(actor, data);
    if (result.kind === 'refused') return refusalCard(result.reason);
    const { view } = result;
    if (result.kind === 'recorded') return approvalsCard(view, { notice: { text: recordedNotice(result.record, view.timeZone), tone: 'good' } });
    const notice = { text: result.reason, tone: 'attention' as const };
    return approvalsCard(view, result.kind === 'invalid' ? { notice, form: { values: result.values, errors: result.errors } } : { notice });
  });
}
