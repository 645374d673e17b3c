import { odata, type TableClient } from '@azure/data-tables';
import type { ConversationReference } from 'botbuilder';
import type { GroupId } from '../domain/groups.js';
import { getOrUndefined, safeKey } from './tables.js';

const PERSONAL = 'personal';

/** The key a channel is stored (and linked) under: Teams channel ids hold characters keys may not. */
export const channelKey = (channelConversationId: string): string => safeKey(channelConversationId);
const CHANNEL = 'channel';

interface ReferenceEntity {
  partitionKey: string;
  rowKey: string;
  reference: string;
  serviceUrl: string;
  updatedAt: string;
}

/**
 * Conversation references for proactive messages: a person's personal chat (keyed by Entra object
 * id) and team channels (keyed by a hash of the channel's conversation id). Stored on install and
 * refreshed from every activity, because Teams can move a conversation to a new service URL.
 */
export class ConversationStore {
  constructor(private readonly table: TableClient) {}

  async savePersonal(aadObjectId: string, reference: Partial<ConversationReference>, now: Date): Promise<void> {
    await this.save(PERSONAL, aadObjectId, reference, now);
  }

  /** Saves a channel's reference; returns the key under which a group can be linked to it. */
  async saveChannel(channelConversationId: string, reference: Partial<ConversationReference>, now: Date): Promise<string> {
    const key = channelKey(channelConversationId);
    await this.save(CHANNEL, key, reference, now);
    return key;
  }

  async personal(aadObjectId: string): Promise<Partial<ConversationReference> | undefined> {
    return this.read(PERSONAL, aadObjectId);
  }

  async channel(key: string): Promise<Partial<ConversationReference> | undefined> {
    return this.read(CHANNEL, key);
  }

  private async save(partitionKey: string, rowKey: string, reference: Partial<ConversationReference>, now: Date) {
    const entity: ReferenceEntity = {
      partitionKey,
      rowKey,
      reference: JSON.stringify(reference),
      serviceUrl: reference.serviceUrl ?? '',
      updatedAt: now.toISOString(),
    };
    await this.table.upsertEntity(entity, 'Replace');
  }

  private async read(partitionKey: string, rowKey: string) {
    const entity = await getOrUndefined<ReferenceEntity>(this.table, partitionKey, rowKey);
    return entity && (JSON.parse(entity.reference) as Partial<ConversationReference>);
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
    for await (const row of this.table.listEntities<GroupChannelLink>({ queryOptions: { filter: odata`PartitionKey eq 'group' and channelKey eq ${channelKey}` } })) return row.groupId;
    return undefined;
  }

  async get(groupId: GroupId): Promise<GroupChannelLink | undefined> {
    const entity = await getOrUndefined<GroupChannelLink>(this.table, 'group', groupId);
    return entity && { groupId, channelKey: entity.channelKey, channelName: entity.channelName, linkedBy: entity.linkedBy, linkedAt: entity.linkedAt };
  }
}
