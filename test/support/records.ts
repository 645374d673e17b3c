import { randomUUID } from 'node:crypto';
import { parseIntake } from '../../src/domain/concern.js';
import type { ConcernEvent, ConcernRecord } from '../../src/domain/concernRecord.js';
import type { AuditIntent } from '../../src/storage/auditLog.js';
import { validIntake } from './harness.js';

/** A stored concern as the service makes it, with a fresh id; override fields per test. */
export function concernRecord(overrides: Partial<ConcernRecord> = {}): ConcernRecord {
  const parsed = parseIntake(validIntake());
  if (!parsed.ok) throw new Error('fixture');
  const now = new Date().toISOString();
  return {
    id: randomUUID(),
    reference: 'MS-2027-000001',
    reporter: { aadObjectId: 'aad-staff', name: 'Sam' },
    createdAt: now,
    updatedAt: now,
    intake: parsed.intake,
    status: 'new',
    group: 'housing',
    notifiedGroups: ['housing'],
    guidance: [],
    urgent: false,
    treatedAsChild: false,
    revision: 1,
    actions: [],
    ...overrides,
  };
}

/** The first event of a concern: raised by its reporter when it was created. */
export const raisedEvent = (c: ConcernRecord) =>
  ({ revision: 1, type: 'raised' as const, by: c.reporter, at: c.createdAt, detail: 'Concern raised' }) satisfies ConcernEvent;

/** The audit intent stored with a change of a concern (the "raised" row for a new one). */
export const auditFor = (c: ConcernRecord, action: 'concern.raised' | 'concern.changed' = 'concern.raised'): AuditIntent => ({
  eventId: randomUUID(),
  event: { at: c.updatedAt, actorId: c.reporter.aadObjectId, action, concernId: c.id, outcome: 'allowed' },
});
