import { GROUP_INFO } from '../domain/groups.js';
import type { Roles } from '../domain/protocol.js';
import { cardTemplate, renderCard, type Card } from './renderCard.js';
import welcomeJson from './templates/welcome.json';
import { VERBS, type Verb } from './verbs.js';

interface WelcomeView {
  heading: string;
  intro: { text: string }[];
  commandsHeading: string;
  commands: { say: string; does: string }[];
  notes: { text: string }[];
  /** '' when the card must not show anyone's roles. */
  roles: string;
  /** Buttons for commands that have a card action. */
  verbButtons: { title: string; verb: Verb; style: 'positive' | 'default' }[];
  /** Buttons for commands that have none: Teams sends `say` as a message from the person (imBack). */
  textButtons: { title: string; say: string }[];
  /** The same, behind one "Draft" button, so that a card never has more than 5 buttons. */
  draftButtons: { title: string; say: string }[];
  hasDraftButtons: boolean;
}
const welcomeTemplate = cardTemplate<WelcomeView>(welcomeJson);

/** A command a person can type, what it does, and the button that does the same (if any). */
interface Command {
  say: string;
  does: string;
  /** A card action, or (without a verb) the command sent as a message; `draft` puts it behind "Draft". */
  button?: { title: string; verb?: Verb; draft?: true };
}

const RAISE_INTRO = "Raise a concern about modern slavery or exploitation: suspicion is enough. It goes straight to the council's Modern Slavery Lead.";

/** What this person can do in a personal chat with the bot, given their roles. */
function commandsFor(roles: Roles): Command[] {
  const commands: Command[] = [
    {
      say: 'raise concern',
      does: 'Raise a modern slavery concern (also "report" or "I\'m worried about someone")',
      button: { title: 'Raise a concern', verb: VERBS.openIntake },
    },
    { say: 'my concerns', does: 'See the concerns you raised and their status', button: { title: 'My concerns', verb: VERBS.myConcerns } },
    { say: 'help', does: 'Show what you can do' },
  ];
  if (roles.memberOf.length) {
    commands.push({ say: 'draft strategy', does: "Write your group's 5P Strategy: every save is a new version", button: { title: 'Strategy', draft: true } });
    commands.push({ say: 'draft pathway', does: "Write your group's Pathway flowcharts", button: { title: 'Pathway', draft: true } });
  }
  if (roles.coordinator) {
    // "status" and the dashboard button show a coordinator the same thing, member of a group or not.
    const does = roles.memberOf.length ? 'Every group at a glance, with days left' : 'Every group at a glance, with days left: view, accept, return, remind';
    commands.push({ say: 'status', does, button: { title: 'Status', verb: VERBS.dashboard } });
  } else if (roles.memberOf.length) {
    commands.push({ say: 'status', does: "Where your group's templates stand, and days left", button: { title: 'Status' } });
  }
  if (roles.leadOf.length) {
    commands.push({
      say: '(group lead)',
      does: 'Submit a version from "Versions and submit"; you get deadline reminders, and a review card for each collated protocol',
    });
    commands.push({ say: 'members', does: "Your group's members: add someone, or remove them" });
  }
  if (roles.modernSlaveryLead) {
    commands.push({
      say: '(concern cards)',
      does: 'Each concern reaches the Modern Slavery Lead here in full (deputies: through escalations and "open concerns"): acknowledge, record actions, reroute and close it from its card',
    });
    commands.push({ say: 'open concerns', does: 'Every concern not yet closed, urgent first', button: { title: 'Open concerns' } });
  }
  if (roles.coordinator) {
    commands.push({ say: 'people', does: 'Every role and group and who holds it: add someone, or remove them' });
    commands.push({
      say: 'link <group>',
      does: 'In a team channel (with the bot @mentioned): make it a group\'s channel, e.g. "link housing", and add the team\'s members to the group if you wish',
    });
    commands.push({ say: 'collate', does: "Combine the groups' templates into the protocol's two Word documents (a new numbered version)" });
    commands.push({ say: 'review comments', does: "The group leads' answers on the collated protocol, chapter by chapter" });
    commands.push({ say: 'approvals', does: 'Record the Lived Experience Advisory Panel, then the Council, then publication' });
    commands.push({ say: 'sign-ups', does: 'Who has signed up to the protocol; export the list as CSV' });
    commands.push({ say: 'send sign-up', does: 'Send the sign-up card to a channel or to people' });
  }
  if (roles.modernSlaveryLead || roles.coordinator)
    commands.push({ say: 'figures', does: 'Counts of concerns by period, age, type, group and outcome (small numbers hidden), as a card or CSV' });
  commands.push({ say: 'sign up', does: 'Sign your organisation up to the protocol' });
  return commands;
}

