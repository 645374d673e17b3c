import type { Application, TurnState } from '@microsoft/teams-ai';
import { messageCard } from '../cards/concernCards.js';
import { escapeMarkdown } from '../cards/markdown.js';
import { GROUP_IDS, GROUP_INFO, findGroup } from '../domain/groups.js';
import { rolesOf, type Protocol } from '../domain/protocol.js';
import type { Clock } from '../domain/clock.js';
import type { AuditLog } from '../storage/auditLog.js';
import { channelKey, type GroupChannelStore } from '../storage/conversationStore.js';
import { actorOf, channelConversationId, refusalCard, sendCard } from './turn.js';

export interface ChannelHandlerDeps {
  protocol: Protocol;
  groupChannels: GroupChannelStore;
  audit: AuditLog;
  clock: Clock;
  /** A group's channel became reachable: deliver the notices that were waiting for it. */
  wake: (recipient: string) => Promise<void>;
}

export const LINK_COMMAND = /^\s*link\b\s*(.*)$/i;

/** `link <group>`: a coordinator makes the current team channel a thematic group's channel. */
export function registerChannelHandlers(app: Application<TurnState>, deps: ChannelHandlerDeps): void {
  app.message(LINK_COMMAND, async (context) => {
    const actor = actorOf(context);
    const channelId = channelConversationId(context);
    const groupList = GROUP_IDS.map((id) => `${id} (${GROUP_INFO[id].name})`).join(', ');
    if (!actor || !rolesOf(deps.protocol, actor.aadObjectId).coordinator) {
      await deps.audit.append({ at: deps.clock.now().toISOString(), actorId: actor?.aadObjectId ?? 'unknown', action: 'request.refused', outcome: 'refused', reason: 'link: not a coordinator' });
      await sendCard(context, refusalCard('Only a protocol coordinator can link a channel to a group. Please ask your coordinator.'));
      return;
    }
    if (!channelId) {
      await sendCard(context, messageCard('Link a channel', 'Send "link <group>" in the team channel you want to link, with the bot @mentioned.'));
      return;
    }
    const wanted = (context.activity.text ?? '').replace(LINK_COMMAND, '$1');
    const groupId = findGroup(wanted);
    if (!groupId) {
      await sendCard(context, messageCard('Which group?', `"${escapeMarkdown(wanted.slice(0, 60))}" is not a group. Send "link" with one of: ${groupList}.`, 'attention'));
      return;
    }
    const channelName = (context.activity.channelData as { channel?: { name?: string } } | undefined)?.channel?.name ?? 'this channel';
    const now = deps.clock.now().toISOString();
    await deps.groupChannels.link({ groupId, channelKey: channelKey(channelId), channelName, linkedBy: actor.aadObjectId, linkedAt: now });
    await deps.audit.append({ at: now, actorId: actor.aadObjectId, action: 'channel.linked', outcome: 'allowed', reason: groupId });
    await deps.wake(groupId);
    await sendCard(
      context,
      messageCard(
        `Linked to ${GROUP_INFO[groupId].name}`,
        `This channel is now the ${GROUP_INFO[groupId].name} group's channel. It will get a short notice (no personal details) when a concern in its area is raised.`,
        'good',
      ),
    );
  });
}
