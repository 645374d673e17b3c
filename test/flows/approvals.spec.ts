import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { strFromU8, unzipSync } from 'fflate';
import { addDays, localDate } from '../../src/domain/calendar.js';
import type { GroupId } from '../../src/domain/groups.js';
import type { DraftContent } from '../../src/domain/templates.js';
import { findAction, inputIds, inputValue, visibleText } from '../support/cards.js';
import { invokeCard, personalConversation, runningApp, type Card, type RunningApp, TeamsClient } from '../support/harness.js';
import type { FakeConnector } from '../support/fakeConnector.js';
import type { PersonKey } from '../support/people.js';

const seeder = { aadObjectId: 'aad-seed', name: 'Sam Seeder' };
const coordinator = { aadObjectId: 'aad-coord', name: 'Cora Coordinator' };
const today = () => localDate(new Date(), 'Europe/London');

/** The text of every header of a .docx (word/header*.xml), where "DRAFT" is printed until the Council approves. */
const headerText = (docx: Buffer) => {
  const files = unzipSync(new Uint8Array(docx));
  return Object.keys(files)
    .filter((name) => /^word\/header\d*\.xml$/.test(name))
    .map((name) => strFromU8(files[name]!))
    .join('\n');
};

const strategy = (group: GroupId): DraftContent => ({
  template: 'strategy',
  sections: { pursue: `${group} pursue`, prevent: `${group} prevent`, protect: '', prepare: `${group} prepare`, partnership: `${group} partnership` },
});

