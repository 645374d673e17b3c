import { Application, type TeamsAdapter, type TurnState } from '@microsoft/teams-ai';
import { messageCard } from '../cards/concernCards.js';
import type { Clock } from '../domain/clock.js';
import type { Protocol } from '../domain/protocol.js';
import type { Logger } from '../logger.js';
import type { ConcernService } from '../services/concernService.js';
import type { ProtocolService } from '../services/protocolService.js';
import type { ReminderService } from '../services/reminderService.js';
import type { ActivityLedger } from '../storage/activityLedger.js';
import type { AuditLog } from '../storage/auditLog.js';
import type { ConversationStore, GroupChannelStore } from '../storage/conversationStore.js';
import { registerChannelHandlers } from './channelHandlers.js';
import { registerConcernHandlers } from './concernHandlers.js';
import { isRepeatDelivery, registerGuards } from './guards.js';
import { answerInvoke, isInvoke, sendCard } from './turn.js';
import { registerProtocolHandlers } from './protocolHandlers.js';
import { registerWelcomeHandlers } from './welcomeHandlers.js';

export interface BotDeps {
  adapter: TeamsAdapter;
  protocol: Protocol;
  concerns: ConcernService;
  protocolService: ProtocolService;
  reminders: ReminderService;
  conversations: ConversationStore;
  groupChannels: GroupChannelStore;
  ledger: ActivityLedger;
  audit: AuditLog;
  clock: Clock;
  logger: Logger;
  leadRefreshIds: () => Promise<string[]>;
  wake: (recipient: string) => Promise<void>;
}

/** The teams-ai Application with every feature's handlers; the catch-all handlers come last. */
export function createBot(deps: BotDeps): Application<TurnState> {
  const app = new Application<TurnState>({ adapter: deps.adapter, startTypingTimer: false, removeRecipientMention: true });
  registerGuards(app, { tenantId: deps.protocol.tenantId, ledger: deps.ledger, conversations: deps.conversations, audit: deps.audit, clock: deps.clock, logger: deps.logger, wake: deps.wake });
  registerConcernHandlers(app, { concerns: deps.concerns, protocol: deps.protocol, leadRefreshIds: deps.leadRefreshIds, isRepeatDelivery });
  registerChannelHandlers(app, { protocol: deps.protocol, groupChannels: deps.groupChannels, audit: deps.audit, clock: deps.clock, wake: deps.wake });
  registerProtocolHandlers(app, { protocolService: deps.protocolService, reminders: deps.reminders, groupChannels: deps.groupChannels, protocol: deps.protocol, clock: deps.clock });
  registerWelcomeHandlers(app, deps.protocol);

  // One turn-error handler: log ids only, and tell the person plainly that their last step may not be saved.
  app.error(async (context, error) => {
    deps.logger.error('turn.failed', { type: context.activity.type, name: context.activity.name, error: error.name, message: error.message.slice(0, 200) });
    const text = 'Something went wrong and your last step may not have been saved. Please try again. If someone is in immediate danger, call 999.';
    // Only a person's message or click gets an apology; a proactive send has nobody waiting.
    if (!isInvoke(context) && context.activity.type !== 'message') return;
    try {
      if (isInvoke(context)) {
        await answerInvoke(context, { statusCode: 500, type: 'application/vnd.microsoft.error', value: { code: 'InternalError', message: text } }, 200);
      } else {
        await sendCard(context, messageCard('Sorry', text, 'attention'));
      }
    } catch (sendError) {
      deps.logger.error('turn.error_reply_failed', { error: String(sendError).slice(0, 200) });
    }
  });
  return app;
}
