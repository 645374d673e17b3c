import assert from 'node:assert/strict';
import type { AuditEvent } from '../../src/storage/auditLog.js';
import { assertTeamsCard } from '../support/adaptiveCards.js';
import { assertAbsent, factsOf, findAction, inputIds, inputValue, visibleText } from '../support/cards.js';
import { invokeCard, personalConversation, runningApp, type Card } from '../support/harness.js';
import { buttonData, raiseForLead } from '../support/leadCards.js';
import { PEOPLE, type PersonKey } from '../support/people.js';

/** What a Lead fills in on the case details form (values as Teams sends them: strings). */
const answers = {
  ageYears: '17',
  gender: 'male',
  nationality: 'VN',
  ethnicity: 'otherAsian',
  nrmReferralDate: '2025-03-02',
  nrmReferralReference: 'NRM-2025-118',
  reasonableGroundsDate: '2025-03-09',
  reasonableGroundsDecision: 'positive',
  jointInvestigationInterviewDate: '2025-03-03',
};

describe('case details for figures and legal hold on the Lead card, end to end over HTTP', () => {
  const world = runningApp();

  before(async () => {
    for (const key of ['lead', 'lead2', 'deputy', 'staff', 'housingMember'] as const) await world.teams.install(key);
  });
  beforeEach(() => world.connector.clear());

  const audit = (id: string) => world.app.stores.audit.forConcern(id);
  const stored = async (id: string) => (await world.app.stores.concerns.get(id))!.record;
  const refusedBy = (rows: AuditEvent[], key: PersonKey) => rows.filter((e) => e.actorId === PEOPLE[key].aadObjectId && e.outcome === 'refused');

  /** Presses "Case details for figures" on a Lead card and returns the form. */
  async function openForm(key: PersonKey, card: Card): Promise<Card> {
    return invokeCard(await world.teams.execute(key, 'concern.caseDetails.open', buttonData(card, 'Case details for figures')));
  }

  /** Fills in the form and presses "Save case details". */
  async function save(key: PersonKey, form: Card, inputs: Record<string, unknown>): Promise<Card> {
    return invokeCard(await world.teams.execute(key, 'concern.caseDetails.save', { ...buttonData(form, 'Save case details'), ...inputs }));
  }

  it('when the Lead records case details on the form, then the Lead card shows them, the history says only "Case details updated", it is audited, and the reporter hears nothing', async () => {
    const { id, card } = await raiseForLead(world);
    const form = await openForm('lead', card);
    assertTeamsCard(form);
    assert.ok(inputIds(form).includes('nationality') && inputIds(form).includes('conclusiveGroundsDecision'));
    const before = (await stored(id)).revision;

    const saved = await save('lead', form, answers);
    assertTeamsCard(saved);
    assert.match(visibleText(saved), /Case details saved/);
    const facts = factsOf(saved);
    assert.equal(facts.Age, '17 years');
    assert.equal(facts.Gender, 'Male');
    assert.equal(facts.Nationality, 'Vietnam');
    assert.equal(facts.Ethnicity, 'Any other Asian background (Asian, Asian British or Asian Welsh)');
    assert.equal(facts['NRM referral'], '2 Mar 2025 (reference NRM-2025-118)');
    assert.equal(facts['Reasonable grounds decision'], '9 Mar 2025, positive');
    assert.match(visibleText(saved), /Case details updated \(Lee Lead\)/);

    const record = await stored(id);
    assert.equal(record.revision, before + 1);
    assert.equal(record.caseDetails?.nationality, 'VN');
    const event = (await world.app.stores.concerns.events(id)).at(-1)!;
    assert.equal(event.detail, 'Case details updated');
    assert.deepEqual(Object.keys(event).sort(), ['at', 'by', 'detail', 'revision', 'type'], 'no values, no note');
    const changed = (await audit(id)).filter((e) => e.action === 'concern.changed');
    assert.deepEqual(
      changed.map((e) => [e.actorId, e.reason]),
      [['aad-lead', 'case details']],
    );
    assert.doesNotMatch(JSON.stringify(await audit(id)), /NRM-2025-118|Vietnam|otherAsian/);
    await world.app.outbox.idle();
    assert.equal(world.connector.sentTo(personalConversation('staff')).length, 0, 'the reporter is told nothing');

    // Opened again, the form holds what is recorded; emptied answers are removed.
    const again = await openForm('lead', saved);
    assert.equal(inputValue(again, 'nationality'), 'VN');
    assert.equal(inputValue(again, 'nrmReferralReference'), 'NRM-2025-118');
    const cleared = await save('lead', again, { ...answers, nationality: 'notRecorded', nrmReferralDate: '', nrmReferralReference: '' });
    assert.equal(factsOf(cleared).Nationality, undefined);
    assert.equal(factsOf(cleared)['NRM referral'], undefined);
    assert.equal(factsOf(cleared).Age, '17 years');
  });

  it('when the age is out of range, then nothing is saved and the form comes back with every input kept and the problem named next to the age', async () => {
    const { id, card } = await raiseForLead(world);
    const form = await openForm('lead', card);
    const refused = await save('lead', form, { ...answers, ageYears: '130', conclusiveGroundsDate: '2025-04-01' });
    assertTeamsCard(refused);
    assert.match(visibleText(refused), /Not saved: check the answers marked below/);
    assert.match(visibleText(refused), /Give the age as a whole number of years from 0 to 120/);
    assert.match(visibleText(refused), /Choose positive or negative/, 'a grounds decision needs its decision');
    assert.equal(inputValue(refused, 'ageYears'), '130');
    for (const [field, value] of Object.entries(answers).filter(([f]) => f !== 'ageYears')) assert.equal(inputValue(refused, field), value, field);
    assert.equal(inputValue(refused, 'conclusiveGroundsDate'), '2025-04-01');
    assert.equal((await stored(id)).caseDetails, undefined);
    assert.deepEqual(
      (await world.app.stores.concerns.events(id)).map((e) => e.type),
      ['raised'],
    );
  });

  it('when the concern changed after the form was opened, then saving changes nothing, says what changed, keeps the answers, and can be sent again', async () => {
    const { id, card } = await raiseForLead(world);
    const form = await openForm('lead', card);
    await world.teams.execute('lead2', 'concern.acknowledge', buttonData(card, 'Acknowledge'));
    const stale = await save('lead', form, answers);
    assert.match(visibleText(stale), /Not saved: someone changed the concern since this form was shown: Acknowledged by Dana Second/);
    assert.equal(inputValue(stale, 'nationality'), 'VN');
    assert.equal((await stored(id)).caseDetails, undefined);
    assert.ok(refusedBy(await audit(id), 'lead').some((e) => /^stale card/.test(e.reason ?? '')));

    const saved = await save('lead', stale, { ...answers });
    assert.equal(factsOf(saved).Nationality, 'Vietnam');
  });

  it('when a deputy records case details, then they are saved; when a member of staff or a group member tries, then they are refused, nothing changes, and each refusal is audited', async () => {
    const { id, card } = await raiseForLead(world);
    const saved = await save('deputy', await openForm('deputy', card), { ageYears: '34' });
    assert.equal(factsOf(saved).Age, '34 years');
    assert.match(visibleText(saved), /Case details updated \(Dee Deputy\)/);

    const revision = (await stored(id)).revision;
    for (const key of ['staff', 'housingMember'] as const) {
      const opened = invokeCard(await world.teams.execute(key, 'concern.caseDetails.open', { concernId: id }));
      assert.match(visibleText(opened), /Only the Modern Slavery Lead and deputies/);
      assertAbsent(opened, /passport/);
      const sent = invokeCard(await world.teams.execute(key, 'concern.caseDetails.save', { concernId: id, revision, ageYears: '1' }));
      assert.match(visibleText(sent), /Only the Modern Slavery Lead and deputies/);
      assert.deepEqual(
        refusedBy(await audit(id), key).map((e) => e.reason),
        ['case details: not a Modern Slavery Lead', 'case details: not a Modern Slavery Lead'],
      );
    }
    assert.equal((await stored(id)).caseDetails?.ageYears, 34);
    assert.equal((await stored(id)).revision, revision);
  });

  it('when the Lead puts a concern on legal hold and later lifts it, then the card shows the hold with its reason, each step is audited as set or lifted without the reason, and a reason is required', async () => {
    const { id, card } = await raiseForLead(world);
    const holdForm = invokeCard(await world.teams.execute('lead', 'concern.legalHold.open', buttonData(card, 'Legal hold')));
    assertTeamsCard(holdForm);
    const set = (form: Card, holdReason: string) =>
      world.teams.execute('lead', 'concern.legalHold.set', { ...buttonData(form, 'Put on legal hold'), holdReason }).then(invokeCard);

    const empty = await set(holdForm, '   ');
    assert.match(visibleText(empty), /Give the reason for the legal hold/);
    const long = await set(holdForm, 'r'.repeat(201));
    assert.match(visibleText(long), /Keep the reason to 200 characters; it has 201/);
    assert.equal(inputValue(long, 'holdReason'), 'r'.repeat(201), 'what was typed is kept');
    assert.equal((await stored(id)).legalHold, undefined);

    const reason = 'Hold-canary: police asked us to keep the file (Op *Aurora*)';
    const held = await set(long, reason);
    assertTeamsCard(held);
    assert.match(visibleText(held), /On legal hold: Hold-canary: police asked us to keep the file \(Op \\\*Aurora\\\*\) \(set by Lee Lead on /);
    assert.equal((await stored(id)).legalHold?.reason, reason);

    const opened = invokeCard(await world.teams.execute('lead', 'concern.legalHold.open', buttonData(held, 'Legal hold')));
    const lifted = invokeCard(await world.teams.execute('lead', 'concern.legalHold.lift', buttonData(opened, 'Lift legal hold')));
    assert.match(visibleText(lifted), /Legal hold lifted/);
    assert.doesNotMatch(visibleText(lifted), /On legal hold:/);
    assert.equal((await stored(id)).legalHold, undefined);
    assert.match(visibleText(lifted), /Legal hold set \(Lee Lead\)\nNote: Hold-canary/, 'the history keeps why, on the Lead card');

    const holds = (await audit(id)).filter((e) => e.action === 'concern.legalHold');
    assert.deepEqual(
      holds.map((e) => [e.actorId, e.reason, e.outcome]),
      [
        ['aad-lead', 'set', 'allowed'],
        ['aad-lead', 'lifted', 'allowed'],
      ],
    );
    assert.doesNotMatch(JSON.stringify(await audit(id)), /Hold-canary/);
  });

  it('when a legal hold is set from an out-of-date card, or by someone who is not a Lead, then nothing changes and it is audited', async () => {
    const { id, card } = await raiseForLead(world);
    const holdForm = invokeCard(await world.teams.execute('lead', 'concern.legalHold.open', buttonData(card, 'Legal hold')));
    await world.teams.execute('lead2', 'concern.acknowledge', buttonData(card, 'Acknowledge'));
    const stale = invokeCard(
      await world.teams.execute('lead', 'concern.legalHold.set', { ...buttonData(holdForm, 'Put on legal hold'), holdReason: 'Inquiry' }),
    );
    assert.match(visibleText(stale), /Not saved: someone changed the concern since this form was shown: Acknowledged by Dana Second/);
    assert.equal(inputValue(stale, 'holdReason'), 'Inquiry');
    const byStaff = invokeCard(await world.teams.execute('staff', 'concern.legalHold.set', { ...buttonData(stale, 'Put on legal hold'), holdReason: 'x' }));
    assert.match(visibleText(byStaff), /Only the Modern Slavery Lead and deputies/);
    assert.equal((await stored(id)).legalHold, undefined);
    assert.ok(refusedBy(await audit(id), 'lead').some((e) => /^stale card/.test(e.reason ?? '')));
    assert.deepEqual(
      refusedBy(await audit(id), 'staff').map((e) => e.reason),
      ['legal hold: not a Modern Slavery Lead'],
    );
    assert.equal(findAction(stale, 'Put on legal hold').type, 'Action.Execute');
  });
});
