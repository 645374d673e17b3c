import assert from 'node:assert/strict';
import { missingGroups, type CollationInput } from '../../src/domain/collation.js';
import { STRATEGY_SECTIONS } from '../../src/domain/templates.js';
import { buildStrategyDocument } from '../../src/reports/strategyDocument.js';
import { chapterOf, readDocx, sampleCollation, withStyle, type ReadDocx } from './docx.js';

const SUBMITTED = ['Housing', 'Health', 'NRM Referrals', 'Enforcement', 'Transition to Adulthood', 'Support Services'];
const CHAPTERS = STRATEGY_SECTIONS.map((s, i) => `${i + 1}. ${s.title}`);

describe('the Strategy document', () => {
  let draft: ReadDocx;
  before(async () => {
    draft = readDocx(await buildStrategyDocument(sampleCollation()));
  });

  it('when it is built, then it opens with the title, protocol version, local date and status', () => {
    assert.deepEqual(withStyle(draft, 'Title'), ['Coventry Modern Slavery Protocol: Strategy']);
    const texts = draft.paragraphs.map((p) => p.text);
    for (const line of ['Protocol version 2', 'Status: Draft', 'Collated on Monday 5 July 2027']) assert.ok(texts.includes(line), line);
  });

  it('when it is built, then each P is a Heading 1 chapter, in order, after the introduction and the groups', () => {
    assert.deepEqual(withStyle(draft, 'Heading1'), ['Introduction', 'Groups', ...CHAPTERS]);
  });

  it("when it is built, then every chapter has each submitting group's name as a Heading 2, in the order of the groups", () => {
    for (const title of CHAPTERS) {
      const headings = chapterOf(draft, title)
        .filter((p) => p.style === 'Heading2')
        .map((p) => p.text);
      assert.deepEqual(headings, SUBMITTED, title);
    }
  });

  it("when it is built, then each chapter starts with the P's question and every group's text is there, split into paragraphs", () => {
    const prevent = chapterOf(draft, '2. Prevent').map((p) => p.text);
    assert.equal(prevent[0], STRATEGY_SECTIONS[1].question);
    for (const id of ['health', 'nrm', 'enforcement', 'transition', 'support']) {
      assert.ok(prevent.includes(`${id} prevents exploitation by raising awareness.`), id);
      assert.ok(prevent.includes(`A second paragraph from ${id}.`), id);
    }
    assert.ok(chapterOf(draft, '5. Partnership').some((p) => p.text === 'support attends the multi-agency meeting.'));
  });

  it('when a group wrote nothing for a P, then that chapter says so under its name', () => {
    const prepare = chapterOf(draft, '4. Prepare');
    const at = prepare.findIndex((p) => p.style === 'Heading2' && p.text === 'Housing');
    assert.equal(prepare[at + 1]!.text, '(nothing written for this section)');
  });

  it('when text has ampersands, quotes and angle brackets, then it reads exactly as typed', () => {
    assert.ok(chapterOf(draft, '1. Pursue').some((p) => p.text === 'Housing & enforcement share "intelligence" on landlords <HMOs>.'));
  });

  it('when a group submitted nothing, then it is named as missing in the Groups section and in every chapter', () => {
    assert.deepEqual(missingGroups(sampleCollation(), 'strategy'), ['migration']);
    const groups = chapterOf(draft, 'Groups').map((p) => p.text);
    assert.ok(groups.includes('Missing: Migration (nothing submitted)'));
    assert.ok(groups.includes('Nothing submitted'), 'the table row for Migration');
    for (const title of CHAPTERS) {
      assert.ok(
        chapterOf(draft, title).some((p) => p.text === 'Missing: Migration (nothing submitted)'),
        title,
      );
    }
  });

  it("when it is built, then the Groups section lists each group's version used and who submitted it", () => {
    const groups = chapterOf(draft, 'Groups').map((p) => p.text);
    assert.ok(groups.includes('Version 4 (accepted)'));
    assert.ok(groups.includes('Sophie Hall'));
    assert.ok(groups.includes('Version 3 (accepted)'), 'Health');
  });

  it('when built from accepted versions or from the latest submitted ones, then the document says which', async () => {
    assert.ok(draft.paragraphs.some((p) => p.text.startsWith("Built from each group's accepted version.")));
    const latest = readDocx(await buildStrategyDocument(sampleCollation({ basis: 'latestSubmitted' })));
    assert.ok(latest.paragraphs.some((p) => p.text.startsWith("Built from each group's latest submitted version")));
    assert.ok(!latest.paragraphs.some((p) => p.text.includes('accepted version.')));
  });

  it('when the protocol is a draft, then the header says DRAFT; once the Council approves it or it is published, it does not', async () => {
    assert.ok(draft.headers.length > 0);
    assert.ok(draft.headers.every((h) => h.includes('>DRAFT<')));
    for (const status of ['council approved', 'published'] as const) {
      const approved = readDocx(await buildStrategyDocument(sampleCollation({ status })));
      assert.ok(approved.headers.length > 0);
      assert.ok(!approved.headers.some((h) => h.includes('DRAFT')), status);
    }
    const panel = readDocx(await buildStrategyDocument(sampleCollation({ status: 'panel approved' })));
    assert.ok(panel.headers.some((h) => h.includes('>DRAFT<')));
  });

  it('when it is built, then the footer has a page number field', () => {
    assert.ok(draft.footers.some((f) => /<w:instrText[^>]*>PAGE<\/w:instrText>/.test(f)));
  });

  it('when it is built, then it has a contents field over the chapters, which Word updates on opening', () => {
    assert.match(draft.document, /<w:instrText[^>]*>TOC \\h \\o &quot;1-1&quot;<\/w:instrText>/);
    assert.match(draft.part('word/settings.xml'), /<w:updateFields\/>|<w:updateFields w:val="(true|1)"\/>/);
    // The entries are written too, for viewers that do not update fields; Word fills in their pages.
    const entries = withStyle(draft, 'TOC1').map((t) => t.split('\t'));
    assert.deepEqual(
      entries.map(([title]) => title),
      ['Introduction', 'Groups', ...CHAPTERS],
    );
  });

  it('when a Pathway is given as a Strategy, then the document is not built', async () => {
    const input: CollationInput = sampleCollation();
    input.strategies.health = { version: 1, status: 'accepted', content: { template: 'pathway', text: '1. A: b' } };
    await assert.rejects(buildStrategyDocument(input), /health: a pathway was given as its strategy/);
  });
});
