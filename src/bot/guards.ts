import type { Application, TurnState } from '@microsoft/teams-ai';
import { TurnContext } from 'botbuilder';
import type { Logger } from '../logger.js';
import type { ArrivedFrom, ConversationService } from '../services/conversationService.js';
import { CONVERSATION_WITHIN_MS, noteArrival, within } from './answerDeadline.js';
import { actorFromActivity, answerInvoke, channelConversationId, installation, isInvoke, setActor, tenantOf } from './turn.js';

export interface GuardDeps {
  tenantId: string;
  conversations: ConversationService;
  logger: Logger;
}

const REPEAT = Symbol('repeatDelivery');
const UNKNOWN_USER = 'Teams did not say who you are, so this cannot be done. Please try again from Teams.';

/**
 * True when this invoke was already handled once (Teams delivered it again). Asked only by the
 * handlers whose answer depends on it (a Lead's command), so the many invokes that are idempotent
 * by their own ids, such as an intake submit, do not pay a write to the activity ledger.
 */
export async function isRepeatDelivery(context: TurnContext): Promise<boolean> {
  const check = context.turnState.get<(() => Promise<boolean>) | undefined>(REPEAT);
  return check ? check() : false;
}

/**
 * Runs before every route: refuses other tenants and activities without a person, hands the
 * handlers the person acting, refreshes the stored conversation reference, and drops repeat
 * deliveries of messages. Invokes are never dropped, because Teams waits for their answer; their
 * handlers are idempotent, and those that must tell a repeat apart ask isRepeatDelivery.
 */
export function registerGuards(app: Application<TurnState>, deps: GuardDeps): void {
  app.turn('beforeTurn', async (context) => {
    noteArrival(context);
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
    const remembered = rememberConversation(context, deps);
    // An invoke's answer is awaited by the person (and Teams gives up after 5 s): storage does not hold it up here.
    if (isInvoke(context)) await within(remembered, CONVERSATION_WITHIN_MS, (why) => deps.logger.warn('conversation.not_saved', { why }));
    else await remembered;
    const { id: activityId, conversation } = activity;
    if (!activityId || !conversation?.id) return true;
    const repeated = async () => {
      const repeat = !(await deps.conversations.firstSeen(conversation.id, activityId));
      if (repeat) deps.logger.info('activity.repeat', { type: activity.type, activityName: activity.name });
      return repeat;
    };
    if (!isInvoke(context)) return !(await repeated());
    let answer: Promise<boolean> | undefined; // asked at most once per turn
    context.turnState.set(REPEAT, () => (answer ??= repeated()));
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
    const installed = installation(context);
    from = { personal: aadObjectId, installed: installed === 'added', ...(installed === 'removed' ? { removed: true } : {}) };
  } else {
    return;
  }
  await deps.conversations.remember(from, {
    reference,
    serviceUrl: activity.serviceUrl,
    ...(!('channelId' in from) && reference.user?.id ? { teamsUserId: reference.user.id } : {}),
  });
}
