import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { AuditEvent } from '../../src/storage/auditLog.js';
import { visibleText } from '../support/cards.js';
import { FakeConnector } from '../support/fakeConnector.js';
import { cardOf, invokeCard, personalConversation, runningApp, TeamsClient, validIntake, type RunningApp } from '../support/harness.js';
import { PEOPLE, type PersonKey } from '../support/people.js';

const SECTIONS = ['pursue', 'prevent', 'protect', 'prepare', 'partnership'];
const strategy = (text: string) => Object.fromEntries(SECTIONS.map((s) => [s, `${text} (${s})`]));

/**
 * Card actions someone edited or forged (a verb the bot does not have, another group's draft, an
 * id or version that does not exist) and actions by someone without the role: each is refused
 * with a clear answer, changes nothing, and leaves a refused audit event naming who sent it.
 */
describe('tampered and unauthorised card actions, end to end over HTTP', () => {
  let connector: FakeConnector;
  let app: RunningApp;
  let teams: TeamsClient;
  const world = runningApp();

  before(async () => {
    ({ connector, app, teams } = world);
    for (const key of ['housingLead', 'housingMember', 'twoGroups', 'healthLead', 'coordinator', 'staff', 'staff2', 'lead'] as const) await teams.install(key);
    // Each group has a saved Strategy: housing one version, health one version (by Tess, a member of both).
    await teams.execute('housingMember', 'draft.save', { template: 'strategy', group: 'housing', baseVersion: 0, ...strategy('Housing plan') });
    await teams.execute('twoGroups', 'draft.save', { template: 'strategy', group: 'health', baseVersion: 0, ...strategy('Health plan') });
  });
  beforeEach(() => connector.clear());

  /** The refused audit events by `key` written since `since` (an ISO instant), oldest first. */
  async function refusedSince(since: string, key: PersonKey): Promise<AuditEvent[]> {
    const days = [...new Set([since.slice(0, 10), new Date().toISOString().slice(0, 10)])];
    const events = (await Promise.all(days.map((day) => app.stores.audit.forDay(day)))).flat();
    return events.filter((e) => e.at >= since && e.actorId === PEOPLE[key].aadObjectId && e.outcome === 'refused');
  }
  const reasons = (events: AuditEvent[]) => events.map((e) => e.reason);
  const templateState = async (group: 'housing' | 'health') => ({
    record: (await app.stores.protocol.status(group, 'strategy')).record,
    versions: await app.stores.protocol.versions(group, 'strategy'),
  });

  it('when an Action.Execute has a verb the bot does not know, then it gets a clear error and a refused audit event that names neither the verb nor its data', async () => {
    const since = new Date().toISOString();
    const answer = await teams.execute('staff', 'concern.delete', { concernId: 'canary-id-123' });
    assert.equal(answer.status, 200);
    assert.equal(answer.body.type, 'application/vnd.microsoft.error');
    assert.match(answer.body.value.message, /This action is not known/);
    const refused = await refusedSince(since, 'staff');
    assert.deepEqual(reasons(refused), ['card action with an unknown verb (14 characters)']);
    assert.equal(refused[0]!.action, 'request.refused');
    assert.doesNotMatch(JSON.stringify(refused), /concern\.delete|canary/);
  });

  it('when an Action.Submit has a verb the bot does not know, or a verb that is not text, then each is told the button is not known and each is audited', async () => {
    const since = new Date().toISOString();
    await teams.submit('staff', { verb: 'admin.<b>wipe</b>', concernId: randomUUID() });
    await teams.submit('staff', { verb: 42 });
    const answers = connector.sentTo(personalConversation('staff')).map((a) => visibleText(a.body));
    assert.equal(answers.length, 2);
    for (const answer of answers) assert.match(answer, /That button is not known any more/);
    const refused = await refusedSince(since, 'staff');
    assert.deepEqual(reasons(refused).sort(), ['card action with an unknown verb (17 characters)', 'card action without a verb']);
    assert.doesNotMatch(JSON.stringify(refused), /wipe/);
  });

  it("when a member saves a card naming another group's draft, then they are refused, that group's draft is unchanged, and it is audited", async () => {
    const before = await templateState('health');
    const since = new Date().toISOString();
    const answer = invokeCard(
      await teams.execute('housingMember', 'draft.save', { template: 'strategy', group: 'health', baseVersion: 1, ...strategy('Overwritten') }),
    );
    assert.match(visibleText(answer), /Only members of the Health group can save its Strategy/);
    assert.deepEqual(await templateState('health'), before);
    assert.deepEqual(reasons(await refusedSince(since, 'housingMember')), ['save health strategy: not a member']);
  });

  it("when a member opens, lists or compares another group's versions from a changed card (Action.Submit too), then each is refused and audited", async () => {
    const since = new Date().toISOString();
    const open = invokeCard(await teams.execute('housingMember', 'draft.open', { template: 'strategy', group: 'health' }));
    assert.match(visibleText(open), /Only members of the Health group can draft its Strategy/);
    await teams.submit('housingMember', { verb: 'draft.history', template: 'strategy', group: 'health' });
    assert.match(
      visibleText(cardOf(connector.sentTo(personalConversation('housingMember')).at(-1)!.body)),
      /Only members of the Health group and coordinators/,
    );
    const compare = invokeCard(await teams.execute('housingMember', 'draft.compare', { template: 'strategy', group: 'health', from: '1', to: '1' }));
    assert.match(visibleText(compare), /Only members of the Health group and coordinators can compare/);
    assert.deepEqual(reasons(await refusedSince(since, 'housingMember')), [
      'open health strategy: not a member',
      'versions health strategy: not a member or coordinator',
      'compare health strategy: not a member or coordinator',
    ]);
  });

  it("when a group lead submits another group's template, then they are refused, it stays as it was, and it is audited", async () => {
    const before = await templateState('health');
    const since = new Date().toISOString();
    const answer = invokeCard(await teams.execute('housingLead', 'template.submit', { template: 'strategy', group: 'health', version: '1' }));
    assert.match(visibleText(answer), /Only a lead of the Health group can submit its Strategy/);
    assert.deepEqual(await templateState('health'), before);
    assert.deepEqual(reasons(await refusedSince(since, 'housingLead')), ['submit health strategy: not a group lead']);
  });

  it('when a card names a group or template that is not one, then it is refused as not valid, nothing is saved, and the audit holds the verb but none of the text sent', async () => {
    const before = await templateState('housing');
    const since = new Date().toISOString();
    const answer = invokeCard(
      await teams.execute('housingMember', 'draft.save', { template: 'strategy', group: "housing' or '1'='1", baseVersion: 1, ...strategy('Sneaky') }),
    );
    assert.match(visibleText(answer), /This card is not valid any more/);
    assert.deepEqual(await templateState('housing'), before);
    const refused = await refusedSince(since, 'housingMember');
    assert.deepEqual(reasons(refused), ['card action draft.save: card not valid']);
    assert.doesNotMatch(JSON.stringify(refused), /'1'='1|Sneaky/);
  });

  it('when a lead submits, or a member compares, a version that does not exist, then nothing changes, they are asked to choose a saved version, and it is audited; choosing none is not', async () => {
    const before = await templateState('housing');
    const since = new Date().toISOString();
    const submit = invokeCard(await teams.execute('housingLead', 'template.submit', { template: 'strategy', group: 'housing', version: '99' }));
    assert.match(visibleText(submit), /Choose a saved version to submit/);
    const compare = invokeCard(await teams.execute('housingMember', 'draft.compare', { template: 'strategy', group: 'housing', from: '1', to: '7' }));
    assert.match(visibleText(compare), /Choose two versions that exist/);
    const none = invokeCard(await teams.execute('housingLead', 'template.submit', { template: 'strategy', group: 'housing', version: '' }));
    assert.match(visibleText(none), /Choose a saved version to submit/);
    assert.deepEqual(await templateState('housing'), before);
    assert.deepEqual(reasons(await refusedSince(since, 'housingLead')), ['submit housing strategy: no such version']);
    assert.deepEqual(reasons(await refusedSince(since, 'housingMember')), ['compare housing strategy: no such version']);
  });

  it('when someone who is not a coordinator presses "remind now", then no reminder is recorded or sent, they are told, and it is audited', async () => {
    const since = new Date().toISOString();
    const answer = invokeCard(await teams.execute('housingLead', 'template.remind', { item: 'health|strategy' }));
    assert.match(visibleText(answer), /Only a protocol coordinator can send reminders/);
    assert.deepEqual(await app.stores.protocol.remindersSent('health', 'strategy'), []);
    assert.deepEqual(reasons(await refusedSince(since, 'housingLead')), ['remind health strategy: not a coordinator']);
  });

  it('when a dashboard choice is one the dashboard never offers, then the coordinator is asked to choose, nothing is sent, and it is audited; nothing chosen is only asked again', async () => {
    const since = new Date().toISOString();
    const tampered = invokeCard(await teams.execute('coordinator', 'template.remind', { item: 'health|strategy|<script>' }));
    assert.match(visibleText(tampered), /Choose a group and template first/);
    const none = invokeCard(await teams.execute('coordinator', 'template.remind', { item: '' }));
    assert.match(visibleText(none), /Choose a group and template first/);
    const decision = invokeCard(await teams.execute('coordinator', 'template.confirmReview', { item: 'housing|strategy', decision: 'delete' }));
    assert.match(visibleText(decision), /This card is not valid any more/);
    assert.deepEqual(await app.stores.protocol.remindersSent('health', 'strategy'), []);
    assert.deepEqual(reasons(await refusedSince(since, 'coordinator')), [
      'card action template.remind: card not valid',
      'card action template.confirmReview: card not valid',
    ]);
  });

  it("when someone without the role opens the dashboard or another group's submission, then they are refused and each is audited", async () => {
    const since = new Date().toISOString();
    const dashboard = invokeCard(await teams.execute('healthLead', 'status.show', {}));
    assert.match(visibleText(dashboard), /The dashboard is for protocol coordinators/);
    const view = invokeCard(await teams.execute('healthLead', 'template.view', { item: 'housing|strategy' }));
    assert.match(visibleText(view), /Only members of the Housing group and coordinators can see its submission/);
    const accept = invokeCard(await teams.execute('healthLead', 'template.accept', { item: 'housing|strategy|2', revision: 2 }));
    assert.match(visibleText(accept), /Only a protocol coordinator can accept or return/);
    assert.deepEqual(reasons(await refusedSince(since, 'healthLead')), [
      'dashboard: not a coordinator',
      'view housing strategy: not a member or coordinator',
      'accept housing strategy: not a coordinator',
    ]);
  });

  it('when an approval, sign-up or review card carries data the server never sent, then it is refused, nothing is recorded, and each is audited', async () => {
    const since = new Date().toISOString();
    const approval = invokeCard(
      await teams.execute('coordinator', 'approvals.record', { version: 'latest', step: 'panel', decision: 'approved', date: '2027-01-01' }),
    );
    assert.match(visibleText(approval), /This card is not valid any more: type "approvals" again/);
    const signUp = invokeCard(await teams.execute('coordinator', 'signUp.send', { sendId: 'not-a-uuid', groups: 'housing', people: '' }));
    assert.match(visibleText(signUp), /This card is out of date/);
    const review = invokeCard(await teams.execute('housingLead', 'chapterReview.answer', { version: 'x', group: 'housing', 'answer-pursue': 'agree' }));
    assert.match(visibleText(review), /This review card is not valid any more/);
    assert.deepEqual(await app.stores.audit.forDay(since.slice(0, 10)).then((all) => all.filter((e) => e.at >= since && e.outcome === 'allowed')), []);
    assert.deepEqual(reasons(await refusedSince(since, 'coordinator')), ['record approval: card not valid', 'send sign-up: card not valid']);
    assert.deepEqual(reasons(await refusedSince(since, 'housingLead')), ['card action chapterReview.answer: card not valid']);
  });

  it('when someone in no group types "status" or "draft strategy", then they are told who these are for, and each is audited', async () => {
    const since = new Date().toISOString();
    await teams.message('staff', 'status');
    await teams.message('staff', 'draft strategy');
    const answers = connector.sentTo(personalConversation('staff')).map((a) => visibleText(a.body));
    assert.match(answers[0]!, /"status" shows a Task and Finish group's templates to its members/);
    assert.match(answers[1]!, /Only members of a Task and Finish group can draft its Strategy/);
    assert.deepEqual(reasons(await refusedSince(since, 'staff')), ['status: not a member or coordinator', 'draft strategy: not a group member']);
  });

  it('when a file consent card is changed to name a collation that was never made, then nothing is uploaded, the coordinator is told, and it is audited', async () => {
    const since = new Date().toISOString();
    const answer = await teams.invoke('coordinator', 'fileConsent/invoke', {
      type: 'fileUpload',
      action: 'accept',
      context: { collation: 999, document: 'strategy' },
      uploadInfo: { name: 'x.docx', uploadUrl: 'https://upload.invalid/x', contentUrl: 'https://files.invalid/x', uniqueId: 'u1', fileType: 'docx' },
    });
    assert.equal(answer.status, 200);
    assert.match(visibleText(connector.sentTo(personalConversation('coordinator')).at(-1)!.body), /That version of the protocol does not exist/);
    assert.deepEqual(reasons(await refusedSince(since, 'coordinator')), ['export protocol version 999: no such version']);
  });

  it("when a concern id on a card does not exist, or is another person's, then the action is refused and audited", async () => {
    const since = new Date().toISOString();
    const unknown = invokeCard(await teams.execute('lead', 'concern.acknowledge', { concernId: randomUUID(), revision: 1 }));
    assert.match(visibleText(unknown), /could not be found/);
    const id = randomUUID();
    await teams.execute('staff', 'intake.submit', { submissionId: id, ...validIntake() });
    const theirs = invokeCard(await teams.execute('staff2', 'intake.submit', { submissionId: id, ...validIntake({ observed: 'Someone else' }) }));
    assert.match(visibleText(theirs), /This form is not valid any more/);
    assert.equal((await app.stores.concerns.get(id))?.record.reporter.aadObjectId, PEOPLE.staff.aadObjectId);
    assert.deepEqual(reasons(await refusedSince(since, 'lead')), ['acknowledge: unknown concern id']);
    const refused = await refusedSince(since, 'staff2');
    assert.deepEqual(reasons(refused), ["submit with the id of another person's concern"]);
    assert.equal(refused[0]!.concernId, id);
  });
});
