import { odata, type TableClient } from '@azure/data-tables';
import type { GroupId } from '../domain/groups.js';
import { getOrUndefined, ignoringRace, isNotFound, safeKey } from './tables.js';

const PERSONAL = 'personal';

/** The key a channel is stored (and linked) under: Teams channel ids hold characters keys may not. */
export const channelKey = (channelConversationId: string): string => safeKey(channelConversationId);
const CHANNEL = 'channel';

/**
 * A conversation as the Teams SDK described it, kept as opaque JSON: storage never looks inside
 * (messaging/ does), so nothing below the bot depends on the Teams SDK's types.
 */
export interface SavedConversation {
  reference: unknown;
  /** Where Teams last reached the bot from this conversation; it can change. */
  serviceUrl: string;
  /** The person's Teams user id (an MRI), for a card's automatic refresh; personal chats only. */
  teamsUserId?: string;
  /**
   * When Teams last refused a send here (403: the person blocked the app, left the team, or the app
   * was disabled). Cleared by the next activity from the conversation, which saves it afresh.
   */
  blockedAt?: string;
  /** The version read (an ETag), so that a reference is dropped only if no one saved a newer one since. */
  etag?: string;
}

/** Which stored conversation: a person's personal chat, or a channel by its key. */
export type ConversationKey = { personal: string } | { channel: string };
const keysOf = (key: ConversationKey): [string, string] => ('personal' in key ? [PERSONAL, key.personal] : [CHANNEL, key.channel]);

interface ReferenceEntity {
  partitionKey: string;
  rowKey: string;
  reference: string;
  serviceUrl: string;
  teamsUserId?: string;
  blockedAt?: string;
  updatedAt: string;
}

/** What saving a conversation did: stored it for the first time, changed it, or found it as it was. */
export type SaveOutcome = 'new' | 'changed' | 'unchanged';

/**
 * How long this instance trusts that a conversation it saved (or found unchanged) is still stored
 * as it was, so a burst of activities from one person costs no Table call. What another instance
 * does meanwhile (marks it refused, or drops it because Teams no longer knows it) is put right by
 * the first activity after this, or at once by an install, which always reads the store.
 */
const SAVED_RECENTLY_MS = 60_000;
const SAVED_RECENTLY_MAX = 10_000;

/**
 * Conversation references for proactive messages: a person's personal chat (keyed by Entra object
 * id) and team channels (keyed by a hash of the channel's conversation id). Stored on install and
 * refreshed from every activity, because Teams can move a conversation to a new service URL.
 */
export class ConversationStore {
  /** What this instance last knew to be stored for each conversation, and when it knew it. */
  private readonly savedRecently = new Map<string, { stored: string; at: number }>();

  constructor(private readonly table: TableClient) {}

  /** `checkStore`: compare with the store even if this instance saved it just now (an install). */
  async savePersonal(aadObjectId: string, conversation: SavedConversation, now: Date, options: { checkStore?: boolean } = {}): Promise<SaveOutcome> {
    return this.save(PERSONAL, aadObjectId, conversation, now, options.checkStore);
  }

  /** Saves a channel's reference; returns the key under which a group can be linked to it. */
  async saveChannel(channelConversationId: string, conversation: SavedConversation, now: Date): Promise<string> {
    const key = channelKey(channelConversationId);
    await this.save(CHANNEL, key, conversation, now);
    return key;
  }

  async personal(aadObjectId: string): Promise<SavedConversation | undefined> {
    return this.read(PERSONAL, aadObjectId);
  }

  async channel(key: string): Promise<SavedConversation | undefined> {
    return this.read(CHANNEL, key);
  }

  /** Teams refused a send to this conversation (403): later sends skip it until its next activity saves it again. */
  async markBlocked(key: ConversationKey, now: Date): Promise<void> {
    const [partitionKey, rowKey] = keysOf(key);
    this.savedRecently.delete(`${partitionKey}|${rowKey}`);
    try {
      await this.table.updateEntity({ partitionKey, rowKey, blockedAt: now.toISOString() }, 'Merge', { etag: '*' });
    } catch (error) {
      if (!isNotFound(error)) throw error; // dropped meanwhile: nothing to flag
    }
  }

