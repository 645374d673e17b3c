import assert from 'node:assert/strict';
import type { GroupId } from '../../src/domain/groups.js';
import type { DraftContent, TemplateId } from '../../src/domain/templates.js';
import { ChapterReviewStore } from '../../src/storage/chapterReviewStore.js';
import { OutboxStore } from '../../src/storage/outboxStore.js';
import { openTables, type TableClients } from '../../src/storage/tables.js';
import { actionTitles, assertAbsent, findAction, inputIds, inputValue, textsOf, visibleText } from '../support/cards.js';
import { cardOf, invokeCard, personalConversation, runningApp, waitFor, type Card, type RunningApp, TeamsClient } from '../support/harness.js';
import type { FakeConnector } from '../support/fakeConnector.js';
import type { PersonKey } from '../support/people.js';

const seeder = { aadObjectId: 'aad-seed', name: 'Sam Seeder' };
const STRATEGY_CHAPTERS = ['pursue', 'prevent', 'protect', 'prepare', 'partnership'];
const today = () => new Date().toISOString().slice(0, 10);

const content = (group: GroupId, template: TemplateId): DraftContent =>
  template === 'strategy'
    ? {
        template,
        sections: { pursue: `${group} pursue`, prevent: `${group} prevent`, protect: '', prepare: `${group} prepare`, partnership: `${group} partnership` },
      }
    : { template, text: `## ${group} officer finds a concern\n1. Officer: notices indicators\n2. Officer: tells the Modern Slavery Lead` };

