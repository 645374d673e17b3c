import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { strFromU8, unzipSync } from 'fflate';
import type { GroupId } from '../../src/domain/groups.js';
import type { DraftContent, TemplateId } from '../../src/domain/templates.js';
import { collationPreviewCard } from '../../src/cards/collationCards.js';
import { visibleText } from '../support/cards.js';
import { personalConversation, runningApp, type RunningApp, TeamsClient } from '../support/harness.js';
import type { FakeConnector } from '../support/fakeConnector.js';
import { testProtocol } from '../support/people.js';

const run = promisify(execFile);
const alex = { aadObjectId: 'aad-seed', name: 'Sam Seeder' };

/** The text of word/document.xml in a .docx, for "does it say ..." checks. */
const documentText = (docx: Buffer) => strFromU8(unzipSync(new Uint8Array(docx))['word/document.xml']!);

const strategy = (group: GroupId, words: string): DraftContent => ({
  template: 'strategy',
  sections: {
    pursue: `${group} pursue: ${words}`,
    prevent: `${group} prevent plan`,
    protect: '',
    prepare: `${group} prepare plan`,
    partnership: `${group} partnership plan`,
  },
});
const pathway = (group: GroupId): DraftContent => ({
  template: 'pathway',
  text: `## ${group} officer finds a concern\n1. Officer: notices indicators\n2. Is anyone in danger? yes: 3, no: 4\n3. Officer: calls 999 -> end\n4. Officer: tells the Modern Slavery Lead`,
});