  /**
   * Teams no longer knows this conversation (404): the reference is dropped, unless it was saved
   * again since it was read (the person reinstalled the app meanwhile), so the next install or
   * message stores a fresh one.
   */
  async forget(key: ConversationKey, readAs: SavedConversation): Promise<void> {
    const [partitionKey, rowKey] = keysOf(key);
    this.savedRecently.delete(`${partitionKey}|${rowKey}`);
    await ignoringRace(() => this.table.deleteEntity(partitionKey, rowKey, { etag: readAs.etag ?? '*' }));
  }

  /** The Teams user ids of those of these people who have the app (at most `limit`), in order. */
  async teamsUserIds(aadObjectIds: string[], limit: number): Promise<string[]> {
    const saved = await Promise.all([...new Set(aadObjectIds)].map((id) => this.personal(id)));
    return saved
      .map((c) => c?.teamsUserId)
      .filter((id): id is string => Boolean(id))
      .slice(0, limit);
  }

  /**
   * Writes the conversation only when what is stored differs (or carries a refusal mark to clear):
   * nearly every activity arrives from a conversation stored exactly so, and answering it should
   * not wait on a write.
   */
  private async save(partitionKey: string, rowKey: string, conversation: SavedConversation, now: Date, checkStore = false): Promise<SaveOutcome> {
    const memoKey = `${partitionKey}|${rowKey}`;
    const stored = JSON.stringify([conversation.reference, conversation.serviceUrl, conversation.teamsUserId ?? null]);
    const known = this.savedRecently.get(memoKey);
    if (!checkStore && known?.stored === stored && now.getTime() - known.at < SAVED_RECENTLY_MS) return 'unchanged';

    const current = await this.read(partitionKey, rowKey);
    const asStored = current && JSON.stringify([current.reference, current.serviceUrl, current.teamsUserId ?? null]);
    let outcome: SaveOutcome = 'unchanged';
    if (!current || asStored !== stored || current.blockedAt) {
      const entity: ReferenceEntity = {
        partitionKey,
        rowKey,
        reference: JSON.stringify(conversation.reference),
        serviceUrl: conversation.serviceUrl,
        ...(conversation.teamsUserId ? { teamsUserId: conversation.teamsUserId } : {}),
        updatedAt: now.toISOString(),
      };
      await this.table.upsertEntity(entity, 'Replace');
      outcome = current ? 'changed' : 'new';
    }
    if (this.savedRecently.size >= SAVED_RECENTLY_MAX) this.savedRecently.clear();
    this.savedRecently.set(memoKey, { stored, at: now.getTime() });
    return outcome;
  }

  private async read(partitionKey: string, rowKey: string): Promise<SavedConversation | undefined> {
    const entity = await getOrUndefined<ReferenceEntity & { etag?: string }>(this.table, partitionKey, rowKey);
    return (
      entity && {
        reference: JSON.parse(entity.reference) as unknown,
        serviceUrl: entity.serviceUrl,
        ...(entity.teamsUserId ? { teamsUserId: entity.teamsUserId } : {}),
        ...(entity.blockedAt ? { blockedAt: entity.blockedAt } : {}),
        ...(entity.etag ? { etag: entity.etag } : {}),
      }
    );
  }
}

export interface GroupChannelLink {
  groupId: GroupId;
  channelKey: string;
  channelName: string;
  linkedBy: string;
  linkedAt: string;
}

/** Which team channel is each thematic group's channel. */
export class GroupChannelStore {
  constructor(private readonly table: TableClient) {}

  async link(link: GroupChannelLink): Promise<void> {
    await this.table.upsertEntity({ partitionKey: 'group', rowKey: link.groupId, ...link }, 'Replace');
  }

  /** The group whose channel this is, if any. */
  async groupOfChannel(channelKey: string): Promise<GroupId | undefined> {
    for await (const row of this.table.listEntities<GroupChannelLink>({
      queryOptions: { filter: odata`PartitionKey eq 'group' and channelKey eq ${channelKey}` },
    }))
      return row.groupId;
    return undefined;
  }

  async get(groupId: GroupId): Promise<GroupChannelLink | undefined> {
    const entity = await getOrUndefined<GroupChannelLink>(this.table, 'group', groupId);
    return entity && { groupId, channelKey: entity.channelKey, channelName: entity.channelName, linkedBy: entity.linkedBy, linkedAt: entity.linkedAt };
  }
}
