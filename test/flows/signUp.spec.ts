import assert from 'node:assert/strict';
import { tableClientFor } from '../../src/storage/tables.js';
import { addDays, localDate } from '../../src/domain/calendar.js';
import { SignUpStore } from '../../src/storage/signUpStore.js';
import { choiceTitles, findAction, inputIds, inputValue, visibleText } from '../support/cards.js';
import type { FakeConnector } from '../support/fakeConnector.js';
import { channelConversation, invokeCard, personalConversation, runningApp, type RunningApp, TeamsClient, waitFor } from '../support/harness.js';

const today = () => localDate(new Date(), 'Europe/London');
const day = () => new Date().toISOString().slice(0, 10);

/** A sign-up as a partner organisation's representative fills in the card. */
const signUp = (overrides: Record<string, string> = {}) => ({
  organisation: 'Coventry Refugee and Migrant Centre',
  signatory: 'Amara Okafor',
  role: 'Chief Executive',
  documents: 'strategy,pathways',
  signedOn: today(),
  ...overrides,
});

/** Reads CSV as a spreadsheet would (RFC 4180: quoted cells, doubled quotes, CRLF between rows). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted && c === '"' && text[i + 1] === '"') {
      cell += '"';
      i++;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (!quoted && c === ',') {
      row.push(cell);
      cell = '';
    } else if (!quoted && c === '\r' && text[i + 1] === '\n') {
      rows.push([...row, cell]);
      row = [];
      cell = '';
      i++;
    } else {
      cell += c;
    }
  }
  if (cell || row.length) rows.push([...row, cell]);
  return rows;
}

describe('signing up to the protocol, end to end over HTTP', function () {
  this.timeout(60_000);
  let app: RunningApp;
  let teams: TeamsClient;
  let connector: FakeConnector;
  let store: SignUpStore;
  const world = runningApp();

  const audit = () => app.stores.audit.forDay(day());

  before(async () => {
    ({ app, teams, connector } = world);
    store = new SignUpStore(tableClientFor(world.tables.connectionString, 'collations'));
    for (const key of ['coordinator', 'staff', 'housingLead'] as const) await teams.install(key);
  });

  it('when a coordinator types "send sign-up" in a team channel, then the sign-up card is posted in that channel, and it is audited', async () => {
    await teams.mention('coordinator', 'send sign-up', 'partners');
    const card = connector.sentTo(channelConversation('partners')).at(-1)!.body;
    assert.match(visibleText(card), /Sign up to the Modern Slavery Protocol/);
    assert.deepEqual(inputIds(card), ['organisation', 'signatory', 'role', 'documents', 'signedOn']);
    assert.deepEqual(choiceTitles(card, 'documents'), ['The Strategy (5P)', 'The Pathways']);
    assert.ok((await audit()).some((e) => e.actorId === 'aad-coord' && e.action === 'signup.sent' && e.outcome === 'allowed'));
  });

  it('when someone who is not a coordinator types "send sign-up" in a channel, then nothing is posted but a refusal, and it is audited', async () => {
    connector.clear();
    await teams.mention('staff', 'send sign-up', 'partners');
    const sent = connector.sentTo(channelConversation('partners'));
    assert.equal(sent.length, 1);
    assert.match(visibleText(sent[0]!.body), /Only a protocol coordinator can send the sign-up card/);
    assert.ok((await audit()).some((e) => e.actorId === 'aad-staff' && e.reason === 'send sign-up: not a coordinator' && e.outcome === 'refused'));
  });

  it('when someone in the tenant signs up from the card in the channel, then the sign-up is stored with who entered it and they see what was recorded', async () => {
    const card = invokeCard(await teams.execute('staff', 'signUp.submit', signUp(), { channel: 'partners' }));
    const text = visibleText(card);
    assert.match(text, /Thank you: signed up/);
    assert.match(text, /Organisation: Coventry Refugee and Migrant Centre/);
    assert.match(text, /Signed by: Amara Okafor, Chief Executive/);
    assert.match(text, /Signed up to: The Strategy \(5P\) and The Pathways/);
    const stored = await store.all();
    assert.equal(stored.length, 1);
    assert.deepEqual(stored[0]!.enteredBy, { aadObjectId: 'aad-staff', name: 'Sam Staff' });
    assert.deepEqual(stored[0]!.documents, ['strategy', 'pathways']);
    assert.equal(stored[0]!.signedOn, today());
    assert.ok((await audit()).some((e) => e.actorId === 'aad-staff' && e.action === 'signup.recorded' && /^new sign-up/.test(e.reason ?? '')));
  });

  it('when the same organisation signs again, spelt differently, then its one entry is updated and never duplicated', async () => {
    const first = (await store.all())[0]!;
    const again = signUp({ organisation: '  COVENTRY Refugee & Migrant  Centre. ', signatory: 'Ben Hale', role: 'Chair of Trustees', documents: 'strategy' });
    const card = invokeCard(await teams.execute('staff2', 'signUp.submit', again));
    assert.match(visibleText(card), /Sign-up updated/);
    const stored = await store.all();
    assert.equal(stored.length, 1, 'one row for the organisation');
    assert.equal(stored[0]!.organisation, 'COVENTRY Refugee & Migrant Centre.', 'the latest spelling, spaces tidied');
    assert.equal(stored[0]!.signatory, 'Ben Hale');
    assert.deepEqual(stored[0]!.documents, ['strategy']);
    assert.equal(stored[0]!.enteredBy.aadObjectId, 'aad-staff2');
    assert.equal(stored[0]!.firstRecordedAt, first.firstRecordedAt);
  });

  it('when the card is sent with problems, then each problem is named next to its input, the inputs are kept, and nothing is recorded', async () => {
    const tomorrow = addDays(today(), 1);
    const card = invokeCard(
      await teams.execute('staff', 'signUp.submit', signUp({ organisation: '   ', role: 'Director of *Operations*', documents: '', signedOn: tomorrow })),
    );
    const text = visibleText(card);
    assert.match(text, /Please check the 3 answers marked below: nothing has been recorded yet\./);
    assert.match(text, /Give your organisation's name\./);
    assert.match(text, /Choose the Strategy, the Pathways or both\./);
    assert.match(text, /The date cannot be in the future: today is \w+day \d+ \w+ \d{4}\./);
    assert.equal(inputValue(card, 'signatory'), 'Amara Okafor');
    assert.equal(inputValue(card, 'role'), 'Director of *Operations*');
    assert.equal(inputValue(card, 'signedOn'), tomorrow);
    const notADate = invokeCard(await teams.execute('staff', 'signUp.submit', signUp({ organisation: 'Another Org', signedOn: '2027-02-30' })));
    assert.match(visibleText(notADate), /Give the date as a date, such as/);
    assert.equal((await store.all()).length, 1, 'nothing new recorded');
  });

  it('when the coordinator types "sign-ups", then they see each organisation with its signatory, role, documents and date, newest first', async () => {
    await teams.execute(
      'staff',
      'signUp.submit',
      signUp({ organisation: 'Foleshill Community Trust', signatory: 'Priya Shah', role: 'Manager', signedOn: '2026-03-02' }),
    );
    connector.clear();
    await teams.message('coordinator', 'Sign-ups?');
    const card = connector.sentTo(personalConversation('coordinator')).at(-1)!.body;
    const text = visibleText(card);
    assert.match(text, /2 organisations signed up, newest first\./);
    assert.match(text, /COVENTRY Refugee & Migrant Centre\.\nSignatory: Ben Hale\nRole: Chair of Trustees\nDocuments: The Strategy \(5P\)\nSigned: /);
    assert.match(
      text,
      /Foleshill Community Trust\nSignatory: Priya Shah\nRole: Manager\nDocuments: The Strategy \(5P\) and The Pathways\nSigned: Monday 2 March 2026/,
    );
    assert.ok(text.indexOf('COVENTRY Refugee') < text.indexOf('Foleshill'), 'newest first');
    assert.equal(findAction(card, 'Export as CSV').type, 'Action.Execute');
  });

  it('when someone who is not a coordinator asks for the list or its export, then they are refused, nothing is uploaded, and each refusal is audited', async () => {
    connector.clear();
    await teams.message('staff', 'sign-ups');
    assert.match(visibleText(connector.sentTo(personalConversation('staff')).at(-1)!.body), /Only a protocol coordinator can see who has signed up/);
    const exported = invokeCard(await teams.execute('staff', 'signUp.export', {}));
    assert.match(visibleText(exported), /Only a protocol coordinator can export the sign-up list/);
    const before = connector.uploads.size;
    const uploadInfo = { name: 'x.csv', uploadUrl: connector.uploadUrl('by-staff.csv'), contentUrl: 'https://x', uniqueId: 'u', fileType: 'csv' };
    const answer = await teams.invoke('staff', 'fileConsent/invoke', { action: 'accept', context: { document: 'signups' }, uploadInfo });
    assert.equal(answer.status, 200);
    assert.equal(connector.uploads.size, before, 'nothing uploaded');
    const reasons = (await audit()).filter((e) => e.actorId === 'aad-staff' && e.outcome === 'refused').map((e) => e.reason);
    assert.ok(reasons.includes('list sign-ups: not a coordinator'));
    assert.ok(reasons.includes('export sign-ups: not a coordinator'));
  });

  it('when the coordinator exports the list, then a file consent card is offered, and on accept the CSV is uploaded with a header, every organisation, and a formula-like name neutralised', async () => {
    await teams.execute('staff', 'signUp.submit', signUp({ organisation: '=HYPERLINK("http://evil.example","Click")', signatory: '@Mallory', role: '+Boss' }));
    connector.clear();
    const card = invokeCard(await teams.execute('coordinator', 'signUp.export', {}));
    assert.match(visibleText(card), /The list as a CSV file is below: accept it to save it to your OneDrive\./);
    const consent = (
      connector.sentTo(personalConversation('coordinator')).at(-1)!.body.attachments as {
        contentType: string;
        name: string;
        content: { acceptContext: unknown };
      }[]
    )[0]!;
    assert.equal(consent.contentType, 'application/vnd.microsoft.teams.card.file.consent');
    assert.match(consent.name, /^Coventry-Modern-Slavery-Protocol-Sign-ups-\d{4}-\d{2}-\d{2}\.csv$/);
    assert.deepEqual(consent.content.acceptContext, { document: 'signups' });

    const answer = await teams.invoke('coordinator', 'fileConsent/invoke', {
      type: 'fileUpload',
      action: 'accept',
      context: consent.content.acceptContext,
      uploadInfo: {
        name: consent.name,
        uploadUrl: connector.uploadUrl('signups.csv'),
        contentUrl: 'https://onedrive.example/s.csv',
        uniqueId: 'u-2',
        fileType: 'csv',
      },
    });
    assert.equal(answer.status, 200);
    assert.equal(answer.body?.statusCode, 200);
    const upload = connector.uploads.get('signups.csv');
    assert.ok(upload, 'the CSV was uploaded');
    const text = upload.bytes.toString('utf8');
    assert.ok(text.startsWith('\uFEFF'), 'a byte order mark, so Excel reads UTF-8');
    const rows = parseCsv(text.slice(1));
    assert.deepEqual(rows[0], ['Organisation', 'Signatory', 'Role', 'Strategy', 'Pathways', 'Date signed', 'Entered by', 'Last changed']);
    assert.equal(rows.length, 4, 'a header and three organisations');
    assert.deepEqual(rows[1]!.slice(0, 7), ['\'=HYPERLINK("http://evil.example","Click")', "'@Mallory", "'+Boss", 'Yes', 'Yes', today(), 'Sam Staff']);
    assert.deepEqual(rows[2]!.slice(0, 7), ['COVENTRY Refugee & Migrant Centre.', 'Ben Hale', 'Chair of Trustees', 'Yes', 'No', today(), 'Rita Reporter']);
    assert.equal(rows[3]![0], 'Foleshill Community Trust');
    const shown = connector.sentTo(personalConversation('coordinator')).at(-1)!;
    assert.equal((shown.body.attachments as { contentType: string }[])[0]!.contentType, 'application/vnd.microsoft.teams.card.file.info');
    assert.ok((await audit()).some((e) => e.actorId === 'aad-coord' && e.action === 'signup.exported' && e.reason === '3 organisation(s) as CSV'));
  });

  it('when the coordinator types "export sign-ups" and declines the file, then nothing is uploaded and they are told how to make it again', async () => {
    connector.clear();
    await teams.message('coordinator', 'Export sign-ups');
    const sent = connector.sentTo(personalConversation('coordinator'));
    assert.equal(sent.length, 2, 'a message, then the file consent card');
    assert.match(visibleText(sent[0]!.body), /follows as a CSV file/);
    assert.equal((sent[1]!.body.attachments as { contentType: string }[])[0]!.contentType, 'application/vnd.microsoft.teams.card.file.consent');
    const before = connector.uploads.size;
    const answer = await teams.invoke('coordinator', 'fileConsent/invoke', { type: 'fileUpload', action: 'decline', context: { document: 'signups' } });
    assert.equal(answer.body?.statusCode, 200);
    assert.equal(connector.uploads.size, before);
    assert.match(visibleText(connector.sentTo(personalConversation('coordinator')).at(-1)!.body), /Type "export sign-ups" to make it again/);
  });

  it('when the coordinator types "send sign-up" in personal chat and chooses a group channel and a person, then each gets the sign-up card through the outbox, once', async () => {
    await teams.mention('coordinator', 'link housing', 'housing-channel');
    connector.clear();
    await teams.message('coordinator', 'send sign-up');
    const picker = connector.sentTo(personalConversation('coordinator')).at(-1)!.body;
    assert.deepEqual(choiceTitles(picker, 'groups'), ['Housing channel']);
    assert.deepEqual(choiceTitles(picker, 'people'), ['Cora Coordinator', 'Hana Housing'], "only the protocol's people who have the app");
    const send = findAction(picker, 'Send the sign-up card');
    const data = { ...(send.data as Record<string, unknown>), groups: 'housing', people: 'aad-housing-lead,aad-lead,aad-staff' };
    const answer = invokeCard(await teams.execute('coordinator', 'signUp.send', data));
    assert.match(visibleText(answer), /The sign-up card is on its way to the Housing channel and Hana Housing\./);
    await teams.execute('coordinator', 'signUp.send', data); // a second click on the same card
    const isForm = (c: { body: Record<string, unknown> }) => /Sign up to the Modern Slavery Protocol/.test(visibleText(c.body));
    await waitFor(() => connector.sentTo(personalConversation('housingLead')).some(isForm), 'the card in Hana Housing’s chat');
    await waitFor(() => connector.sentTo(channelConversation('housing-channel')).some(isForm), 'the card in the Housing channel');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(connector.sentTo(personalConversation('housingLead')).filter(isForm).length, 1, 'sent once despite two clicks');
    assert.equal(connector.sentTo(channelConversation('housing-channel')).filter(isForm).length, 1);
    for (const key of ['lead', 'staff'] as const) assert.equal(connector.sentTo(personalConversation(key)).length, 0, 'nobody who was not offered');
  });

  it('when the coordinator sends the choice card with nobody chosen, then it comes back saying so', async () => {
    connector.clear();
    await teams.message('coordinator', 'send sign-up');
    const picker = connector.sentTo(personalConversation('coordinator')).at(-1)!.body;
    const data = { ...(findAction(picker, 'Send the sign-up card').data as Record<string, unknown>), groups: '', people: '' };
    const answer = invokeCard(await teams.execute('coordinator', 'signUp.send', data));
    assert.match(visibleText(answer), /Choose at least one channel or person\./);
    assert.deepEqual(choiceTitles(answer, 'groups'), ['Housing channel']);
  });
});
