import type { Application, TurnState } from '@microsoft/teams-ai';
import { TurnContext } from 'botbuilder';
import type { Clock } from '../domain/clock.js';
import type { Logger } from '../logger.js';
import type { ActivityLedger } from '../storage/activityLedger.js';
import type { AuditLog } from '../storage/auditLog.js';
import type { ConversationStore } from '../storage/conversationStore.js';
import { actorOf, answerInvoke, channelConversationId, isInvoke, tenantOf } from './turn.js';

export interface GuardDeps {
  tenantId: string;
  ledger: ActivityLedger;
  conversations: ConversationStore;
  audit: AuditLog;
  clock: Clock;
  logger: Logger;
  /** A person became reachable (installed the app): deliver what was waiting for them. */
  wake: (recipient: string) => Promise<void>;
}

const REPEAT = Symbol('repeatDelivery');

/** True when this activity was already handled once (Teams delivered it again). */
export function isRepeatDelivery(context: TurnContext): boolean {
  return context.turnState.get(REPEAT) === true;
}

/**
 * Runs before every route: refuses other tenants, refreshes the stored conversation reference
 * (Teams can move a conversation to a new service URL), and drops repeat deliveries of messages.
 * Invokes are never dropped, because Teams waits for their answer; their handlers are idempotent.
 */
export function registerGuards(app: Application<TurnState>, deps: GuardDeps): void {
  app.turn('beforeTurn', async (context) => {
    const activity = context.activity;
    if (tenantOf(context) !== deps.tenantId) {
      await refuseTenant(context, deps);
      return false;
    }
    if ((activity.type === 'message' || isInvoke(context)) && !activity.from?.aadObjectId) {
      await refuseUnknownUser(context, deps);
      return false;
    }
    await rememberConversation(context, deps);
    if (activity.id && activity.conversation?.id) {
      const first = await deps.ledger.firstSeen(activity.conversation.id, activity.id);
      if (!first) {
        deps.logger.info('activity.repeat', { type: activity.type, name: activity.name });
        if (!isInvoke(context)) return false;
        context.turnState.set(REPEAT, true);
      }
    }
    return true;
  });
}

async function refuseTenant(context: TurnContext, deps: GuardDeps): Promise<void> {
  const value = context.activity.value as { action?: { data?: { concernId?: unknown } }; concernId?: unknown } | undefined;
  const concernId = value?.action?.data?.concernId ?? value?.concernId;
  deps.logger.warn('request.refused_tenant', { type: context.activity.type });
  await deps.audit.append({
    at: deps.clock.now().toISOString(),
    actorId: actorOf(context)?.aadObjectId ?? 'unknown',
    action: 'request.refused',
    outcome: 'refused',
    reason: 'activity from another tenant',
    ...(typeof concernId === 'string' ? { concernId: concernId.slice(0, 64) } : {}),
  });
  if (isInvoke(context)) {
    await answerInvoke(context, { statusCode: 403, type: 'application/vnd.microsoft.error', value: { code: 'Forbidden', message: 'This app is not available to your organisation.' } }, 403);
  }
}

/** Without an Entra object id there is no way to check a role: refuse, and audit it. */
async function refuseUnknownUser(context: TurnContext, deps: GuardDeps): Promise<void> {
  await deps.audit.append({ at: deps.clock.now().toISOString(), actorId: 'unknown', action: 'request.refused', outcome: 'refused', reason: 'no aadObjectId on the activity' });
  const text = 'Teams did not say who you are, so this cannot be done. Please try again from Teams.';
  if (isInvoke(context)) {
    await answerInvoke(context, { statusCode: 401, type: 'application/vnd.microsoft.error', value: { code: 'Unauthorized', message: text } });
  } else {
    await context.sendActivity(text);
  }
}

async function rememberConversation(context: TurnContext, deps: GuardDeps): Promise<void> {
  const activity = context.activity;
  if (!activity.serviceUrl) return;
  const reference = TurnContext.getConversationReference(activity);
  delete reference.activityId; // proactive sends start new messages, not replies
  const now = deps.clock.now();
  const channelId = channelConversationId(context);
  if (channelId) {
    await deps.conversations.saveChannel(channelId, { ...reference, conversation: { ...reference.conversation!, id: channelId } }, now);
  } else if (activity.conversation?.conversationType === 'personal' && activity.from?.aadObjectId) {
    await deps.conversations.savePersonal(activity.from.aadObjectId, reference, now);
    if (activity.type === 'installationUpdate') await deps.wake(activity.from.aadObjectId);
  }
}