describe('collating the protocol, end to end over HTTP', function () {
  this.timeout(60_000);
  let app: RunningApp;
  let teams: TeamsClient;
  let connector: FakeConnector;
  const world = runningApp();

  /** Saves a version of a group's template and puts it in `status` (accepted or submitted), as the groups and the coordinator would. */
  async function seed(group: GroupId, template: TemplateId, content: DraftContent, status: 'accepted' | 'submitted') {
    const store = app.stores.protocol;
    const now = new Date();
    const saved = await store.saveVersion(group, template, content, alex, now, (current) => {
      const record = { ...current, status: 'drafting' as const, revision: current.revision + 1, latestVersion: current.latestVersion + 1 };
      return { record, event: { revision: record.revision, type: 'saved' as const, by: alex, at: now.toISOString(), detail: 'seeded' } };
    });
    const { etag } = await store.status(group, template);
    const next = { ...saved, status, revision: saved.revision + 1, submittedVersion: saved.latestVersion, submittedBy: alex, submittedAt: now.toISOString() };
    await store.changeStatus(next, etag, { revision: next.revision, type: 'submitted', by: alex, at: now.toISOString(), detail: 'seeded' }, []);
  }

  before(async () => {
    ({ app, teams, connector } = world);
    for (const key of ['coordinator', 'staff', 'housingLead'] as const) await teams.install(key);
    for (const group of ['housing', 'health', 'nrm', 'enforcement', 'transition', 'support'] as const) {
      await seed(group, 'strategy', strategy(group, 'share intelligence with the GLAA'), 'accepted');
      await seed(group, 'pathway', pathway(group), 'accepted');
    }
  });

  it('when someone who is not a coordinator types "collate", then they are refused, nothing is collated, and it is audited', async () => {
    await teams.message('housingLead', 'collate');
    const answer = connector.sentTo(personalConversation('housingLead')).at(-1)!;
    assert.match(visibleText(answer.body), /Only a protocol coordinator can collate/);
    assert.equal((await app.stores.collations.state()).currentVersion, 0);
    const audit = await app.stores.audit.forDay(new Date().toISOString().slice(0, 10));
    assert.ok(audit.some((e) => e.actorId === 'aad-housing-lead' && e.reason === 'collate: not a coordinator'));
  });

  it('when the coordinator types "collate", then version 1 is recorded and they get a preview naming the missing group and a file consent card for each document', async () => {
    connector.clear();
    await teams.message('coordinator', 'Collate!');
    // The groups' leads are asked to review the new version; for those without the app the coordinator gets a Waiting notice.
    const waiting = (c: { body: Record<string, unknown> }) =>
      (c.body.attachments as { contentType: string }[])[0]!.contentType === 'application/vnd.microsoft.card.adaptive' && /^Waiting:/.test(visibleText(c.body));
    const sent = connector.sentTo(personalConversation('coordinator')).filter((c) => !waiting(c));
    assert.equal(sent.length, 3, 'a preview and two file consent cards');
    const preview = visibleText(sent[0]!.body);
    assert.match(preview, /Protocol version 1 collated/);
    assert.match(preview, /Missing from the Strategy: Migration/);
    assert.match(preview, /accepted version/);
    const consents = sent
      .slice(1)
      .map((c) => (c.body.attachments as { contentType: string; name: string; content: { sizeInBytes: number; acceptContext: unknown } }[])[0]!);
    assert.deepEqual(
      consents.map((a) => [a.contentType, a.name]),
      [
        ['application/vnd.microsoft.teams.card.file.consent', 'Coventry-Modern-Slavery-Protocol-Strategy-v1.docx'],
        ['application/vnd.microsoft.teams.card.file.consent', 'Coventry-Modern-Slavery-Protocol-Pathways-v1.docx'],
      ],
    );
    assert.ok(consents.every((a) => a.content.sizeInBytes > 5_000));
    const record = await app.stores.collations.version(1);
    assert.equal(record?.sources.strategy.housing?.version, 1);
    assert.equal(record?.sources.strategy.migration, undefined);
  });

  it('when the coordinator accepts the file, then the Word document is uploaded where Teams said, whole, and shown in the chat', async () => {
    connector.clear();
    const uploadUrl = connector.uploadUrl('strategy-v1');
    const answer = await teams.invoke('coordinator', 'fileConsent/invoke', {
      type: 'fileUpload',
      action: 'accept',
      context: { collation: 1, document: 'strategy' },
      uploadInfo: {
        name: 'Coventry-Modern-Slavery-Protocol-Strategy-v1.docx',
        uploadUrl,
        contentUrl: 'https://onedrive.example/strategy-v1.docx',
        uniqueId: 'u-1',
        fileType: 'docx',
      },
    });
    assert.equal(answer.status, 200);
    const upload = connector.uploads.get('strategy-v1');
    assert.ok(upload, 'the file was uploaded');
    assert.equal(upload.contentRange, `bytes 0-${upload.bytes.length - 1}/${upload.bytes.length}`);
    const text = documentText(upload.bytes);
    for (const heading of ['Pursue', 'Prevent', 'Protect', 'Prepare', 'Partnership']) assert.match(text, new RegExp(heading));
    assert.match(text, /housing pursue: share intelligence with the GLAA/);
    assert.match(text, /Migration/);
    const shown = connector.sentTo(personalConversation('coordinator')).at(-1)!;
    assert.equal((shown.body.attachments as { contentType: string }[])[0]!.contentType, 'application/vnd.microsoft.teams.card.file.info');
    const audit = await app.stores.audit.forDay(new Date().toISOString().slice(0, 10));
    assert.ok(audit.some((e) => e.action === 'protocol.exported' && e.reason === 'version 1 strategy'));
  });

  it('when a file consent comes back tampered with, or from someone who is not a coordinator, then nothing is uploaded', async () => {
    const before = connector.uploads.size;
    const bad = await teams.invoke('coordinator', 'fileConsent/invoke', { action: 'accept', context: { collation: 'x' }, uploadInfo: {} });
    assert.equal(bad.body?.statusCode, 400);
    const missing = await teams.invoke('coordinator', 'fileConsent/invoke', {
      action: 'accept',
      context: { collation: 99, document: 'strategy' },
      uploadInfo: { name: 'x.docx', uploadUrl: connector.uploadUrl('v99'), contentUrl: 'https://x', uniqueId: 'u', fileType: 'docx' },
    });
    assert.equal(missing.status, 200);
    const staff = await teams.invoke('staff', 'fileConsent/invoke', {
      action: 'accept',
      context: { collation: 1, document: 'strategy' },
      uploadInfo: { name: 'x.docx', uploadUrl: connector.uploadUrl('by-staff'), contentUrl: 'https://x', uniqueId: 'u', fileType: 'docx' },
    });
    assert.equal(staff.status, 200);
    assert.equal(connector.uploads.size, before, 'nothing uploaded');
    assert.match(visibleText(connector.sentTo(personalConversation('staff')).at(-1)!.body), /Only a protocol coordinator/);
  });

  it('when a group resubmits and the protocol is collated again, then version 2 records the new version, version 1 rebuilds unchanged, and the two compare by group', async () => {
    const before = await app.collations.rebuild(1);
    await seed('housing', 'strategy', strategy('housing', 'and the police, within 48 hours'), 'submitted');
    await seed('migration', 'strategy', strategy('migration', 'check NRPF cases'), 'submitted');
    const result = await app.collations.collate({ aadObjectId: 'aad-coord', name: 'Cora Coordinator' }, 'latestSubmitted');
    assert.equal(result.kind, 'collated');
    const second = await app.stores.collations.version(2);
    assert.equal(second?.sources.strategy.housing?.version, 2);
    assert.equal(second?.basis, 'latestSubmitted');
    assert.deepEqual(await app.collations.rebuild(1), before, 'version 1 is rebuilt from what it recorded');
    assert.ok(result.kind === 'collated');
    assert.match(
      visibleText(collationPreviewCard(result.input, result.missing, result.changes)),
      /Changed since version 1: Housing Strategy \(v1 to v2\); Migration Strategy \(new, v1\)\./,
    );
    const changes = await app.collations.compare(1, 2);
    assert.deepEqual(changes, [
      { template: 'strategy', group: 'housing', from: 1, to: 2 },
      { template: 'strategy', group: 'migration', to: 1 },
    ]);
  });

  it('when an operator runs "npm run collate -- --out <folder>", then both documents are written there and their names and sizes printed', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'collate-'));
    const protocolFile = path.join(dir, 'protocol.json');
    writeFileSync(protocolFile, JSON.stringify(testProtocol()));
    const env = { ...process.env, TABLES_CONNECTION_STRING: world.tables.connectionString, PROTOCOL_CONFIG: protocolFile, NODE_ENV: 'test' };
    const out = path.join(dir, 'out');
    const { stdout } = await run(process.execPath, [require.resolve('tsx/cli'), 'src/cli/collate.ts', '--out', out], {
      env,
      cwd: path.join(__dirname, '..', '..'),
    });
    assert.match(stdout, /Protocol version 3/);
    const files = readdirSync(out).sort();
    assert.deepEqual(files, ['Coventry-Modern-Slavery-Protocol-Pathways-v3.docx', 'Coventry-Modern-Slavery-Protocol-Strategy-v3.docx']);
    for (const file of files) assert.match(stdout, new RegExp(`${file}\\s+\\d+\\.\\d KB`));
    assert.ok(statSync(path.join(out, files[0]!)).size > 5_000);
    assert.match(documentText(readFileSync(path.join(out, files[1]!))), /health pursue: share intelligence/);
  });
});
