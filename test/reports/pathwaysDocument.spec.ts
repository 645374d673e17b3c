import assert from 'node:assert/strict';
import { PNG } from 'pngjs';
import type { Flowchart } from '../../src/domain/pathway.js';
import { pngSize } from '../../src/reports/flowchart.js';
import { buildPathwaysDocument, diagramSize } from '../../src/reports/pathwaysDocument.js';
import { TEXT_AREA_PX } from '../../src/reports/docxParts.js';
import { chapterOf, readDocx, sampleCollation, withStyle, type ReadDocx } from './docx.js';

const GROUPS = ['Housing', 'Health', 'NRM Referrals', 'Migration', 'Enforcement', 'Transition to Adulthood', 'Support Services'];
const EMU_PER_PX = 9525;

function png(width: number, height: number): Buffer {
  const image = new PNG({ width, height });
  image.data.fill(255);
  return PNG.sync.write(image);
}

const media = (files: Record<string, Uint8Array>) => Object.keys(files).filter((f) => f.startsWith('word/media/'));
const extents = (xml: string) => [...xml.matchAll(/<wp:extent cx="(\d+)" cy="(\d+)"\/>/g)].map((m) => ({ cx: Number(m[1]), cy: Number(m[2]) }));

describe('the Pathways document', () => {
  let plain: ReadDocx;
  before(async () => {
    plain = readDocx(await buildPathwaysDocument(sampleCollation()));
  });

  it('when it is built, then each group is a Heading 1 chapter in order, the missing one included, and each flowchart a Heading 2', () => {
    const doc = plain;
    assert.deepEqual(withStyle(doc, 'Title'), ['Coventry Modern Slavery Protocol: Pathways']);
    assert.deepEqual(withStyle(doc, 'Heading1'), ['Introduction', 'Groups', ...GROUPS]);
    const housing = chapterOf(doc, 'Housing')
      .filter((p) => p.style === 'Heading2')
      .map((p) => p.text);
    assert.deepEqual(housing, ['housing officer identifies a concern', 'Out of hours']);
  });

  it('when a group submitted nothing, then its chapter and the Groups section name it as missing', () => {
    const doc = plain;
    assert.equal(chapterOf(doc, 'Migration')[0]!.text, 'Missing: Migration (nothing submitted)');
    assert.ok(chapterOf(doc, 'Groups').some((p) => p.text === 'Missing: Migration (nothing submitted)'));
  });

  it('when the diagram function draws each flowchart, then each is an image in word/media with the steps after it as numbered text and then the explainer', async () => {
    const drawn: string[] = [];
    const doc = readDocx(
      await buildPathwaysDocument(sampleCollation(), {
        diagram: (chart: Flowchart) => {
          drawn.push(chart.title);
          return Promise.resolve(png(40 + drawn.length, 30)); // each one different: docx stores identical images once
        },
      }),
    );
    assert.equal(drawn.length, 12, 'two flowcharts for each of six groups');
    assert.equal(media(doc.files).length, 12);
    assert.ok(media(doc.files).every((f) => f.endsWith('.png')));
    const health = chapterOf(doc, 'Health');
    const title = health.findIndex((p) => p.style === 'Heading2' && p.text === 'health officer identifies a concern');
    assert.ok(/<w:drawing>/.test(doc.document));
    assert.deepEqual(
      health.slice(title + 2, title + 9).map((p) => p.text),
      [
        'Steps',
        '1. health officer: notices indicators',
        '2. Is anyone in immediate danger? Yes: step 3. No: step 4.',
        '3. Officer: calls 999 (end)',
        '4. Officer: tells the Modern Slavery Lead (end)',
        'About this flowchart',
        'Applies to health staff.',
      ],
    );
    assert.match(doc.document, /descr="Flowchart diagram of &quot;health officer identifies a concern&quot;/);
  });

  it('when a diagram is wider than the page, then it is scaled to the page width keeping its proportions; a small one keeps its size', async () => {
    const doc = readDocx(
      await buildPathwaysDocument(sampleCollation(), { diagram: (chart) => Promise.resolve(chart.title === 'Out of hours' ? png(60, 20) : png(1500, 500)) }),
    );
    const sizes = extents(doc.document);
    assert.equal(sizes.length, 12);
    const wide = sizes.filter((s) => s.cx === TEXT_AREA_PX.width * EMU_PER_PX);
    assert.equal(wide.length, 6);
    for (const s of wide) assert.ok(Math.abs(s.cx / s.cy - 3) < 0.01, JSON.stringify(s));
    assert.equal(sizes.filter((s) => s.cx === 60 * EMU_PER_PX && s.cy === 20 * EMU_PER_PX).length, 6);
    const tall = diagramSize({ width: 400, height: 4000 });
    assert.ok(tall.height < TEXT_AREA_PX.height && Math.abs(tall.width / tall.height - 0.1) < 0.01, 'a tall one fits the page');
  });

  it('when the diagram function draws nothing, then there is no image and the steps are still there', async () => {
    const doc = readDocx(await buildPathwaysDocument(sampleCollation(), { diagram: () => Promise.resolve(undefined) }));
    assert.deepEqual(media(doc.files), []);
    assert.ok(!/<w:drawing>/.test(doc.document));
    assert.ok(chapterOf(doc, 'Support Services').some((p) => p.text === '1. support officer: notices indicators'));
    assert.ok(chapterOf(doc, 'Support Services').some((p) => p.text === '1. Duty officer: logs the concern (end)'));
  });

  it('when the diagram function fails or gives something that is not a PNG, then that flowchart says so and keeps its steps', async () => {
    const doc = readDocx(
      await buildPathwaysDocument(sampleCollation(), {
        diagram: (chart) => (chart.title === 'Out of hours' ? Promise.reject(new Error('renderer down')) : Promise.resolve(Buffer.from('<svg/>'))),
      }),
    );
    assert.deepEqual(media(doc.files), []);
    const notes = doc.paragraphs.filter((p) => p.text === '(The diagram for this flowchart could not be drawn. The steps below are complete.)');
    assert.equal(notes.length, 12);
  });

  it('when it is a draft, then the header says DRAFT, the footer numbers the pages, and the contents list the groups and flowcharts', async () => {
    const doc = plain;
    assert.ok(doc.headers.every((h) => h.includes('>DRAFT<')));
    assert.ok(doc.footers.some((f) => /<w:instrText[^>]*>PAGE<\/w:instrText>/.test(f)));
    assert.match(doc.document, /<w:instrText[^>]*>TOC \\h \\o &quot;1-2&quot;<\/w:instrText>/);
    assert.ok(withStyle(doc, 'TOC2').some((t) => t.startsWith('Out of hours\t')));
    const published = readDocx(await buildPathwaysDocument(sampleCollation({ status: 'published' })));
    assert.ok(!published.headers.some((h) => h.includes('DRAFT')));
  });

  it('when a Strategy is given as a Pathway, then nothing is drawn and the document is not built', async () => {
    const input = sampleCollation();
    input.pathways.nrm = {
      version: 1,
      status: 'accepted',
      content: { template: 'strategy', sections: { pursue: 'x', prevent: '', protect: '', prepare: '', partnership: '' } },
    };
    let drawn = 0;
    const diagram = () => {
      drawn += 1;
      return Promise.resolve(undefined);
    };
    await assert.rejects(buildPathwaysDocument(input, { diagram }), /nrm: a strategy was given as its pathway/);
    assert.equal(drawn, 0);
  });

  it("when a PNG's header is read, then its width and height come from the IHDR chunk, and anything else is not a PNG", () => {
    assert.deepEqual(pngSize(png(321, 123)), { width: 321, height: 123 });
    assert.equal(pngSize(Buffer.from('GIF89a............................')), undefined);
    assert.equal(pngSize(png(2, 2).subarray(0, 20)), undefined);
  });
});
