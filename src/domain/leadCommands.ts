import { z } from 'zod';
import { CONTROL_CHARACTERS, LEAD_ACTIONS, OUTCOMES, leadActionSchema, outcomeSchema, type ConcernStatus, type LeadAction, type Outcome } from './concern.js';
import type { ConcernEvent, ConcernRecord, PersonRef } from './concernRecord.js';
import { GROUP_IDS, GROUP_INFO, type GroupId } from './groups.js';
import { nextStatus, STATUS_LABELS, type ConcernCommand } from './status.js';

/** Limits the Lead's card shows and the server enforces. */
export const LEAD_LIMITS = { note: 500, nrmReference: 40 } as const;
/** How much of an over-long note comes back on a refused card: enough to shorten, not enough to bloat the card. */
export const KEPT_NOTE_MAX = 1000;
const KEPT_OTHER_MAX = 100;

/**
 * The card inputs of each command, by id. Each form has its own note input: ids must be unique on
 * a card, and a button sends every input of the card's body as well as those on its own form.
 */
export const COMMAND_FIELDS = {
  acknowledge: [],
  recordAction: ['action', 'nrmReference', 'actionNote'],
  reroute: ['group', 'rerouteNote'],
  close: ['outcome', 'closeNote'],
} as const satisfies Record<ConcernCommand, readonly string[]>;

export type CommandField = (typeof COMMAND_FIELDS)[ConcernCommand][number];

// Control characters other than line breaks and tabs never belong in a note or a reference.
const n = (x: number) => x.toLocaleString('en-GB');

/** An optional note: line breaks kept, control characters dropped, empty means none. */
const note = z
  .string()
  .transform((s) => s.replace(CONTROL_CHARACTERS, '').replace(/\r\n?/g, '\n').trim())
  .pipe(
    z.string().max(LEAD_LIMITS.note, {
      error: (issue) => {
        const length = typeof issue.input === 'string' ? issue.input.length : 0;
        const kept = length > KEPT_NOTE_MAX ? ` Only the first ${n(KEPT_NOTE_MAX)} are kept below.` : '';
        return `Keep the note to ${n(LEAD_LIMITS.note)} characters; it has ${n(length)}.${kept}`;
      },
    }),
  )
  .optional()
  .transform((s) => s || undefined);

/** What a Lead sends with a command (card inputs); validated here, not trusted. Field names are the card's input ids. */
export const commandInput = {
  acknowledge: z.object({}),
  recordAction: z
    .object({
      action: z.enum(leadActionSchema.options, { error: 'Choose the action taken.' }),
      nrmReference: z
        .string()
        .trim()
        .max(LEAD_LIMITS.nrmReference, `An NRM reference is at most ${LEAD_LIMITS.nrmReference} characters.`)
        .regex(/^[A-Za-z0-9\-/ ]*$/, 'An NRM reference has letters, digits, spaces, / and - only.')
        .optional(),
      actionNote: note,
    })
    .refine((v) => v.action !== 'nrmReferral' || (v.nrmReference ?? '') !== '', { message: 'Give the NRM referral reference.', path: ['nrmReference'] }),
  reroute: z.object({ group: z.enum(GROUP_IDS, { error: 'Choose a group.' }), rerouteNote: note }),
  close: z.object({ outcome: z.enum(outcomeSchema.options, { error: 'Choose an outcome.' }), closeNote: note }),
} satisfies Record<ConcernCommand, z.ZodType>;

export type CommandInput<C extends ConcernCommand> = z.infer<(typeof commandInput)[C]>;
type AnyCommandInput = Partial<{
  action: LeadAction;
  nrmReference: string;
  actionNote: string;
  group: GroupId;
  rerouteNote: string;
  outcome: Outcome;
  closeNote: string;
}>;

/** A command's inputs as the server accepts them, or one problem per input (by the input's id). */
export function parseCommand<C extends ConcernCommand>(
  command: C,
  input: Record<string, unknown>,
): { ok: true; input: CommandInput<C> } | { ok: false; errors: Partial<Record<CommandField, string>> } {
  const parsed = commandInput[command].safeParse(input);
  if (parsed.success) return { ok: true, input: parsed.data as CommandInput<C> };
  const fields: readonly string[] = COMMAND_FIELDS[command];
  const errors: Partial<Record<CommandField, string>> = {};
  for (const issue of parsed.error.issues) {
    const path = String(issue.path[0] ?? '');
    const field = (fields.includes(path) ? path : fields[0]) as CommandField | undefined;
    if (field) errors[field] ??= issue.message;
  }
  return { ok: false, errors };
}

/**
 * What the Lead sent for a command, kept to put back on the card when it is refused: only the
 * command's own inputs, as strings, without control characters, an over-long note cut to
 * KEPT_NOTE_MAX (the message says so).
 */
export function keptInput(command: ConcernCommand, input: Record<string, unknown>): Partial<Record<CommandField, string>> {
  const kept: Partial<Record<CommandField, string>> = {};
  for (const field of COMMAND_FIELDS[command] as readonly CommandField[]) {
    const value = input[field];
    if (typeof value !== 'string') continue;
    kept[field] = value.replace(CONTROL_CHARACTERS, '').slice(0, field.endsWith('Note') ? KEPT_NOTE_MAX : KEPT_OTHER_MAX);
  }
  return kept;
}

/** The inputs of a command a Lead sent, shown back to them when it was refused or needs confirming. */
export interface CommandForm {
  command: Exclude<ConcernCommand, 'acknowledge'>;
  values: Partial<Record<CommandField, string>>;
  /** One problem per input, shown next to it. */
  errors: Partial<Record<CommandField, string>>;
  /** Whether sending it again can work (false when the concern's status does not allow it at all). */
  canResend: boolean;
}

