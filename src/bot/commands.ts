import type { TurnContext } from 'botbuilder';

/**
 * A typed message as commands are matched: lower case, curly apostrophes made straight, runs of
 * spaces made one, and punctuation and symbols at either end removed ("Raise Concern!!" -> "raise
 * concern", "status?" -> "status", "?" -> ""). Words inside are kept, so "link Housing!" still
 * names its group. teams-ai has already removed a leading @mention of the bot.
 */
export function normaliseCommand(text: string | undefined): string {
  return (text ?? '')
    .normalize('NFKC')
    .replace(/[\u2018\u2019\u02bc]/g, "'")
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/^[\s\p{P}\p{S}]+|[\s\p{P}\p{S}]+$/gu, '');
}

/** What can follow "report" or "raise": "report", "raise a concern", "report something". */
const WHAT = '(?: (?:(?:a|an|new) )?(?:concern|something|someone|somebody|modern slavery|exploitation))?';

/** The ways people ask to raise a concern, as normalised text; each must match the whole message. */
const RAISE_PHRASES = [
  `(?:report|raise)${WHAT}`,
  '(?:(?:a|new) )?concern',
  `(?:i (?:want|need|would like) to|i'd like to|can i|how do i|how can i) (?:report|raise)${WHAT}`,
  "(?:(?:i'm|i am|im) )?(?:worried|concerned) about (?:someone|somebody|a person|a child|a young person|something)",
];

/**
 * Every typed command, matched against the normalised text (see normaliseCommand), never against
 * what was typed. Each matches the whole message, so a command never takes a sentence that only
 * starts or ends like one ("status report", "my concerns about the rota"), and no two overlap.
 * No `g` flag: test() must not keep state between messages.
 */
export const COMMANDS = {
  /** Also an empty message: "?" alone, or only an @mention. */
  help: /^(?:help|hi|hello|hey|start|menu|commands|what can you do|)$/,
  raise: new RegExp(`^(?:${RAISE_PHRASES.join('|')})$`),
  myConcerns: /^my concerns?$/,
  openConcerns: /^open concerns?$/,
  status: /^(?:status|dashboard)$/,
  /** Coordinators: every role and group and who holds it; add or remove someone. */
  people: /^(?:people|roles|people and roles|manage people|manage roles)$/,
  /** Group leads: their own group's members; add or remove one. */
  members: /^(?:members|group members|my group(?:'s)? members|manage members)$/,
  /** The protocol's approvals: the panel, the Council, publication (coordinators). */
  approvals: /^(?:(?:protocol )?approvals?|approve(?: the protocol)?)$/,
  draft: /^draft (strategy|pathway)$/,
  /** "collate", or "collate latest submitted" to use each group's latest submission, not only accepted ones. */
  collate: /^collate(?: the protocol)?( (?:using )?(?:the )?latest submitted)?$/,
  /** The coordinator reads the groups' answers on the collated protocol, chapter by chapter. */
  reviewComments: /^(?:(?:the )?(?:protocol |chapter )?review comments|(?:protocol|chapter) comments|comments)$/,
  /** Anyone: the card on which a partner organisation signs up to the protocol ("sign up", "sign-up"). */
  signUp: /^sign[ -]?up(?: (?:to|for) the protocol)?$/,
  /** Coordinators: post the sign-up card in this channel, or (in personal chat) choose channels and people to send it to. */
  sendSignUp: /^send (?:the |a )?sign[ -]?up(?: card| form)?$/,
  /** Coordinators: who has signed up. */
  signUps: /^(?:sign[ -]?ups|signatories|(?:who has|who's) signed(?: up)?|list sign[ -]?ups)$/,
  /** Coordinators: the sign-up list as a CSV file. */
  exportSignUps: /^export (?:the )?sign[ -]?ups?(?: (?:as|to) csv| csv)?$/,
  /** Leads, deputies and coordinators: counts of concerns, with small numbers suppressed ("figures", "statistics"). */
  figures: /^(?:figures|statistics|stats)$/,
  /** The group is what follows "link" (the handler reads it from the normalised text). */
  link: /^link\b ?(.*)$/,
} as const;

export type CommandName = keyof typeof COMMANDS;

/** The commands a text would match once normalised: one, or none. */
export function commandsMatching(text: string): CommandName[] {
  const typed = normaliseCommand(text);
  return (Object.keys(COMMANDS) as CommandName[]).filter((name) => COMMANDS[name].test(typed));
}

/**
 * The command text of a message a person typed, normalised; undefined for anything else (another
 * kind of activity, or a card's Action.Submit, which carries its data in `value`).
 */
export function typedCommand(context: TurnContext): string | undefined {
  const activity = context.activity;
  if (activity.type !== 'message' || activity.value !== undefined) return undefined;
  return normaliseCommand(activity.text);
}