describe('reviewing the collated protocol chapter by chapter, end to end over HTTP', function () {
  this.timeout(60_000);
  let app: RunningApp;
  let teams: TeamsClient;
  let connector: FakeConnector;
  let tables: TableClients;
  const world = runningApp();

  /** Saves a version of a group's template and has it accepted, as the group and the coordinator would. */
  async function seed(group: GroupId, template: TemplateId) {
    const store = app.stores.protocol;
    const now = new Date();
    const saved = await store.saveVersion(group, template, content(group, template), seeder, now, (current) => {
      const record = { ...current, status: 'drafting' as const, revision: current.revision + 1, latestVersion: current.latestVersion + 1 };
      return { record, event: { revision: record.revision, type: 'saved' as const, by: seeder, at: now.toISOString(), detail: 'seeded' } };
    });
    const { etag } = await store.status(group, template);
    const next = { ...saved, status: 'accepted' as const, revision: saved.revision + 1, submittedVersion: saved.latestVersion, submittedBy: seeder };
    await store.changeStatus(next, etag, { revision: next.revision, type: 'accepted', by: seeder, at: now.toISOString(), detail: 'seeded' }, []);
  }

  /** The review card a person was sent for a protocol version, once the outbox has delivered it. */
  const reviewCardFor = (key: PersonKey, version: number) =>
    waitFor(() => {
      const sent = connector.sentTo(personalConversation(key)).find((c) => visibleText(c.body).startsWith(`Protocol version ${version}:`));
      return sent && cardOf(sent.body);
    }, `the version ${version} review card for ${key}`);
  /** Presses "Send my answers" on a review card with what the lead chose and typed. */
  const send = async (key: PersonKey, card: Card, inputs: Record<string, string>) => {
    const action = findAction(card, 'Send my answers');
    return invokeCard(await teams.execute(key, String(action.verb), { ...(action.data as Record<string, unknown>), ...inputs }));
  };
  const saved = (version: number, group: GroupId) => new ChapterReviewStore(tables.collations).forGroup(version, group);
  const commentsCard = async () => {
    const before = connector.sentTo(personalConversation('coordinator')).length;
    await teams.message('coordinator', 'review comments');
    // The answer, not a notice the outbox sent meanwhile ("Waiting: ... has not installed the app").
    const sent = connector.sentTo(personalConversation('coordinator')).slice(before);
    const answer = sent.find((c) => /^Review of protocol version/.test(visibleText(c.body)));
    assert.ok(answer, `no answer to "review comments" among: ${sent.map((c) => visibleText(c.body).slice(0, 60)).join(' | ')}`);
    return cardOf(answer.body);
  };
  const chapterText = (card: Card, title: string) => {
    const text = visibleText(card);
    const start = text.indexOf(`${title}\n`);
    assert.ok(start >= 0, `no chapter "${title}" in:\n${text}`);
    const next = text.slice(start + title.length).search(/\n(?:Strategy|Pathways): [^\n]+\nAgreed/);
    return next < 0 ? text.slice(start) : text.slice(start, start + title.length + next);
  };

  const PREVENT_COMMENT = 'Say *who* shares data with [the GLAA](http://glaa.example) and when';
  const PURSUE_COMMENT = 'Add the police _48 hour_ target';

  before(async () => {
    ({ app, teams, connector } = world);
    tables = await openTables({ connectionString: world.tables.connectionString });
    for (const key of ['coordinator', 'housingLead', 'healthLead', 'housingMember'] as const) await teams.install(key);
    for (const [group, template] of [
      ['housing', 'strategy'],
      ['housing', 'pathway'],
      ['health', 'strategy'],
      ['enforcement', 'strategy'],
      ['enforcement', 'pathway'],
    ] as const)
      await seed(group, template);
    await teams.message('coordinator', 'collate');
  });

  it("when the coordinator collates, then each group's leads are sent a review card in personal chat naming the version and their chapters, and nobody else is", async () => {
    const queued = await new OutboxStore(tables.collations).list('review|000001');
    const leads = ['housing', 'health', 'nrm', 'migration', 'enforcement', 'transition', 'support'].map((g) =>
      g === 'housing' ? 'aad-housing-lead' : g === 'health' ? 'aad-health-lead' : `aad-${g}-lead`,
    );
    assert.deepEqual(queued.map((e) => e.recipient).sort(), leads.sort(), "one card for each group's lead, for nobody else");
    assert.ok(queued.every((e) => e.kind === 'chapterReview'));

    const housing = await reviewCardFor('housingLead', 1);
    assert.equal(textsOf(housing)[0], "Protocol version 1: Housing group's review");
    assert.match(visibleText(housing), /with its Strategy version 1 and its Pathway version 1 from the Housing group/);
    for (const title of ['Strategy: Pursue', 'Strategy: Partnership', 'Pathways: Housing']) assert.ok(textsOf(housing).includes(title), title);
    assertAbsent(housing, /Pathways: Enforcement/, "another group's Pathway is not on it");
    assert.deepEqual(
      inputIds(housing),
      [...STRATEGY_CHAPTERS, 'pathway-housing'].flatMap((c) => [`answer-${c}`, `comment-${c}`]),
    );
    assert.deepEqual(actionTitles(housing), ['Send my answers']);

    const health = await reviewCardFor('healthLead', 1);
    assert.match(visibleText(health), /no Pathway \(listed as missing, so there is no Pathway chapter to review\)/);
    assert.ok(!inputIds(health).includes('answer-pathway-health'));

    for (const key of ['coordinator', 'housingMember'] as const)
      assert.ok(
        !connector
          .sentTo(personalConversation(key))
          .filter((c) => (c.body.attachments as { contentType: string }[] | undefined)?.[0]?.contentType === 'application/vnd.microsoft.card.adaptive')
          .some((c) => /^Protocol version \d+:/.test(visibleText(c.body))),
        `${key} got no review card`,
      );
  });

  it('when a lead agrees with one chapter and comments on another, then both are saved and shown on the card, and the audit names the chapters but never the comment', async () => {
    const card = await reviewCardFor('housingLead', 1);
    const answered = await send('housingLead', card, { 'answer-pursue': 'agree', 'answer-prevent': 'notYet', 'comment-prevent': PREVENT_COMMENT });
    assert.match(visibleText(answered), /Saved your answers on 2 chapters for the Housing group/);
    assert.equal(inputValue(answered, 'answer-pursue'), 'agree');
    assert.equal(inputValue(answered, 'answer-prevent'), 'notYet');
    assert.equal(inputValue(answered, 'comment-prevent'), PREVENT_COMMENT);
    assert.match(visibleText(answered), /Answered: not agreed yet \(Hana Housing, /);

    const rows = await saved(1, 'housing');
    assert.deepEqual(rows.map((r) => [r.chapter, r.answer, r.comment]).sort(), [
      ['prevent', 'notYet', PREVENT_COMMENT],
      ['pursue', 'agree', undefined],
    ]);
    const audit = await app.stores.audit.forDay(today());
    const event = audit.find((e) => e.action === 'protocol.reviewed' && e.actorId === 'aad-housing-lead');
    assert.equal(event?.reason, 'version 1 housing: pursue=agree, prevent=notYet (comment)');
    assert.ok(!JSON.stringify(audit).includes('GLAA'), 'no comment text in the audit log');
  });

  it('when a lead does not agree without saying why, or writes too long a comment, then nothing is saved and the card keeps what was typed, naming each problem', async () => {
    const card = await reviewCardFor('housingLead', 1);
    const long = 'Shorter please. '.repeat(80).trim();
    const refused = await send('housingLead', card, { 'answer-protect': 'notYet', 'answer-prepare': 'agree', 'comment-prepare': long });
    const text = visibleText(refused);
    assert.match(text, /Not saved: please check the chapters marked below/);
    assert.match(text, /Say what should change in Protect: a comment is needed when you do not agree\./);
    assert.match(text, /Keep the comment on Prepare to 1,000 characters; it has 1,279\./);
    assert.equal(inputValue(refused, 'answer-protect'), 'notYet');
    assert.equal(inputValue(refused, 'comment-prepare'), long, 'the comment is kept whole to shorten');
    assert.equal((await saved(1, 'housing')).length, 2, 'nothing more saved');
  });

  it('when the coordinator types "review comments", then each chapter shows who agreed, who commented (escaped, with who) and who has not answered', async () => {
    const health = await reviewCardFor('healthLead', 1);
    await send('healthLead', health, { 'answer-pursue': 'notYet', 'comment-pursue': PURSUE_COMMENT });

    const card = await commentsCard();
    assert.equal(textsOf(card)[0], 'Review of protocol version 1');
    assert.match(visibleText(card), /Groups that have answered on at least one chapter: 2 of 7\./);
    assert.equal(
      chapterText(card, 'Strategy: Pursue'),
      [
        'Strategy: Pursue',
        'Agreed: Housing.',
        'Not agreed yet: Health.',
        'Not answered: NRM Referrals, Migration, Enforcement, Transition to Adulthood, Support Services.',
        'Health (Hal Health), not agreed yet:',
        'Add the police \\_48 hour\\_ target',
      ].join('\n'),
    );
    assert.match(
      chapterText(card, 'Strategy: Prevent'),
      /Housing \(Hana Housing\), not agreed yet:\nSay \\\*who\\\* shares data with \\\[the GLAA\\\]\(http\u200B:\/\/glaa\.example\) and when/,
    );
    assert.match(chapterText(card, 'Pathways: Housing'), /Agreed: no group yet\.\nNot answered: Housing\./);
    assert.match(chapterText(card, 'Pathways: Enforcement'), /Not answered: Enforcement\./);
    assertAbsent(card, /Pathways: Health/, 'no chapter for a Pathway missing from the collation');

    const pursue = invokeCard(await teams.execute('coordinator', String(findAction(card, 'Show this chapter').verb), { chapter: 'pursue' }));
    assert.equal(textsOf(pursue)[0], 'Review of protocol version 1: Strategy: Pursue');
    assertAbsent(pursue, /Strategy: Prevent\nAgreed/);
    assert.deepEqual(actionTitles(pursue), ['Show this chapter', 'All chapters']);
  });

  it('when a lead answers a chapter again, then their answer and comment are updated, not added', async () => {
    const card = await reviewCardFor('housingLead', 1);
    const again = await send('housingLead', card, { 'answer-pursue': 'agree', 'answer-prevent': 'agree', 'comment-prevent': 'Fine now' });
    assert.match(visibleText(again), /Saved your answers on 2 chapters/);
    const rows = await saved(1, 'housing');
    assert.deepEqual(rows.map((r) => [r.chapter, r.answer, r.comment]).sort(), [
      ['prevent', 'agree', 'Fine now'],
      ['pursue', 'agree', undefined],
    ]);
    const prevent = chapterText(await commentsCard(), 'Strategy: Prevent');
    assert.match(prevent, /Agreed: Housing\.\nNot answered: Health, /);
    assert.match(prevent, /Housing \(Hana Housing\), agreed:\nFine now/);
    assert.ok(!prevent.includes('GLAA'), 'the old comment is gone');
  });

  it('when a member who is not a lead, or the lead of another group, answers for a group, then they are refused, nothing changes, and it is audited', async () => {
    const card = await reviewCardFor('housingLead', 1);
    for (const key of ['housingMember', 'healthLead'] as const) {
      const refused = await send(key, card, { 'answer-pursue': 'notYet', 'comment-pursue': 'A member view' });
      assert.match(visibleText(refused), /Only a lead of the Housing group can answer for it/);
    }
    assert.equal((await saved(1, 'housing')).find((r) => r.chapter === 'pursue')?.answer, 'agree');
    const audit = await app.stores.audit.forDay(today());
    for (const actorId of ['aad-housing-member', 'aad-health-lead'])
      assert.ok(
        audit.some((e) => e.actorId === actorId && e.outcome === 'refused' && e.reason === 'review version 1 housing: not a group lead'),
        actorId,
      );

    await teams.message('housingLead', 'review comments');
    assert.match(visibleText(connector.sentTo(personalConversation('housingLead')).at(-1)!.body), /Only a protocol coordinator can read/);
  });

  it('when the protocol is collated again and a lead answers on the older card, then it is refused as stale and audited, and the new card is theirs to answer', async () => {
    const old = await reviewCardFor('housingLead', 1);
    await teams.message('coordinator', 'collate');
    const current = await reviewCardFor('housingLead', 2);
    const stale = await send('housingLead', old, { 'answer-protect': 'agree' });
    assert.match(visibleText(stale), /Not saved: this card is for protocol version 1, and version 2 has been collated since/);
    assert.equal((await saved(1, 'housing')).length, 2);
    assert.equal((await saved(2, 'housing')).length, 0);
    const audit = await app.stores.audit.forDay(today());
    assert.ok(audit.some((e) => e.actorId === 'aad-housing-lead' && e.reason === 'review version 1 housing: stale (current version 2)'));

    assert.match(visibleText(await send('housingLead', current, { 'answer-protect': 'agree' })), /Saved your answers on 1 chapter/);
    assert.match(visibleText(await commentsCard()), /Review of protocol version 2\n[^\n]*answered on at least one chapter: 1 of 7\./);
    assert.ok(!JSON.stringify(await app.stores.audit.forDay(today())).match(/GLAA|48 hour|Fine now|A member view/), 'no comment in the audit log');
  });
});