/** What a Lead is told when a command of theirs was not applied: "Not recorded: ...". */
export const NOT_DONE: Record<ConcernCommand, string> = {
  acknowledge: 'Not acknowledged',
  recordAction: 'Not recorded',
  reroute: 'Not rerouted',
  close: 'Not closed',
};

/**
 * Closing cannot be undone, so the first "Close concern" only asks; the card's Confirm button
 * sends the same command again with `confirmed` (and the same revision, so a change meanwhile is
 * still caught).
 */
export function needsConfirmation(command: ConcernCommand, input: Record<string, unknown>): boolean {
  return command === 'close' && input.confirmed !== true && input.confirmed !== 'true';
}

/** The form of a command with inputs, filled in with what the Lead sent; none for acknowledge. */
export function sentForm(
  record: ConcernRecord,
  command: ConcernCommand,
  input: Record<string, unknown>,
  errors: CommandForm['errors'] = {},
): CommandForm | undefined {
  if (command === 'acknowledge') return undefined;
  return { command, values: keptInput(command, input), errors, canResend: nextStatus(record.status, command) !== undefined };
}

/** What to do with a Lead's command: apply it, or say why not (with the form as sent), or ask first. */
export type CommandDecision =
  | { kind: 'apply'; to: ConcernStatus; input: AnyCommandInput }
  | { kind: 'stale'; form: CommandForm | undefined }
  | { kind: 'notAllowed'; message: string; form: CommandForm | undefined }
  | { kind: 'invalid'; message: string; form: CommandForm | undefined }
  | { kind: 'confirm'; form: CommandForm };

/**
 * Decides a command from the card's revision, the concern's status and what was sent: an old card
 * changes nothing; a command the status does not allow, or inputs that fail their checks, come back
 * as the form that was sent with each problem next to its input; a close is confirmed first.
 */
export function decideCommand(record: ConcernRecord, command: ConcernCommand, cardRevision: number, input: Record<string, unknown>): CommandDecision {
  if (!Number.isInteger(cardRevision) || cardRevision !== record.revision) return { kind: 'stale', form: sentForm(record, command, input) };
  const to = nextStatus(record.status, command);
  if (!to) {
    const message = `This concern is ${STATUS_LABELS[record.status].toLowerCase()}: it cannot be changed that way.`;
    return { kind: 'notAllowed', message, form: sentForm(record, command, input) };
  }
  const parsed = parseCommand(command, input);
  if (!parsed.ok) {
    const message = `${NOT_DONE[command]}: nothing has been changed. Check the answer marked below and send it again.`;
    return { kind: 'invalid', message, form: sentForm(record, command, input, parsed.errors) };
  }
  if (command === 'close' && needsConfirmation(command, input)) {
    const close = parsed.input as CommandInput<'close'>;
    return { kind: 'confirm', form: { command, values: { outcome: close.outcome, closeNote: close.closeNote ?? '' }, errors: {}, canResend: true } };
  }
  return { kind: 'apply', to, input: parsed.input };
}

/** The record after a command, the history line for it, the Lead's note, and any group that now needs a notice. */
export function applyCommand(record: ConcernRecord, command: ConcernCommand, input: AnyCommandInput, actor: PersonRef, now: Date) {
  const handledBy = record.handledBy ?? actor;
  switch (command) {
    case 'acknowledge':
      return { record: { ...record, handledBy: actor }, type: 'acknowledged' as const, detail: 'Acknowledged', newGroups: [], note: undefined };
    case 'recordAction': {
      const action = leadActionSchema.parse(input.action);
      const reference = action === 'nrmReferral' ? input.nrmReference : undefined;
      const recorded = { action, by: actor, at: now.toISOString(), ...(reference ? { reference } : {}) };
      const detail = reference ? `${LEAD_ACTIONS[action]} (reference ${reference})` : LEAD_ACTIONS[action];
      return {
        record: { ...record, handledBy, actions: [...record.actions, recorded] },
        type: 'actionRecorded' as const,
        detail,
        newGroups: [],
        note: input.actionNote,
      };
    }
    case 'reroute': {
      const group = z.enum(GROUP_IDS).parse(input.group);
      const newGroups = record.notifiedGroups.includes(group) ? [] : [group];
      return {
        record: {
          ...record,
          handledBy,
          group,
          notifiedGroups: [...record.notifiedGroups, ...newGroups],
          rerouted: { from: record.group, by: actor, at: now.toISOString() },
        },
        type: 'rerouted' as const,
        detail: `Rerouted from ${GROUP_INFO[record.group].name} to ${GROUP_INFO[group].name}`,
        newGroups,
        note: input.rerouteNote,
      };
    }
    case 'close': {
      const outcome = outcomeSchema.parse(input.outcome);
      return {
        record: { ...record, handledBy, outcome, closedAt: now.toISOString() },
        type: 'closed' as const,
        detail: `Closed: ${OUTCOMES[outcome]}`,
        newGroups: [],
        note: input.closeNote,
      };
    }
  }
}

/** "Since your card: 21 Nov 10:02 Acknowledged (Sam Lead)..." from the events after the card's revision. */
export function describeChanges(events: ConcernEvent[], cardRevision: number): string {
  const since = events.filter((e) => !Number.isInteger(cardRevision) || e.revision > cardRevision);
  if (!since.length) return 'This card is out of date. The card below shows the concern as it is now.';
  const lines = since.map((e) => `${e.detail} by ${e.by.name}`);
  return `Not changed: someone acted first. Since your card was shown: ${lines.join('; ')}. The card below shows the concern as it is now.`;
}
