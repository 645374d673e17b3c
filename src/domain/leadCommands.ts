import { z } from 'zod';
import { LEAD_ACTIONS, OUTCOMES, groupIdSchema, leadActionSchema, outcomeSchema } from './concern.js';
import type { ConcernEvent, ConcernRecord, PersonRef } from './concernRecord.js';
import { GROUP_INFO } from './groups.js';
import type { ConcernCommand } from './status.js';

/** What a Lead sends with a command (card inputs); validated here, not trusted. */
export const commandInput = {
  acknowledge: z.object({}),
  recordAction: z
    .object({
      action: leadActionSchema,
      nrmReference: z
        .string()
        .trim()
        .max(40, 'An NRM reference is at most 40 characters.')
        .regex(/^[A-Za-z0-9\-/ ]*$/, 'An NRM reference has letters, digits, spaces, / and - only.')
        .optional(),
    })
    .refine((v) => v.action !== 'nrmReferral' || (v.nrmReference ?? '') !== '', { message: 'Give the NRM referral reference.', path: ['nrmReference'] }),
  reroute: z.object({ group: groupIdSchema }),
  close: z.object({ outcome: outcomeSchema }),
} satisfies Record<ConcernCommand, z.ZodType>;

/** The record after a command, the history line for it, and any group that now needs a notice. */
export function applyCommand(record: ConcernRecord, command: ConcernCommand, input: Record<string, string>, actor: PersonRef, now: Date) {
  const handledBy = record.handledBy ?? actor;
  switch (command) {
    case 'acknowledge':
      return { record: { ...record, handledBy: actor }, type: 'acknowledged' as const, detail: 'Acknowledged', newGroups: [] };
    case 'recordAction': {
      const action = leadActionSchema.parse(input.action);
      const reference = action === 'nrmReferral' ? input.nrmReference : undefined;
      const recorded = { action, by: actor, at: now.toISOString(), ...(reference ? { reference } : {}) };
      const detail = reference ? `${LEAD_ACTIONS[action]} (reference ${reference})` : LEAD_ACTIONS[action];
      return { record: { ...record, handledBy, actions: [...record.actions, recorded] }, type: 'actionRecorded' as const, detail, newGroups: [] };
    }
    case 'reroute': {
      const group = groupIdSchema.parse(input.group);
      const newGroups = record.notifiedGroups.includes(group) ? [] : [group];
      return {
        record: { ...record, handledBy, group, notifiedGroups: [...record.notifiedGroups, ...newGroups] },
        type: 'rerouted' as const,
        detail: `Rerouted from ${GROUP_INFO[record.group].name} to ${GROUP_INFO[group].name}`,
        newGroups,
      };
    }
    case 'close': {
      const outcome = outcomeSchema.parse(input.outcome);
      return {
        record: { ...record, handledBy, outcome, closedAt: now.toISOString() },
        type: 'closed' as const,
        detail: `Closed: ${OUTCOMES[outcome]}`,
        newGroups: [],
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
