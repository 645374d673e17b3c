import type { ConversationReference } from 'botbuilder';
import type { GroupId } from '../domain/groups.js';
import type { ConversationKey, ConversationStore, GroupChannelStore, SavedConversation } from '../storage/conversationStore.js';
import { DeliveryError } from './delivery.js';

/** Where a message goes: a person's personal chat (by Entra object id), or a group's linked channel. */
export type Destination = { person: string } | { group: GroupId };

/** The stored conversation a message is sent to, and how to find that row again after a refusal. */
export interface FoundConversation {
  key: ConversationKey;
  saved: SavedConversation;
  reference: Partial<ConversationReference>;
  /** What the message would wait for if this conversation were gone: an install, or a channel link. */
  waitingFor: 'install' | 'link';
}

export interface RecipientConversationDeps {
  conversations: ConversationStore;
  groupChannels: GroupChannelStore;
}

/**
 * The stored conversation of a destination. No conversation (not installed, channel not linked)
 * is a wait; a conversation where Teams refused a send before (403) is refused again at once,
 * without asking Teams, until the person or channel next reaches the bot.
 */
export async function findConversation(deps: RecipientConversationDeps, to: Destination): Promise<FoundConversation> {
  let found: Omit<FoundConversation, 'reference'> | undefined;
  if ('person' in to) {
    const saved = await deps.conversations.personal(to.person);
    if (!saved) throw new DeliveryError('app not installed for recipient', 404, undefined, 'install');
    found = { key: { personal: to.person }, saved, waitingFor: 'install' };
  } else {
    const link = await deps.groupChannels.get(to.group);
    const saved = link && (await deps.conversations.channel(link.channelKey));
    if (!link || !saved) throw new DeliveryError('group channel not linked', 404, undefined, 'link');
    found = { key: { channel: link.channelKey }, saved, waitingFor: 'link' };
  }
  if (found.saved.blockedAt) throw new DeliveryError('Teams refused this conversation earlier', 403);
  return { ...found, reference: found.saved.reference as Partial<ConversationReference> };
}

/**
 * What a refusal from Teams means for the stored conversation. 403 (blocked, not in the roster,
 * app disabled): the conversation is flagged, so later messages go straight to their fallback.
 * 404 on a new message (conversation not found: the app was removed): the reference is dropped
 * and the message waits, like one for someone who never installed the app, so it is sent when
 * they install it again. A 404 on an update (the earlier message is gone) says nothing about the
 * conversation and is left as it is. Returns the error the outbox should act on.
 */
export async function afterRefusal(
  deps: RecipientConversationDeps,
  found: FoundConversation,
  error: DeliveryError,
  context: { updating: boolean; now: Date },
): Promise<DeliveryError> {
  if (error.status === 403) {
    await deps.conversations.markBlocked(found.key, context.now);
    return error;
  }
  if (error.status === 404 && !context.updating) {
    await deps.conversations.forget(found.key, found.saved);
    return new DeliveryError('conversation not found: reference dropped', 404, undefined, found.waitingFor);
  }
  return error;
}
