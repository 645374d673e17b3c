import { randomUUID } from 'node:crypto';
import type { Application, TurnState } from '@microsoft/teams-ai';
import type { TurnContext } from 'botbuilder';
import { z } from 'zod';
import { escapeMarkdown } from '../cards/markdown.js';
import { messageCard, refusalCard } from '../cards/messageCard.js';
import type { Card } from '../cards/renderCard.js';
import { signedUpCard, signUpFormCard, signUpListCard, signUpSendCard } from '../cards/signUpCards.js';
import { VERBS } from '../cards/verbs.js';
import { GROUP_INFO } from '../domain/groups.js';
import type { Recipients, SendResult, SignUpService } from '../services/signUpService.js';
import { onCardAction, onCommand } from './cardActions.js';
import { COMMANDS } from './commands.js';
import { offerFile, onFileConsent } from './fileConsent.js';
import { actorOf, isPersonalChat, sendCard } from './turn.js';

/** What the sign-up list's file consent card carries; checked again when it comes back. */
const signUpsContext = z.object({ document: z.literal('signups') });

const personalChatOnly = () =>
  messageCard('Please use a personal chat', 'The sign-up list is shown and exported only in a personal chat with me: type "sign-ups" there.');

/** "The Housing channel, Hana Housing and Sam Staff" (names escaped). */
function whoInWords(result: Extract<SendResult, { kind: 'sent' }>): string {
  const names = [...result.groups.map((g) => `the ${GROUP_INFO[g].name} channel`), ...result.people.map((p) => escapeMarkdown(p.name))];
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : (names[0] ?? 'nobody');
}

function sendChoiceCard(offered: Omit<Recipients, 'kind'>, options: { error?: string; values?: { groups?: string; people?: string } } = {}): Card {
  return signUpSendCard({
    sendId: randomUUID(),
    groups: offered.groups.map((g) => ({ title: `${GROUP_INFO[g].name} channel`, value: g })),
    people: offered.people.map((p) => ({ title: p.name, value: p.aadObjectId })),
    ...options,
  });
}

const text = (value: unknown) => (typeof value === 'string' ? value : '');

/**
 * Signing up to the collated protocol: "sign up" (anyone: the card), "send sign-up" (coordinators:
 * posts the card in a channel, or in personal chat chooses channels and people to send it to),
 * "sign-ups" (coordinators: who has signed) and the CSV export, delivered as Teams delivers files.
 */
export function registerSignUpHandlers(app: Application<TurnState>, signUps: SignUpService, timeZone: string): void {
  onCommand(app, COMMANDS.signUp, () => Promise.resolve(signUpFormCard()));
  onCardAction(app, VERBS.openSignUp, () => Promise.resolve(signUpFormCard()));
  onCardAction(app, VERBS.submitSignUp, async (actor, data) => {
    const result = await signUps.sign(actor, data);
    return result.kind === 'invalid' ? signUpFormCard({ values: data, errors: result.errors }) : signedUpCard(result.record, result.updated, timeZone);
  });

  onCommand(app, COMMANDS.sendSignUp, async (actor, context) => {
    // In a channel (or a group chat) the card is posted right there, in this turn.
    if (!isPersonalChat(context)) {
      const posted = await signUps.postHere(actor);
      return posted.kind === 'refused' ? refusalCard(posted.reason) : signUpFormCard();
    }
    const offered = await signUps.recipients(actor);
    return offered.kind === 'refused' ? refusalCard(offered.reason) : sendChoiceCard(offered);
  });
  onCardAction(app, VERBS.sendSignUp, async (actor, data) => {
    const result = await signUps.send(actor, data.sendId, data.groups, data.people);
    if (result.kind === 'refused') return refusalCard(result.reason);
    if (result.kind === 'invalid') return sendChoiceCard(result, { error: result.reason, values: { groups: text(data.groups), people: text(data.people) } });
    return messageCard(
      'Sign-up card sent',
      `The sign-up card is on its way to ${whoInWords(result)}. Each organisation that fills it in is listed when you type "sign-ups".`,
      'good',
    );
  });

  const showList = async (context: TurnContext): Promise<Card> => {
    if (!isPersonalChat(context)) return personalChatOnly();
    const result = await signUps.list(actorOf(context));
    return result.kind === 'refused' ? refusalCard(result.reason) : signUpListCard(result.signUps, timeZone);
  };
  onCommand(app, COMMANDS.signUps, (_actor, context) => showList(context));
  onCardAction(app, VERBS.listSignUps, (_actor, _data, context) => showList(context));

  onCardAction(app, VERBS.exportSignUps, async (_actor, _data, context) => {
    if (!isPersonalChat(context)) return personalChatOnly();
    const result = await offerList(context, signUps);
    if (result.kind === 'refused') return refusalCard(result.reason);
    return signUpListCard(result.signUps, timeZone, { text: 'The list as a CSV file is below: accept it to save it to your OneDrive.', tone: 'good' });
  });
  onCommand(app, COMMANDS.exportSignUps, async (_actor, context) => {
    if (!isPersonalChat(context)) return personalChatOnly();
    const result = await offerList(context, signUps, () =>
      sendCard(context, messageCard('Sign-up list', 'The list of organisations signed up follows as a CSV file: accept it to save it to your OneDrive.')),
    );
    return result.kind === 'refused' ? refusalCard(result.reason) : undefined;
  });

  // On accept, the list is made again now (it may have grown) and uploaded.
  onFileConsent(app, {
    context: signUpsContext,
    declined: 'The sign-up list was not saved to your OneDrive. Type "export sign-ups" to make it again.',
    bytes: (actor) => signUps.file(actor, 'upload'),
  });
}

/** Offers the CSV as a file consent card (after `before`, if given); coordinators only. */
async function offerList(context: TurnContext, signUps: SignUpService, before?: () => Promise<void>) {
  const result = await signUps.file(actorOf(context), 'offer');
  if (result.kind === 'file') {
    await before?.();
    await offerFile(context, {
      name: result.name,
      description: 'Organisations signed up to the protocol (CSV)',
      size: result.bytes.length,
      about: { document: 'signups' },
    });
  }
  return result;
}
