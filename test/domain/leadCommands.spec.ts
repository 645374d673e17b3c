import assert from 'node:assert/strict';
import { parseIntake } from '../../src/domain/concern.js';
import type { ConcernRecord } from '../../src/domain/concernRecord.js';
import { applyCommand, keptInput, KEPT_NOTE_MAX, needsConfirmation, parseCommand } from '../../src/domain/leadCommands.js';
import { validIntake } from '../support/harness.js';

const lead = { aadObjectId: 'aad-lead', name: 'Lee Lead' };
const now = new Date('2027-03-03T10:02:00Z');

function concern(): ConcernRecord {
  const parsed = parseIntake(validIntake());
  if (!parsed.ok) throw new Error('fixture');
  return {
    id: 'c1',
    reference: 'MS-2027-000123',
    reporter: { aadObjectId: 'aad-staff', name: 'Sam Staff' },
    createdAt: '2027-03-01T09:30:00.000Z',
    updatedAt: '2027-03-01T09:30:00.000Z',
    intake: parsed.intake,
    status: 'acknowledged',
    group: 'housing',
    notifiedGroups: ['housing'],
    guidance: [],
    urgent: false,
    treatedAsChild: false,
    revision: 2,
    handledBy: lead,
    actions: [],
  };
}

describe("a Lead's commands", () => {
  it('when a note is over 500 characters, then it is refused with its length, next to the note input of that form', () => {
    const result = parseCommand('close', { outcome: 'noFurtherAction', closeNote: 'x'.repeat(612) });
    assert.deepEqual(result, { ok: false, errors: { closeNote: 'Keep the note to 500 characters; it has 612.' } });
    const cut = parseCommand('reroute', { group: 'health', rerouteNote: 'x'.repeat(5000) });
    assert.match(!cut.ok ? (cut.errors.rerouteNote ?? '') : '', /it has 5,000\. Only the first 1,000 are kept below\./);
  });

  it('when a note has spaces around it, line breaks or control characters, then it is kept trimmed with its line breaks and without the control characters; an empty note is no note', () => {
    const result = parseCommand('recordAction', { action: 'policeInformed', actionNote: '  Rang 101\r\nRef given\u0007  ' });
    assert.deepEqual(result, { ok: true, input: { action: 'policeInformed', actionNote: 'Rang 101\nRef given' } });
    const empty = parseCommand('recordAction', { action: 'policeInformed', actionNote: '   ' });
    assert.ok(empty.ok && empty.input.actionNote === undefined);
  });

  it('when a choice is missing or not one on offer, then the problem is named in words next to that input', () => {
    assert.deepEqual(parseCommand('recordAction', { action: 'deleteEverything' }), { ok: false, errors: { action: 'Choose the action taken.' } });
    assert.deepEqual(parseCommand('reroute', {}), { ok: false, errors: { group: 'Choose a group.' } });
    assert.deepEqual(parseCommand('close', { outcome: '' }), { ok: false, errors: { outcome: 'Choose an outcome.' } });
  });

  it('when a command is refused, then what was sent is kept as text for its own inputs only, an over-long note cut to what fits on the card', () => {
    const kept = keptInput('recordAction', {
      verb: 'concern.recordAction',
      concernId: 'c1',
      action: 'nrmReferral',
      actionNote: 'n'.repeat(9000),
      closeNote: 'other form',
    });
    assert.deepEqual(Object.keys(kept), ['action', 'actionNote']);
    assert.equal(kept.actionNote?.length, KEPT_NOTE_MAX);
  });

  it('when "Close concern" is pressed, then it needs confirming; the Confirm button says it is confirmed; nothing else needs it', () => {
    assert.equal(needsConfirmation('close', { outcome: 'noFurtherAction' }), true);
    assert.equal(needsConfirmation('close', { outcome: 'noFurtherAction', confirmed: true }), false);
    assert.equal(needsConfirmation('reroute', { group: 'health' }), false);
  });

  it('when a command has a note, then the note is for the history alone: the record (what notices, escalations and updates are made from) never holds it', () => {
    const before = concern();
    for (const [command, input] of [
      ['recordAction', { action: 'policeInformed', actionNote: 'NOTE-CANARY' }],
      ['reroute', { group: 'enforcement', rerouteNote: 'NOTE-CANARY' }],
      ['close', { outcome: 'policeInvestigation', closeNote: 'NOTE-CANARY' }],
    ] as const) {
      const change = applyCommand(before, command, input, lead, now);
      assert.equal(change.note, 'NOTE-CANARY');
      assert.doesNotMatch(JSON.stringify(change.record), /NOTE-CANARY/);
    }
  });

  it('when a concern is rerouted, then the record says from which group, by whom and when', () => {
    const change = applyCommand(concern(), 'reroute', { group: 'enforcement' }, lead, now);
    assert.equal(change.record.group, 'enforcement');
    assert.deepEqual(change.record.rerouted, { from: 'housing', by: lead, at: now.toISOString() });
    assert.equal(change.detail, 'Rerouted from Housing to Enforcement');
  });
});
