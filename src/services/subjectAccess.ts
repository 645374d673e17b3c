import type { ConcernEvent, ConcernRecord, PersonRef } from '../domain/concernRecord.js';
import type { OutboxEntry } from '../domain/outbox.js';
import type { AuditEvent } from '../storage/auditLog.js';
import type { Directory } from './directory.js';

/**
 * Who an Entra object id is, for the audit trail and the export: the protocol file's name, else
 * the name Teams gave when the person raised or changed this concern; undefined when neither knows.
 */
export function namesFor(directory: Directory, concern: ConcernRecord, events: ConcernEvent[]): (aadObjectId: string) => string | undefined {
  const seen = new Map<string, string>();
  const people: (PersonRef | undefined)[] = [
    concern.reporter,
    concern.handledBy,
    concern.rerouted?.by,
    concern.legalHold?.by,
    ...concern.actions.map((a) => a.by),
    ...events.map((e) => e.by),
  ];
  for (const person of people) if (person) seen.set(person.aadObjectId, person.name);
  return (id) => directory.knownName(id) ?? seen.get(id);
}

/** What the subject access file holds: everything the app keeps about one concern, as kept. */
export interface SubjectAccessInput {
  concern: ConcernRecord;
  events: ConcernEvent[];
  audit: AuditEvent[];
  outbox: OutboxEntry[];
  exportedAt: Date;
  exportedBy: PersonRef;
  nameOf: (aadObjectId: string) => string | undefined;
}

/** The file's name: the concern's reference, so the Lead can find it again ("MS-2027-000123-subject-access.json"). */
export const subjectAccessFileName = (concern: ConcernRecord) => `${concern.reference}-subject-access.json`;

/**
 * The subject access export as pretty-printed UTF-8 JSON: the record (intake, actions, case
 * details, legal hold), its history with the Leads' notes, its audit trail with names where
 * known, and which messages it caused, to whom and how they fared (never what the cards said:
 * those are rendered from the record when sent, so the record already holds their content).
 */
export function subjectAccessFile(input: SubjectAccessInput): Buffer {
  const { concern } = input;
  const document = {
    about: `Everything the Modern Slavery Protocol app holds about concern ${concern.reference}, for a subject access request.`,
    reference: concern.reference,
    exportedAt: input.exportedAt.toISOString(),
    exportedBy: input.exportedBy,
    concern,
    history: input.events,
    auditTrail: input.audit.map((event) => ({ ...event, actorName: input.nameOf(event.actorId) ?? null })),
    messages: input.outbox.map((entry) => ({
      kind: entry.kind,
      recipient: entry.recipient,
      state: entry.state,
      attempts: entry.attempts,
      revision: entry.revision,
      ...(entry.lastStatus !== undefined ? { lastStatus: entry.lastStatus } : {}),
    })),
  };
  return Buffer.from(`${JSON.stringify(document, null, 2)}\n`, 'utf8');
}
