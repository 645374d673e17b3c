import { z } from 'zod';
import { GROUP_IDS, type GroupId } from './groups.js';
import type { Roster } from './people.js';

const person = z.object({
  // Entra object ids are GUIDs; anything with other characters is a copy-paste slip, and ids are used in storage keys.
  aadObjectId: z
    .string()
    .trim()
    .min(1, 'aadObjectId is required')
    .regex(/^[A-Za-z0-9-]+$/, 'aadObjectId may only hold letters, digits and hyphens (an Entra object id)'),
  name: z.string().trim().min(1, 'name is required'),
});

const group = z.object({
  id: z.enum(GROUP_IDS),
  name: z.string().trim().min(1),
  leads: z.array(person).default([]),
  members: z.array(person).default([]),
});

const localDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a local date such as 2027-07-02');

/** A whole number of years within bounds (the path names the setting). */
const wholeYears = (min: number, max: number) =>
  z
    .number({ error: 'must be a number of years, such as 6' })
    .int('must be a whole number of years')
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);

/** The protocol file: who holds which role, the groups and the deadline. */
export const protocolSchema = z
  .object({
    tenantId: z.string().trim().min(1),
    timeZone: z.string().default('Europe/London'),
    deadline: localDate,
    modernSlaveryLeads: z.array(person).min(1, 'at least one Modern Slavery Lead is needed: concerns go to them'),
    /** Deputies receive escalations; they act on concerns like the Lead. */
    deputies: z.array(person).default([]),
    coordinators: z.array(person).min(1, 'at least one coordinator is needed'),
    groups: z.array(group),
    /** When deadline reminders go out (defaults as in docs/routing.md). */
    reminders: z
      .object({
        daysBefore: z.array(z.number().int().min(1).max(60)).default([14, 7, 3, 1]),
        onTheDay: z.boolean().default(true),
        lateEveryWorkingDays: z.number().int().min(1).max(20).default(2),
        sendAt: z
          .string()
          .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a local time such as 09:00')
          .default('09:00'),
      })
      .prefault({}),
    /** When an unacknowledged concern is escalated to the deputies and coordinators. */
    escalation: z
      .object({
        urgentAfterMinutes: z.array(z.number().int().min(1)).default([60]),
        otherAfterWorkingDays: z.array(z.number().int().min(1)).default([1]),
      })
      .prefault({}),
    /** Extra bank holidays (England and Wales) beyond the date-holidays package, e.g. a one-off royal holiday. */
    bankHolidays: z.array(localDate).default([]),
    /** How long a closed concern is kept in full before the retention pass anonymises it (docs/data-protection.md). */
    retention: z
      .object({
        adultYearsAfterClosure: wholeYears(1, 100).default(6),
        childUntilAge: wholeYears(18, 120).default(25),
        childYearsAfterClosureAtLeast: wholeYears(1, 100).default(6),
      })
      .strict()
      .prefault({}),
  })
  .superRefine((value, ctx) => {
    for (const id of GROUP_IDS) {
      const count = value.groups.filter((g) => g.id === id).length;
      if (count !== 1) {
        ctx.addIssue({ code: 'custom', path: ['groups'], message: `group "${id}" must appear exactly once (found ${count})` });
      }
    }
    try {
      new Intl.DateTimeFormat('en-GB', { timeZone: value.timeZone });
    } catch {
      ctx.addIssue({ code: 'custom', path: ['timeZone'], message: `unknown time zone "${value.timeZone}"` });
    }
  });

export type Protocol = z.infer<typeof protocolSchema>;
export type Person = z.infer<typeof person>;

/** The roles a person holds, worked out from the roster (seeded from the protocol file, then managed in Teams). */
export interface Roles {
  modernSlaveryLead: boolean;
  coordinator: boolean;
  leadOf: GroupId[];
  memberOf: GroupId[];
}

/** Roles for an Entra object id; an unknown id is plain staff (no roles). `protocol` is the file, or the roster kept in storage. */
export function rolesOf(protocol: Roster, aadObjectId: string | undefined): Roles {
  const is = (list: Person[]) => aadObjectId !== undefined && list.some((p) => p.aadObjectId === aadObjectId);
  return {
    modernSlaveryLead: is(protocol.modernSlaveryLeads) || is(protocol.deputies),
    coordinator: is(protocol.coordinators),
    leadOf: protocol.groups.filter((g) => is(g.leads)).map((g) => g.id),
    memberOf: protocol.groups.filter((g) => is(g.leads) || is(g.members)).map((g) => g.id),
  };
}

/** Formats zod issues as "path: message" lines so an operator can find the wrong entry. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`).join('\n');
}