/** The buttons for a list of commands: card actions first (Raise a concern leading), then the typed ones. */
function buttonsFor(commands: Command[]): Pick<WelcomeView, 'verbButtons' | 'textButtons' | 'draftButtons' | 'hasDraftButtons'> {
  const verbButtons: WelcomeView['verbButtons'] = [];
  const textButtons: WelcomeView['textButtons'] = [];
  const draftButtons: WelcomeView['draftButtons'] = [];
  for (const { say, button } of commands) {
    if (!button) continue;
    if (button.verb) verbButtons.push({ title: button.title, verb: button.verb, style: button.verb === VERBS.openIntake ? 'positive' : 'default' });
    else (button.draft ? draftButtons : textButtons).push({ title: button.title, say });
  }
  return { verbButtons, textButtons, draftButtons, hasDraftButtons: draftButtons.length > 0 };
}

function roleNames(roles: Roles): string {
  const names = [
    roles.modernSlaveryLead && 'Modern Slavery Lead',
    roles.coordinator && 'coordinator',
    ...roles.leadOf.map((g) => `lead of ${GROUP_INFO[g].name}`),
    ...roles.memberOf.filter((g) => !roles.leadOf.includes(g)).map((g) => `member of ${GROUP_INFO[g].name}`),
  ].filter(Boolean);
  return names.length ? names.join(', ') : 'staff';
}

/** The welcome and help card in a personal chat: what this person can do, given their roles. */
export function welcomeCard(name: string, roles: Roles): Card {
  const commands = commandsFor(roles);
  return renderCard(welcomeTemplate, {
    heading: name ? `Welcome, ${name}` : 'Welcome',
    intro: [{ text: RAISE_INTRO }],
    commandsHeading: 'What you can do',
    commands: commands.map(({ say, does }) => ({ say, does })),
    notes: [],
    roles: roleNames(roles),
    ...buttonsFor(commands),
  });
}

/**
 * The answer to a personal-chat message that is not a command: the commands this person can use
 * (by their roles), each with a button where there is one.
 */
export function notUnderstoodCard(roles: Roles): Card {
  const commands = commandsFor(roles);
  return renderCard(welcomeTemplate, {
    heading: 'Sorry, I did not understand that',
    intro: [{ text: 'Press a button, or type one of the commands below.' }],
    commandsHeading: 'What you can do',
    commands: commands.map(({ say, does }) => ({ say, does })),
    notes: [],
    roles: '',
    ...buttonsFor(commands),
  });
}

/**
 * The welcome and help card in a team channel, where everyone in the channel reads it: what the
 * bot does there, and that concerns are raised in a personal chat. It names nobody and shows no
 * one's roles, whoever installed the app or asked for help, and has no buttons.
 */
export function channelWelcomeCard(options: { notUnderstood?: boolean } = {}): Card {
  return renderCard(welcomeTemplate, {
    heading: options.notUnderstood ? 'Sorry, I did not understand that' : 'The modern slavery bot in this channel',
    intro: [
      {
        text: "This bot supports the council's modern slavery work: staff raise concerns with the Modern Slavery Lead, and the Task and Finish groups draft the protocol.",
      },
      {
        text: 'Concerns are never raised here. To raise one, open a personal chat with the bot and type "raise concern", or use "Raise a concern" from the ... menu on any message.',
      },
    ],
    commandsHeading: 'In a channel (with the bot @mentioned)',
    commands: [
      { say: 'link <group>', does: 'Coordinators: make this channel a Task and Finish group\'s channel, e.g. "link housing"' },
      { say: 'status', does: "In a group's channel: where its Strategy and Pathway stand, for its members and the coordinators" },
      { say: 'help', does: 'Show this card' },
    ],
    notes: [
      {
        text: "Notices: a group's channel gets a short notice when a concern is raised in its area (a reference, the age band and the type of exploitation: nothing that identifies the person or the place), and reminders as the protocol deadline nears.",
      },
    ],
    roles: '',
    verbButtons: [],
    textButtons: [],
    draftButtons: [],
    hasDraftButtons: false,
  });
}
