import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { localDate } from '../../src/domain/calendar.js';
import { financialYearName, financialYearOf } from '../../src/domain/figurePeriods.js';
import { assertTeamsCard } from '../support/adaptiveCards.js';
import { actionsOf, findAction, inputValue, tableRows, visibleText } from '../support/cards.js';
import type { FakeConnector } from '../support/fakeConnector.js';
import { channelConversation, invokeCard, personalConversation, runningApp, type RunningApp, type TeamsClient, validIntake } from '../support/harness.js';

const TZ = 'Europe/London';
const today = () => localDate(new Date(), TZ);
const year = () => financialYearOf(today());

/** Reads CSV as a spreadsheet would (quoted cells, doubled quotes, CRLF between rows). */
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
    } else if (c === '"') quoted = !quoted;
    else if (!quoted && c === ',') {
      row.push(cell);
      cell = '';
    } else if (!quoted && c === '\r' && text[i + 1] === '\n') {
      rows.push([...row, cell]);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  if (cell || row.length) rows.push([...row, cell]);
  return rows;
}

describe('figures, end to end over HTTP', function () {
  this.timeout(60_000);
  let app: RunningApp;
  let teams: TeamsClient;
  let connector: FakeConnector;
  const world = runningApp();
  const audit = () => app.stores.audit.forDay(new Date().toISOString().slice(0, 10));
  const lastCardTo = (key: 'lead' | 'coordinator' | 'staff' | 'housingMember') => connector.sentTo(personalConversation(key)).at(-1)!.body;

  before(async () => {
    ({ app, teams, connector } = world);
    for (const key of ['lead', 'coordinator', 'staff', 'housingMember'] as const) await teams.install(key);
    // Five adults (labour) and two children (sexual), raised today through the intake card.
    for (let i = 0; i < 5; i++) await teams.execute('staff', 'intake.submit', { submissionId: randomUUID(), ...validIntake() });
    for (let i = 0; i < 2; i++)
      await teams.execute('staff', 'intake.submit', {
        submissionId: randomUUID(),
        ...validIntake({ ageBand: 'under16', exploitation: 'sexual', consent: '' }),
      });
    // The Lead cards for those concerns go out through the outbox: let them arrive before reading the Lead's chat.
    await app.outbox.idle();
  });

  it('when the Lead types "figures" in personal chat, then the figures form arrives with the three presets and the question inputs', async () => {
    connector.clear();
    await teams.message('lead', 'Figures');
    const card = connector.sentTo(personalConversation('lead')).find((sent) => /Questions councils are asked/.test(visibleText(sent.body)))!.body;
    assertTeamsCard((card.attachments as { content: Record<string, unknown> }[])[0]!.content);
    assert.ok(actionsOf(card).some((a) => a.title === 'Children who had a joint investigation interview since a date'));
    assert.ok(actionsOf(card).some((a) => a.title === 'Show figures'));
  });

  it('when the Lead asks for this financial year by age band, then the table shows 1 to 4 as <5, hides what would give it away as [c], states the rule, and the view is audited with the question', async () => {
    const card = invokeCard(
      await teams.execute('lead', 'figures.show', { period: `fy:${year()}`, basis: 'raised', who: 'all', type: 'any', rows: 'ageBand', columns: 'none' }),
    );
    assertTeamsCard(card);
    assert.deepEqual(tableRows(card), [
      ['Age band', 'Concerns'],
      ['Under 16', '<5'],
      ['16-17', '0'],
      ['18-25', '0'],
      ['26 or over', '[c]'],
      ['Not known', '0'],
      ['Total', '7'],
    ]);
    const text = visibleText(card);
    assert.match(text, new RegExp(`Concerns raised in financial year ${financialYearName(year())}`));
    assert.match(text, /Counts of 1 to 4 are shown as <5\. 1 further count is shown as \[c\] so that no hidden count can be worked out/);
    const viewed = (await audit()).find((e) => e.actorId === 'aad-lead' && e.action === 'figures.viewed');
    assert.equal(viewed?.reason, `ageBand; who all; raised ${year()}-04-01..${year() + 1}-03-31`);
  });

  it('when the coordinator saves the answer as CSV and accepts the file, then the CSV holds the question, the period, the same suppressed figures and the rule, and the export is audited', async () => {
    const answer = invokeCard(await teams.execute('coordinator', 'figures.show', { period: `fy:${year()}`, rows: 'ageBand', columns: 'exploitation' }));
    connector.clear();
    const offered = invokeCard(await teams.execute('coordinator', 'figures.export', findAction(answer, 'Save as CSV').data as Record<string, unknown>));
    assert.match(visibleText(offered), /The figures as a CSV file are below/);
    const consent = (lastCardTo('coordinator').attachments as { contentType: string; name: string; content: { acceptContext: Record<string, unknown> } }[])[0]!;
    assert.equal(consent.contentType, 'application/vnd.microsoft.teams.card.file.consent');
    assert.match(consent.name, /^Modern-Slavery-Figures-\d{4}-\d{2}-\d{2}\.csv$/);
    const accepted = await teams.invoke('coordinator', 'fileConsent/invoke', {
      type: 'fileUpload',
      action: 'accept',
      context: consent.content.acceptContext,
      uploadInfo: {
        name: consent.name,
        uploadUrl: connector.uploadUrl('figures.csv'),
        contentUrl: 'https://onedrive.example/f.csv',
        uniqueId: 'u-f',
        fileType: 'csv',
      },
    });
    assert.equal(accepted.body?.statusCode, 200);
    const text = connector.uploads.get('figures.csv')!.bytes.toString('utf8');
    assert.ok(text.startsWith('\uFEFF'));
    const rows = parseCsv(text.slice(1));
    assert.deepEqual(rows[1], [
      'Question',
      `Concerns raised in financial year ${financialYearName(year())} (1 April ${year()} to 31 March ${year() + 1}), by age band and exploitation type`,
    ]);
    assert.deepEqual(rows[2], ['Period', `financial year ${financialYearName(year())} (1 April ${year()} to 31 March ${year() + 1})`]);
    assert.deepEqual(rows[3], ['Period read against', 'The period is read against the date each concern was raised (UK time).']);
    const header = rows.findIndex((r) => r[0] === 'Age band (rows) by Exploitation type (columns)');
    assert.deepEqual(rows[header], [
      'Age band (rows) by Exploitation type (columns)',
      'Labour',
      'Sexual',
      'Criminal (county lines, cannabis cultivation, forced begging, theft)',
      'Domestic servitude',
      'Financial',
      'Organ removal',
      'Other or not sure',
      'Total',
    ]);
    // The same figures as the card showed (the card's rows are the label, then the figures), '<5' and '[c]' included.
    assert.deepEqual(rows.slice(header + 1, header + 7), tableRows(answer).slice(1));
    assert.deepEqual(rows[header + 1]!.slice(0, 3), ['Under 16', '0', '<5']);
    assert.deepEqual(rows[header + 6]!.at(-1), '7');
    assert.match(rows[header + 7]!.join(','), /^Suppression,Counts of 1 to 4 are shown as <5\./);
    const events = await audit();
    assert.ok(events.some((e) => e.actorId === 'aad-coord' && e.action === 'figures.viewed' && e.reason?.endsWith('(CSV offered)')));
    const exported = events.find((e) => e.actorId === 'aad-coord' && e.action === 'figures.exported');
    assert.equal(exported?.reason, `ageBand x exploitation; who all; raised ${year()}-04-01..${year() + 1}-03-31 (as CSV)`);
  });

  it('when a staff member or a group member asks for figures, presses a figures button or accepts a figures file, then each is refused, nothing is uploaded, and every refusal is audited', async () => {
    const before = connector.uploads.size;
    for (const key of ['staff', 'housingMember'] as const) {
      await teams.message(key, 'statistics');
      assert.match(visibleText(lastCardTo(key)), /Only the Modern Slavery Lead, deputies and the protocol coordinators can see figures\./);
      const preset = invokeCard(await teams.execute(key, 'figures.preset', { preset: 'adultNrmByYear' }));
      assert.match(visibleText(preset), /Only the Modern Slavery Lead/);
      const context = { document: 'figures', period: `fy:${year()}`, basis: 'raised', who: 'all', type: '', tables: 'ageBand' };
      const uploadInfo = { name: 'f.csv', uploadUrl: connector.uploadUrl(`by-${key}.csv`), contentUrl: 'https://x', uniqueId: 'u', fileType: 'csv' };
      assert.equal((await teams.invoke(key, 'fileConsent/invoke', { action: 'accept', context, uploadInfo })).status, 200);
    }
    assert.equal(connector.uploads.size, before, 'nothing uploaded');
    const events = await audit();
    for (const actorId of ['aad-staff', 'aad-housing-member']) {
      const reasons = events.filter((e) => e.actorId === actorId && e.outcome === 'refused').map((e) => e.reason);
      for (const what of ['figures', 'figures preset', 'export figures'])
        assert.ok(reasons.includes(`${what}: not a Modern Slavery Lead, deputy or coordinator`), `${actorId} ${what}`);
    }
    assert.ok(!events.some((e) => ['aad-staff', 'aad-housing-member'].includes(e.actorId) && e.action.startsWith('figures.')));
  });

  it('when the interview preset is asked for with a date after today, then the form comes back with that said next to the date, and nothing is counted', async () => {
    const card = invokeCard(await teams.execute('lead', 'figures.preset', { preset: 'childrenInterviewed', since: '2999-01-01' }));
    assert.match(visibleText(card), /Please check the answer marked below: no figures have been counted yet\.\nQuestions councils are asked/);
    assert.match(visibleText(card), /The date is after today\./);
    assert.equal(inputValue(card, 'since'), '2999-01-01');
  });

  it('when "figures" is typed in a team channel, then nothing is counted and the answer says to use a personal chat', async () => {
    connector.clear();
    await teams.mention('lead', 'figures', 'figures-channel');
    const sent = connector.sentTo(channelConversation('figures-channel'));
    assert.equal(sent.length, 1);
    assert.match(visibleText(sent[0]!.body), /Figures are shown only in a personal chat with me/);
  });

  it('when an export button is changed to ask for something the app never offers, then nothing is counted and the refusal is audited', async () => {
    const card = invokeCard(
      await teams.execute('lead', 'figures.export', { period: `fy:${year()}`, basis: 'raised', who: 'all', type: '', tables: 'ageBand*place' }),
    );
    assert.match(visibleText(card), /This card is not valid any more/);
    assert.ok((await audit()).some((e) => e.actorId === 'aad-lead' && e.reason === 'figures export: card not valid'));
  });
});
