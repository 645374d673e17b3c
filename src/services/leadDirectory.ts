import type { Protocol } from '../domain/protocol.js';
import type { ConversationStore } from '../storage/conversationStore.js';

/**
 * The Teams user ids (MRIs) of the Leads and deputies who have the app, for a card's automatic
 * refresh: Teams refreshes a card only for the listed ids, at most 60.
 */
export async function leadTeamsUserIds(protocol: Protocol, conversations: ConversationStore): Promise<string[]> {
  const ids = [...protocol.modernSlaveryLeads, ...protocol.deputies].map((p) => p.aadObjectId);
  const references = await Promise.all([...new Set(ids)].map((id) => conversations.personal(id)));
  return references.map((r) => r?.user?.id).filter((id): id is string => Boolean(id)).slice(0, 60);
}
