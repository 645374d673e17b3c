import type { Clock } from '../domain/clock.js';
import { findGroup, type GroupId } from '../domain/groups.js';
import type { AuditLog } from '../storage/auditLog.js';
import type { GroupChannelStore } from '../storage/conversationStore.js';
import type { Directory } from './directory.js';
import type { Actor } from './results.js';

export type LinkResult =
  { kind: 'refused'; reason: string } | { kind: 'notInChannel' } | { kind: 'unknownGroup'; wanted: string } | { kind: 'linked'; group: GroupId };

export interface ChannelServiceDeps {
  groupChannels: GroupChannelStore;
  audit: AuditLog;
  directory: Directory;
  clock: Clock;
  /** A group's channel became reachable: deliver the notices that were waiting for it. */
  wake: (recipient: string) => Promise<void>;
}

/** Which team channel is each thematic group's: linked by a coordinator with "link <group>". */
export class ChannelService {
  constructor(private readonly deps: ChannelServiceDeps) {}

  /**
   * Makes a channel a group's channel. `channel` is the channel the command came from (its storage
   * key and name), undefined outside a team channel; `wanted` is the group as the person typed it.
   */
  async link(actor: Actor, channel: { key: string; name: string } | undefined, wanted: string): Promise<LinkResult> {
    const now = this.deps.clock.now().toISOString();
    if (!this.deps.directory.roles(actor).coordinator) {
      await this.deps.audit.append({ at: now, actorId: actor.aadObjectId, action: 'request.refused', outcome: 'refused', reason: 'link: not a coordinator' });
      return { kind: 'refused', reason: 'Only a protocol coordinator can link a channel to a group. Please ask your coordinator.' };
    }
    if (!channel) return { kind: 'notInChannel' };
    const group = findGroup(wanted);
    if (!group) return { kind: 'unknownGroup', wanted };
    await this.deps.groupChannels.link({ groupId: group, channelKey: channel.key, channelName: channel.name, linkedBy: actor.aadObjectId, linkedAt: now });
    await this.deps.audit.append({ at: now, actorId: actor.aadObjectId, action: 'channel.linked', outcome: 'allowed', reason: group });
    await this.deps.wake(group);
    return { kind: 'linked', group };
  }
}