describe('approving the protocol, end to end over HTTP', function () {
  this.timeout(60_000);
  let app: RunningApp;
  let teams: TeamsClient;
  let connector: FakeConnector;
  const world = runningApp();

  /** Accepts a first version of a group's Strategy, as the group and the coordinator would. */
  async function seed(group: GroupId) {
    const store = app.stores.protocol;
    const now = new Date();
    const saved = await store.saveVersion(group, 'strategy', strategy(group), seeder, now, (current) => {
      const record = { ...current, status: 'drafting' as const, revision: current.revision + 1, latestVersion: current.latestVersion + 1 };
      return { record, event: { revision: record.revision, type: 'saved' as const, by: seeder, at: now.toISOString(), detail: 'seeded' } };
    });
    const { etag } = await store.status(group, 'strategy');
    const next = { ...saved, status: 'accepted' as const, revision: saved.revision + 1, submittedVersion: saved.latestVersion, submittedBy: seeder };
    await store.changeStatus(next, etag, { revision: next.revision, type: 'submitted', by: seeder, at: now.toISOString(), detail: 'seeded' }, []);
  }

  /** The approvals card a person gets for typing "approvals": the reply to that message (other notices may arrive meanwhile). */
  async function approvalsCard(key: PersonKey = 'coordinator'): Promise<Card> {
    const id = randomUUID();
    await teams.message(key, 'Approvals', { id });
    const reply = connector.sentTo(personalConversation(key)).find((call) => call.body.replyToId === id);
    assert.ok(reply, 'the bot answered "approvals"');
    return reply.body;
  }

  /** Presses a button of a card with what the person entered in its inputs; the answer is the card that replaces it. */
  async function press(card: Card, title: string, inputs: Record<string, string>, key: PersonKey = 'coordinator'): Promise<Card> {
    const action = findAction(card, title);
    return invokeCard(await teams.execute(key, String(action.verb), { ...(action.data as Record<string, unknown>), ...inputs }));
  }

  /** Whether the rebuilt Strategy of a version has "DRAFT" in its header. */
  async function saysDraft(version: number): Promise<boolean> {
    const result = await app.collations.documents('operator', version, 'strategy');
    assert.equal(result.kind, 'documents');
    return /DRAFT/.test(headerText(result.kind === 'documents' ? result.documents[0]!.bytes : Buffer.alloc(0)));
  }

  const auditToday = () => app.stores.audit.forDay(new Date().toISOString().slice(0, 10));

  before(async () => {
    ({ app, teams, connector } = world);
    for (const key of ['coordinator', 'housingLead'] as const) await teams.install(key);
    for (const group of ['housing', 'health', 'nrm'] as const) await seed(group);
  });

  it('when nothing has been collated, then the approvals card says to collate first, offers no form, and a step sent anyway is refused', async () => {
    const card = await approvalsCard();
    assert.match(visibleText(card), /not been collated yet: type "collate" first/);
    assert.deepEqual(inputIds(card), []);
    const answer = invokeCard(await teams.execute('coordinator', 'approvals.record', { version: '1', step: 'panel', decision: 'approved', date: today() }));
    assert.match(visibleText(answer), /Not recorded: The protocol has not been collated yet/);
  });

  it('when someone who is not a coordinator asks for the approvals or records one, then they are refused, nothing changes, and both are audited', async () => {
    await app.collations.collate(coordinator, 'accepted');
    assert.match(visibleText(await approvalsCard('housingLead')), /Only a protocol coordinator can see and record/);
    const answer = invokeCard(await teams.execute('housingLead', 'approvals.record', { version: '1', step: 'panel', decision: 'approved', date: today() }));
    assert.match(visibleText(answer), /Only a protocol coordinator can record/);
    assert.equal((await app.stores.collations.state()).status, 'collated');
    const refused = (await auditToday()).filter((e) => e.actorId === 'aad-housing-lead' && e.outcome === 'refused').map((e) => e.reason);
    assert.deepEqual(refused, ['approvals: not a coordinator', 'record approval: not a coordinator']);
  });

  it('when the coordinator opens the approvals after a collation, then the card shows version 1, collated, nothing recorded, and a form for the panel only; the documents say DRAFT', async () => {
    const card = await approvalsCard();
    const text = visibleText(card);
    assert.match(text, /Protocol version 1, collated .*Status: \*\*Collated, for review by the groups\*\*/);
    assert.match(text, /Nothing recorded yet for version 1/);
    assert.match(text, /Next: the Lived Experience Advisory Panel's decision on version 1/);
    assert.deepEqual(inputIds(card), ['decision', 'date', 'comments']);
    assert.doesNotMatch(text, /Record the Council's decision|Mark as published/);
    assert.equal(await saysDraft(1), true);
  });

  it("when the Council's decision is sent before the panel's, then it is refused with the reason and nothing is recorded", async () => {
    const card = await approvalsCard();
    const action = findAction(card, "Record the panel's decision");
    const answer = invokeCard(
      await teams.execute('coordinator', String(action.verb), { ...(action.data as object), step: 'council', decision: 'approved', date: today() }),
    );
    assert.match(visibleText(answer), /Not recorded: The Council's approval comes after the Lived Experience Advisory Panel's/);
    assert.equal((await app.stores.collations.state()).status, 'collated');
  });

  it('when the meeting date is in the future or no decision is chosen, then nothing is recorded and the form comes back with what was entered and each problem by its input', async () => {
    const tomorrow = addDays(today(), 1);
    const answer = await press(await approvalsCard(), "Record the panel's decision", { decision: '', date: tomorrow, comments: 'Kept *as typed*' });
    const text = visibleText(answer);
    assert.match(text, /Choose the decision/);
    assert.match(text, /The meeting date cannot be in the future/);
    assert.equal(inputValue(answer, 'date'), tomorrow);
    assert.equal(inputValue(answer, 'comments'), 'Kept *as typed*');
    assert.equal((await app.stores.collations.state()).status, 'collated');
  });

  it('when the panel does not approve, then it is recorded, the status stays collated, and the card says what happens next', async () => {
    const answer = await press(await approvalsCard(), "Record the panel's decision", { decision: 'notApproved', date: today(), comments: '' });
    const text = visibleText(answer);
    assert.match(text, /Recorded: the panel did not approve version 1/);
    assert.match(text, /The status stays where it was. Next: agree the changes with the groups and type "collate"/);
    assert.match(text, /Lived Experience Advisory Panel: Not approved/);
    assert.match(text, /Status: \*\*Collated/);
    assert.ok(findAction(answer, "Record the panel's decision"), 'the panel can still decide on this version');
  });

  it('when the panel, then the Council approve and the protocol is published, then each moves the status on, shows on the card, is audited, and DRAFT leaves the documents with the Council', async () => {
    let card = await press(await approvalsCard(), "Record the panel's decision", {
      decision: 'approvedWithChanges',
      date: today(),
      comments: 'Add the [helpline](http://x.example) to *every* Pathway',
    });
    let text = visibleText(card);
    assert.match(text, /Recorded: the panel approved version 1 with changes/);
    assert.match(text, /Status: \*\*Approved by the Lived Experience Advisory Panel, awaiting Council approval\*\*/);
    assert.match(text, /Lived Experience Advisory Panel: Approved with changes\nMeeting on .*Recorded by Cora Coordinator/);
    assert.match(text, /Comments: Add the \\\[helpline\\\]\(http\u200B:\/\/x.example\) to \\\*every\\\* Pathway/);
    assert.match(text, /Next: the Council's decision on version 1/);
    assert.equal(await saysDraft(1), true, 'still DRAFT after the panel');

    card = await press(card, "Record the Council's decision", { decision: 'approved', date: today(), comments: '' });
    assert.match(visibleText(card), /Status: \*\*Approved by the Council\*\*/);
    assert.equal(await saysDraft(1), false, 'no DRAFT once the Council approves');
    const dashboard = randomUUID();
    await teams.message('coordinator', 'status', { id: dashboard });
    const answer = connector.sentTo(personalConversation('coordinator')).find((call) => call.body.replyToId === dashboard);
    assert.match(visibleText(answer!.body), /Protocol version 1 is collated and up to date; status: council approved/);

    card = await press(card, 'Mark as published', { date: today(), comments: '' });
    text = visibleText(card);
    assert.match(text, /Status: \*\*Published\*\*/);
    assert.match(text, /Version 1 is published. Nothing more is recorded for it/);
    assert.deepEqual(inputIds(card), []);
    assert.equal(await saysDraft(1), false);
    const allowed = (await auditToday()).filter((e) => e.action === 'protocol.approval' && e.outcome === 'allowed').map((e) => e.reason);
    assert.deepEqual(allowed, [
      `version 1: panel notApproved on ${today()}`,
      `version 1: panel approvedWithChanges on ${today()}`,
      `version 1: council approved on ${today()}`,
      `version 1: publish on ${today()}`,
    ]);
    assert.ok(
      (await auditToday()).every((e) => !/helpline/.test(JSON.stringify(e))),
      'comments never reach the audit log',
    );
  });

  it("when the panel's decision is sent again for the same version, then it is refused as already recorded", async () => {
    const answer = invokeCard(await teams.execute('coordinator', 'approvals.record', { version: '1', step: 'panel', decision: 'approved', date: today() }));
    assert.match(visibleText(answer), /Not recorded: The panel's approval of version 1 is already recorded. A new collation starts the approvals again/);
    assert.equal((await app.stores.collations.state()).status, 'published');
  });

  it('when the protocol is collated again after approval, then its approvals start again (collated, panel first) and version 1 still rebuilds as approved', async () => {
    await teams.message('coordinator', 'collate');
    assert.equal((await app.stores.collations.state()).status, 'collated');
    const card = await approvalsCard();
    assert.match(visibleText(card), /Protocol version 2, collated .*Status: \*\*Collated/);
    assert.match(visibleText(card), /Nothing recorded yet for version 2/);
    assert.ok(findAction(card, "Record the panel's decision"));
    assert.equal(await saysDraft(2), true);
    assert.equal(await saysDraft(1), false, 'version 1 keeps the status its own approvals reached');
  });

  it('when a form shown before a new collation is sent, then it is refused as stale, nothing is recorded, and the card shows the new version', async () => {
    const shown = await approvalsCard(); // version 2's panel form
    await app.collations.collate(coordinator, 'accepted'); // version 3, meanwhile
    const answer = await press(shown, "Record the panel's decision", { decision: 'approved', date: today(), comments: '' });
    const text = visibleText(answer);
    assert.match(text, /Not recorded: this form was for protocol version 2, and the protocol is now at version 3/);
    assert.match(text, /Protocol version 3, collated .*Status: \*\*Collated/);
    assert.deepEqual(await app.collations.rebuild(2).then((input) => input?.status), 'collated');
    assert.equal((await app.stores.collations.state()).status, 'collated');
  });
});
