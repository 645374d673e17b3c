import { GROUP_INFO } from '../domain/groups.js';
import type { Roles } from '../domain/protocol.js';
import { cardTemplate, renderCard, type Card } from './renderCard.js';
import welcomeJson from './templates/welcome.json';
import { VERBS, type Verb } from './verbs.js';

interface WelcomeView {
  heading: string;
  commands: { say: string; does: string }[];
  roles: string;
  verbs: { openIntake: Verb; myConcerns: Verb };
}
const welcomeTemplate = cardTemplate<WelcomeView>(welcomeJson);

/** The welcome and help card: what this person can do, given their roles. */
export function welcomeCard(name: string, roles: Roles): Card {
  const commands = [
    { say: 'raise concern', does: 'Raise a modern slavery concern (also "concern" or "report")' },
    { say: 'my concerns', does: 'See the concerns you raised and their status' },
    { say: 'help', does: 'Show this card' },
  ];
  if (roles.memberOf.length) {
    commands.push({ say: 'draft strategy', does: "Write your group's 5P Strategy: every save is a new version" });
    commands.push({ say: 'draft pathway', does: "Write your group's Pathway flowcharts" });
    commands.push({ say: 'status', does: roles.coordinator ? 'Every group at a glance, with days left' : "Where your group's templates stand, and days left" });
  } else if (roles.coordinator) {
    commands.push({ say: 'status', does: 'Every group at a glance, with days left: view, accept, return, remind' });
  }
  if (roles.leadOf.length) commands.push({ say: '(group lead)', does: 'Submit a version from "Versions and submit"; you get deadline reminders' });
  if (roles.modernSlaveryLead) {
    commands.push({ say: '(concern cards)', does: 'Every concern arrives here in full: acknowledge, record actions, reroute and close it from the card' });
    commands.push({ say: 'open concerns', does: 'Every concern not yet closed, urgent first' });
  }
  if (roles.coordinator)
    commands.push({ say: 'link <group>', does: 'In a team channel (with the bot @mentioned): make it a group\'s channel, e.g. "link housing"' });
  const names = [
    roles.modernSlaveryLead && 'Modern Slavery Lead',
    roles.coordinator && 'coordinator',
    ...roles.leadOf.map((g) => `lead of ${GROUP_INFO[g].name}`),
    ...roles.memberOf.filter((g) => !roles.leadOf.includes(g)).map((g) => `member of ${GROUP_INFO[g].name}`),
  ].filter(Boolean);
  return renderCard(welcomeTemplate, {
    heading: name ? `Welcome, ${name}` : 'Welcome',
    commands,
    roles: names.length ? names.join(', ') : 'staff',
    verbs: { openIntake: VERBS.openIntake, myConcerns: VERBS.myConcerns },
  });
}
