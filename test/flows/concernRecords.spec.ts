import assert from 'node:assert/strict';
import { assertTeamsCard } from '../support/adaptiveCards.js';
import { textsOf, visibleText } from '../support/cards.js';
import { invokeCard, personalConversation, runningApp, waitFor } from '../support/harness.js';
import { buttonData, raiseForLead } from '../support/leadCards.js';

/** The parts of the subject access file the tests read. */
interface ExportFile {
  about: string;
  reference: string;
  concern: { intake: { observed: string }; caseDetails: unknown; actions: { action: string }[] };
  history: { type: string; note?: string }[];
  auditTrail: { action: string; actorName: string | null }[];
  messages: Record<string, unknown>[];
}

type Consent = { contentType: string; name: string; content: { acceptContext: Record<string, unknown>; sizeInBytes: number } };

describe("a concern's audit trail and subject access export on the Lead card, end to end over HTTP", () => {
  const world = runningApp();

  before(async () => {
    for (const key of ['lead', 'lead2', 'staff', 'housingMember'] as const) await world.teams.install(key);
  });
  beforeEach(() => world.connector.clear());

  const audit = (id: string) => world.app.stores.audit.forConcern(id);

  /** Accepts a file consent card as Teams does, with an upload URL on the stand-in connector. */
  const accept = (key: 'lead' | 'staff', context: Record<string, unknown>, upload: string) =>
    world.teams.invoke(key, 'fileConsent/invoke', {
      type: 'fileUpload',
      action: 'accept',
      context,
      uploadInfo: {
        name: `${upload}.json`,
        uploadUrl: world.connector.uploadUrl(upload),
        contentUrl: `https://onedrive.example/${upload}`,
        uniqueId: upload,
        fileType: 'json',
      },
    });

  it('when the Lead opens "Who has seen or changed this", then it lists who raised, opened, changed and was refused, by name, with local times, and the look itself is audited', async () => {
    const { id, card } = await raiseForLead(world);
    await world.teams.execute('lead2', 'concern.acknowledge', buttonData(card, 'Acknowledge'));
    await world.teams.execute('lead2', 'concern.refresh', { concernId: id });
    await world.teams.execute('housingMember', 'concern.refresh', { concernId: id });

    const trail = invokeCard(await world.teams.execute('lead', 'concern.trail', buttonData(card, 'Who has seen or changed this')));
    assertTeamsCard(trail);
    const lines = textsOf(trail);
    const has = (pattern: RegExp) =>
      assert.ok(
        lines.some((l) => pattern.test(l)),
        `a line like ${pattern}; lines: ${lines.join(' | ')}`,
      );
    has(/^\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}: Sam Staff, Raised the concern \(allowed\)$/);
    has(/: Dana Second, Changed the concern: acknowledged \(allowed\)$/);
    has(/: Dana Second, Opened the concern \(allowed\)$/);
    has(/: Hugo Member, Tried to see or change the concern: view: not a Modern Slavery Lead \(refused\)$/);
    has(/: Lee Lead, Looked at who has seen or changed it \(allowed\)$/);
    assert.match(lines[2]!, /Lee Lead, Looked at who has seen or changed it/, 'newest first');
    assert.ok((await audit(id)).some((e) => e.action === 'concern.trailViewed' && e.actorId === 'aad-lead' && e.outcome === 'allowed'));

    const refused = invokeCard(await world.teams.execute('staff', 'concern.trail', { concernId: id }));
    assert.match(visibleText(refused), /Only the Modern Slavery Lead and deputies/);
    assert.ok((await audit(id)).some((e) => e.actorId === 'aad-staff' && e.reason === 'audit trail: not a Modern Slavery Lead'));
  });

  it('when the Lead exports a concern and accepts the file, then a JSON file named after the reference arrives with the record, its history and notes, its audit trail and its messages, and the export is audited when sent', async () => {
    const { id, card } = await raiseForLead(world, { observed: 'Export-canary: six men collected at 5am' });
    await world.teams.execute('lead', 'concern.recordAction', {
      ...buttonData(card, 'Record an action', 'Record'),
      action: 'policeInformed',
      actionNote: 'Note-canary',
    });
    const record = (await world.app.stores.concerns.get(id))!.record;
    const form = invokeCard(await world.teams.execute('lead', 'concern.caseDetails.open', { concernId: id }));
    await world.teams.execute('lead', 'concern.caseDetails.save', { ...buttonData(form, 'Save case details'), ageYears: '29', nationality: 'AL' });
    world.connector.clear();

    const answer = invokeCard(await world.teams.execute('lead', 'concern.export', buttonData(card, 'Export for a subject access request')));
    assert.match(visibleText(answer), /accept it to save it to your OneDrive/);
    const consent = (world.connector.sentTo(personalConversation('lead')).at(-1)!.body.attachments as Consent[])[0]!;
    assert.equal(consent.contentType, 'application/vnd.microsoft.teams.card.file.consent');
    assert.equal(consent.name, `${record.reference}-subject-access.json`);
    assert.ok(!(await audit(id)).some((e) => e.action === 'concern.exported'), 'offering the file is not an export');

    const accepted = await accept('lead', consent.content.acceptContext, 'export-1');
    assert.equal(accepted.body?.statusCode, 200);
    const upload = world.connector.uploads.get('export-1');
    assert.ok(upload, 'the file was uploaded');
    const file = JSON.parse(upload.bytes.toString('utf8')) as ExportFile;
    assert.match(upload.bytes.toString('utf8'), /^\{\n {2}"about"/, 'pretty-printed');
    assert.equal(file.reference, record.reference);
    assert.equal(file.concern.intake.observed, 'Export-canary: six men collected at 5am');
    assert.deepEqual(file.concern.caseDetails, { ageYears: 29, nationality: 'AL', outcomes: {} });
    assert.equal(file.concern.actions[0]!.action, 'policeInformed');
    assert.deepEqual(
      file.history.map((e) => e.type),
      ['raised', 'actionRecorded', 'caseDetailsUpdated'],
    );
    assert.equal(file.history[1]!.note, 'Note-canary');
    assert.ok(file.auditTrail.some((e) => e.action === 'concern.raised' && e.actorName === 'Sam Staff'));
    assert.ok(file.messages.some((m) => m.kind === 'leadCard' && m.recipient === 'aad-lead'));
    assert.ok(file.messages.every((m) => typeof m.state === 'string' && !('payload' in m)));
    const shown = world.connector.sentTo(personalConversation('lead')).at(-1)!;
    assert.equal((shown.body.attachments as { contentType: string }[])[0]!.contentType, 'application/vnd.microsoft.teams.card.file.info');
    const exported = (await audit(id)).filter((e) => e.action === 'concern.exported');
    assert.deepEqual(
      exported.map((e) => [e.actorId, e.outcome]),
      [['aad-lead', 'allowed']],
    );
  });

  it('when someone who is not a Lead asks for the export or accepts a consent card for one, then nothing is offered or uploaded, and each refusal is audited', async () => {
    const { id } = await raiseForLead(world);
    const answer = invokeCard(await world.teams.execute('staff', 'concern.export', { concernId: id }));
    assert.match(visibleText(answer), /Only the Modern Slavery Lead and deputies/);
    assert.ok(!world.connector.sentTo(personalConversation('staff')).some((c) => JSON.stringify(c.body).includes('file.consent')), 'no consent card');
    const before = world.connector.uploads.size;
    const accepted = await accept('staff', { subjectAccess: id }, 'by-staff');
    assert.equal(accepted.status, 200);
    assert.equal(world.connector.uploads.size, before, 'nothing uploaded');
    await waitFor(
      () => world.connector.sentTo(personalConversation('staff')).some((c) => /Only the Modern Slavery Lead/.test(visibleText(c.body))),
      'the refusal',
    );
    const refusals = (await audit(id)).filter((e) => e.actorId === 'aad-staff' && e.outcome === 'refused').map((e) => e.reason);
    assert.deepEqual(refusals, ['export: not a Modern Slavery Lead', 'export: not a Modern Slavery Lead']);
    assert.ok(!(await audit(id)).some((e) => e.action === 'concern.exported'));
  });
});
