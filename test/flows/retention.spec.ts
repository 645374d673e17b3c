import assert from 'node:assert/strict';
import { tableClientFor } from '../../src/storage/tables.js';
import { odata } from '@azure/data-tables';
import { assertTeamsCard } from '../support/adaptiveCards.js';
import { visibleText } from '../support/cards.js';
import { invokeCard, runningApp, waitFor, type Card } from '../support/harness.js';
import { buttonData, raiseForLead } from '../support/leadCards.js';

/** Everything typed into this concern carries "canary"; none of it may survive anonymisation. */
const TYPED = {
  observed: 'Canary-flow: a boy with a burn on his arm sleeps at the car wash',
  place: 'Canaryford',
  nrmReference: 'CANARY-NRM-9',
  note: 'Canary-flow note: his aunt called',
  caseReference: 'CANARY-CD-9',
  holdReason: 'Canary-hold: police asked us to keep it',
};

describe('retention in the running app, end to end over HTTP', () => {
  // The app's one clock: the concern is raised and closed in 2020, then the years go by.
  const clock = {
    at: new Date('2020-03-02T10:00:00Z'),
    now() {
      return this.at;
    },
  };
  const world = runningApp({ clock, schedulerIntervalMs: 50 });

  before(async () => {
    for (const key of ['lead', 'staff'] as const) await world.teams.install(key);
  });

  const stored = async (id: string) => (await world.app.stores.concerns.get(id))!.record;
  const execute = async (verb: string, data: Record<string, unknown>) => invokeCard(await world.teams.execute('lead', verb, data));
  /** Every row of the concern's partition, as JSON. */
  async function partition(id: string): Promise<string> {
    const table = tableClientFor(world.tables.connectionString, 'concerns');
    const rows: unknown[] = [];
    for await (const row of table.listEntities({ queryOptions: { filter: odata`PartitionKey eq ${id}` } })) rows.push(row);
    return JSON.stringify(rows);
  }

  it('when a closed concern passes its retention date, then a legal hold keeps it, and once the hold is lifted the daily pass anonymises it: the Lead card shows nothing typed, the figures row is unchanged, and it is audited', async () => {
    const { id } = await raiseForLead(world, { observed: TYPED.observed, place: TYPED.place });
    let card: Card = await execute('concern.recordAction', {
      concernId: id,
      revision: 1,
      action: 'nrmReferral',
      nrmReference: TYPED.nrmReference,
      actionNote: TYPED.note,
    });
    const form = await execute('concern.caseDetails.open', buttonData(card, 'Case details for figures'));
    const details = { ageYears: '30', gender: 'male', nationality: 'VN', nrmReferralDate: '2020-03-02', nrmReferralReference: TYPED.caseReference };
    card = await execute('concern.caseDetails.save', { ...buttonData(form, 'Save case details'), ...details });
    const holdForm = await execute('concern.legalHold.open', buttonData(card, 'Legal hold'));
    card = await execute('concern.legalHold.set', { ...buttonData(holdForm, 'Put on legal hold'), holdReason: TYPED.holdReason });
    await execute('concern.close', { concernId: id, revision: (await stored(id)).revision, outcome: 'nrmReferred', closeNote: TYPED.note, confirmed: true });
    assert.equal((await stored(id)).status, 'closed');
    const typedBefore = (await partition(id)).toLowerCase();
    assert.ok(
      Object.values(TYPED).every((text) => typedBefore.includes(text.toLowerCase())),
      'everything typed is stored to begin with',
    );
    const statsBefore = /"stats":"(?:[^"\\]|\\.)*"/.exec(await partition(id))?.[0];

    // Six years and more after closure: due, but held.
    clock.at = new Date('2027-01-05T09:00:00Z');
    const held = await world.app.retention.runPass(clock.at);
    assert.deepEqual(
      held.held.map((i) => i.concernId),
      [id],
    );
    assert.equal((await stored(id)).intake.observed, TYPED.observed);

    const opened = await execute('concern.legalHold.open', buttonData(await execute('concern.refresh', { concernId: id }), 'Legal hold'));
    await execute('concern.legalHold.lift', buttonData(opened, 'Lift legal hold'));
    clock.at = new Date('2027-01-06T09:00:00Z'); // the next day: the scheduler's daily pass runs again
    await waitFor(async () => (await stored(id)).anonymisedAt, 'the daily pass to anonymise it');

    const rows = (await partition(id)).toLowerCase();
    assert.deepEqual(
      Object.entries(TYPED).filter(([, text]) => rows.includes(text.toLowerCase())),
      [],
    );
    assert.ok(!rows.includes('canary') && !rows.includes('sam staff') && !rows.includes('lee lead'), 'no typed text and no names are left');
    assert.equal(/"stats":"(?:[^"\\]|\\.)*"/.exec(await partition(id))?.[0], statsBefore, "the figures' row is as it was");

    const leadCard = await execute('concern.refresh', { concernId: id });
    assertTeamsCard(leadCard);
    assert.doesNotMatch(visibleText(leadCard), /canary/i);
    assert.match(visibleText(leadCard), /MS-2020-\d{6}/);
    const audited = await waitFor(async () => (await world.app.stores.audit.forConcern(id)).find((e) => e.action === 'concern.anonymised'), 'the audit row');
    assert.equal(audited.actorId, 'system:retention');
    assert.match(audited.reason ?? '', /^MS-2020-\d{6}: adult: 6 years after closure$/);
  });
});
