import type { Application, TurnState } from '@microsoft/teams-ai';
import type { TurnContext } from 'botbuilder';
import { messageCard, refusalCard } from '../cards/messageCard.js';
import { escapeMarkdown } from '../cards/markdown.js';
import type { Card } from '../cards/renderCard.js';
import { notUnderstoodCard } from '../cards/welcomeCard.js';
import { findGroup, GROUP_IDS, GROUP_INFO, type GroupId } from '../domain/groups.js';
import type { ChannelService, LinkResult } from '../services/channelService.js';
import type { Directory } from '../services/directory.js';
import type { Actor } from '../services/results.js';
import { onCommand } from './cardActions.js';
import { COMMANDS } from './commands.js';
import { channelKeyOf, sendCard } from './turn.js';

export const LINK_COMMAND = COMMANDS.link;

const groupList = GROUP_IDS.map((id) => `${id} (${GROUP_INFO[id].name})`).join(', ');

/** The channel a command came from, as the service needs it: its storage key and its name. */
function channelOf(context: TurnContext): { key: string; name: string } | undefined {
  const key = channelKeyOf(context);
  const name = (context.activity.channelData as { channel?: { name?: string } } | undefined)?.channel?.name ?? 'this channel';
  return key ? { key, name } : undefined;
}

function linkResultCard(result: LinkResult): Card {
  switch (result.kind) {
    case 'refused':
      return refusalCard(result.reason);
    case 'notInChannel':
      return messageCard('Link a channel', 'Send "link <group>" in the team channel you want to link, with the bot @mentioned.');
    case 'unknownGroup':
      return messageCard('Which group?', `"${escapeMarkdown(result.wanted.slice(0, 60))}" is not a group. Send "link" with one of: ${groupList}.`, 'attention');
    case 'linked': {
      const name = GROUP_INFO[result.group].name;
      return messageCard(
        `Linked to ${name}`,
        `This channel is now the ${name} group's channel. It will get a short notice (no personal details) when a concern in its area is raised.`,
        'good',
      );
    }
  }
}

/** What follows a link: the team's members offered to the group (peopleHandlers.teamOffer). */
export type AfterLink = (actor: Actor, group: GroupId, context: TurnContext) => Promise<Card | undefined>;

/**
 * `link <group>`: a coordinator makes the current team channel a thematic group's channel; the
 * confirmation is followed by `afterLink`'s card (the team's members offered to the group).
 */
export function registerChannelHandlers(app: Application<TurnState>, channels: ChannelService, directory: Directory, afterLink?: AfterLink): void {
  onCommand(app, LINK_COMMAND, async (actor, context, [, wanted = '']) => {
    const channel = channelOf(context);
    // Outside a channel, "link to the safeguarding policy" is a sentence, not a command.
    if (!channel && wanted && !findGroup(wanted)) return notUnderstoodCard(directory.roles(actor));
    const result = await channels.link(actor, channel, wanted);
    const next = result.kind === 'linked' && afterLink ? await afterLink(actor, result.group, context) : undefined;
    if (!next) return linkResultCard(result);
    await sendCard(context, linkResultCard(result));
    return next;
  });
}
