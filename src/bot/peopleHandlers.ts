import type { Application, TurnState } from '@microsoft/teams-ai';
import type { TurnContext } from 'botbuilder';
import { messageCard, refusalCard } from '../cards/messageCard.js';
import { peopleCard, teamImportDoneCard, teamImportNoteCard, teamImportOfferCard } from '../cards/peopleCards.js';
import type { Card } from '../cards/renderCard.js';
import { VERBS } from '../cards/verbs.js';
import type { GroupId } from '../domain/groups.js';
import type { Logger } from '../logger.js';
import { teamRoster } from '../messaging/teamRoster.js';
import { outcomeWords, positionsIn, type PeopleCard, type PeopleResult, type PeopleService } from '../services/peopleService.js';
import type { Actor } from '../services/results.js';
import type { TeamImports } from '../services/teamImport.js';
import { onCardAction, onCommand, type CardData } from './cardActions.js';
import { COMMANDS } from './commands.js';
import { actorOf, installation, isPersonalChat } from './turn.js';

export interface PeopleHandlerDeps {
  people: PeopleService;
  teamImports: TeamImports;
  /** The council's tenant: team members from any other are not offered or remembered. */
  tenantId: string;
  logger: Logger;
}

const personalChatOnly = () =>
  messageCard('Please use a personal chat', 'People and roles are managed only in a personal chat with me: type "people" or "members" there.');

function cardFor(result: PeopleResult): Card {
  if (result.kind === 'refused') return refusalCard(result.reason);
  const notice = result.outcome && { text: outcomeWords(result.outcome), tone: 'problem' in result.outcome ? ('attention' as const) : ('good' as const) };
  return peopleCard({ card: result.card, roster: result.roster, manages: positionsIn(result.scope), ...(notice ? { notice } : {}) });
}

/** Which card an action came from; only what is shown back depends on it, never what is allowed. */
const cardOf = (data: CardData): PeopleCard => (data.card === 'members' ? 'members' : 'people');

/**
 * People and roles in Teams: "people" (coordinators) and "members" (group leads) in a personal
 * chat, their add and remove buttons, the pickers' typeahead (`application/search` for the
 * `people` and `holders` datasets), and a team's members: remembered as people the app knows when
 * the app is installed in the team, and offered to a group when a channel is linked (teamOffer).
 */
export function registerPeopleHandlers(app: Application<TurnState>, deps: PeopleHandlerDeps): void {
  const { people } = deps;
  const inPersonal = (context: TurnContext, make: () => Promise<PeopleResult>) =>
    isPersonalChat(context) ? make().then(cardFor) : Promise.resolve(personalChatOnly());

  // Everyone who writes to the app in a personal chat can be picked from then on.
  app.turn('beforeTurn', async (context) => {
    const from = context.activity.from;
    const name = from?.name?.trim();
    if (isPersonalChat(context) && from?.aadObjectId && name) await people.met({ aadObjectId: from.aadObjectId, name: name.slice(0, 200) });
    return true;
  });

  onCommand(app, COMMANDS.people, (actor, context) => inPersonal(context, () => people.open(actor, 'people')));
  onCommand(app, COMMANDS.members, (actor, context) => inPersonal(context, () => people.open(actor, 'members')));
  onCardAction(app, VERBS.openPeople, (actor, data, context) => inPersonal(context, () => people.open(actor, cardOf(data))));
  onCardAction(app, VERBS.addPerson, (actor, data, context) => inPersonal(context, () => people.add(actor, cardOf(data), data.position, data.person)));
  onCardAction(app, VERBS.removePerson, (actor, data, context) => inPersonal(context, () => people.remove(actor, cardOf(data), data.holding)));

  // The coordinator confirms a team import, in the channel where it was offered.
  onCardAction(app, VERBS.importTeam, async (actor, data) => {
    const result = await deps.teamImports.confirm(actor, data.importId);
    return result.kind === 'refused' ? refusalCard(result.reason) : teamImportDoneCard(result.group, result.people, result.already);
  });

  // The pickers' typeahead: Teams asks as the person types; the answer is a page of choices.
  app.adaptiveCards.search(['people', 'holders'], async (context, _state, query) => {
    const dataset = query.parameters.dataset === 'holders' ? 'holders' : 'people';
    return people.search(actorOf(context), dataset, String(query.parameters.queryText ?? ''), { skip: query.skip, top: query.count });
  });

  // The app was added to a team: its members can be picked from now on. A roster Teams will not give is logged, not fatal.
  app.turn('afterTurn', async (context) => {
    const read = installation(context) === 'added' ? teamRoster(context, deps.tenantId) : undefined;
    if (read) {
      try {
        deps.logger.info('people.team_roster_read', { members: await deps.teamImports.rememberTeam(read) });
      } catch (error) {
        deps.logger.warn('people.roster_unreadable', { error: String(error).slice(0, 200) });
      }
    }
    return true;
  });
}

/**
 * What follows "link <group>" in a team channel: the team's members who are not in the group yet,
 * offered to the coordinator to add (or why there is no offer: everyone is in it, or too many).
 */
export function teamOffer(teamImports: TeamImports, tenantId: string) {
  return async (actor: Actor, group: GroupId, context: TurnContext): Promise<Card | undefined> => {
    const read = teamRoster(context, tenantId);
    if (!read) return undefined;
    const offer = await teamImports.offer(actor, group, read);
    if (offer.kind === 'refused') return refusalCard(offer.reason);
    // Teams not giving a roster (logged by the service) leaves the link as it is, with nothing more said in the channel.
    if (offer.kind === 'unreadable') return undefined;
    return offer.kind === 'offer' ? teamImportOfferCard(offer) : teamImportNoteCard(offer);
  };
}
