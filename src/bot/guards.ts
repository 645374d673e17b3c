import type { Application, TurnState } from '@microsoft/teams-ai';
import { TurnContext } from 'botbuilder';
import type { Logger } from '../logger.js';
import type { ArrivedFrom, ConversationService } from '../services/conversationService.js';
import { actorFromActivity, answerInvoke, channelConversationId, isInvoke, setActor, tenantOf } from './turn.js';

export interface GuardDeps {
  tenantId: string;
  conversations: ConversationService;
  logger: Logger;
}

const REPEAT = Symbol('repeatDelivery');
const UNKNOWN_USER = 'Teams did not say who you are, so this cannot be done. Please try again from Teams.';

/** True when this activity was already handled once (Teams delivered it again). */
export function isRepeatDelivery(context: TurnContext): boolean {
  return context.turnState.get(REPEAT) === true;
}

/**
 * Runs before every route: refuses other tenants and activities without a person, hands the
 * handlers the person acting, refreshes the stored conversation reference, and drops repeat
 * deliveries of messages. Invokes are never dropped, because Teams waits for their answer; their
 * handlers are idempotent.
 */
export function registerGuards(app: Application<TurnState>, deps: GuardDeps): void {
  app.turn('beforeTurn', async (context) => {
    const activity = context.activity;
    if (tenantOf(context) !== deps.tenantId) {
      await refuseTenant(context, deps);
      return false;
    }
    const actor = actorFromActivity(context);
    if (actor) setActor(context, actor);
    else if (activity.type === 'message' || isInvoke(context)) {
      await refuseUnknownUser(context, deps);
      return false;
    }
    await rememberConversation(context, deps);
    if (activity.id && activity.conversation?.id && !(await deps.conversations.firstSeen(activity.conversation.id, activity.id))) {
      deps.logger.info('activity.repeat', { type: activity.type, activityName: activity.name });
      if (!isInvoke(context)) return false;
      context.turnState.set(REPEAT, true);
    }
    return true;
  });
}

async function refuseTenant(context: TurnContext, deps: GuardDeps): Promise<void> {
  const value = context.activity.value as { action?: { data?: { concernId?: unknown } }; concernId?: unknown } | undefined;
  const concernId = value?.action?.data?.concernId ?? value?.concernId;
  deps.logger.warn('request.refused_tenant', { type: context.activity.type });
  await deps.conversations.refused(
    actorFromActivity(context)?.aadObjectId,
    'activity from another tenant',
    typeof concernId === 'string' ? concernId : undefined,
  );
  if (isInvoke(context)) {
    await answerInvoke(
      context,
      { statusCode: 403, type: 'application/vnd.microsoft.error', value: { code: 'Forbidden', message: 'This app is not available to your organisation.' } },
      403,
    );
  }
}

/** Without an Entra object id there is no way to check a role: refuse, and audit it. */
async function refuseUnknownUser(context: TurnContext, deps: GuardDeps): Promise<void> {
  await deps.conversations.refused(undefined, 'no aadObjectId on the activity');
  if (isInvoke(context)) {
    await answerInvoke(context, { statusCode: 401, type: 'application/vnd.microsoft.error', value: { code: 'Unauthorized', message: UNKNOWN_USER } });
  } else {
    await context.sendActivity(UNKNOWN_USER);
  }
}

async function rememberConversation(context: TurnContext, deps: GuardDeps): Promise<void> {
  const activity = context.activity;
  if (!activity.serviceUrl) return;
  const reference = TurnContext.getConversationReference(activity);
  delete reference.activityId; // proactive sends start new messages, not replies
  const channelId = channelConversationId(context);
  const aadObjectId = activity.from?.aadObjectId;
  let from: ArrivedFrom;
  if (channelId) {
    from = { channelId };
    reference.conversation = { ...reference.conversation!, id: channelId };
  } else if (activity.conversation?.conversationType === 'personal' && aadObjectId) {
    // Only adding the app makes someone reachable; removing it sends an installationUpdate too.
    const action = activity.type === 'installationUpdate' ? ((activity as { action?: string }).action ?? '') : '';
    from = { personal: aadObjectId, installed: action.startsWith('add'), ...(action.startsWith('remove') ? { removed: true } : {}) };
  } else {
    return;
  }
  await deps.conversations.remember(from, {
    reference,
    serviceUrl: activity.serviceUrl,
    ...(!('channelId' in from) && reference.user?.id ? { teamsUserId: reference.user.id } : {}),
  });
}
