import assert from 'node:assert/strict';
import { Resvg } from '@resvg/resvg-js';
import { PNG } from 'pngjs';
import type { Flowchart } from '../../src/domain/pathway.js';
import { flowchartSvg, svgToPng } from '../../src/reports/flowchart.js';

/**
 * The diagrams' letters must not depend on the machine: production (App Service's Linux Node
 * image) has no system fonts, so text drawn with them would be missing. These tests look at the
 * pixels: the labels are there, inside their shapes, and they are exactly what a renderer that
 * knows only the Arimo files in node_modules draws, whatever fonts this machine has.
 */

/** Resolved here, not taken from the code under test, so the reference does not share its mistakes. */
const ARIMO_FILES = ['400Regular/Arimo_400Regular.ttf', '700Bold/Arimo_700Bold.ttf'].map((file) => require.resolve(`@expo-google-fonts/arimo/${file}`));

const WIDTH = 600;

/** The reference: resvg with Arimo's two files and nothing else (no system font is loaded). */
function drawnWithOnlyArimo(svg: string): PNG {
  const font = { fontFiles: ARIMO_FILES, loadSystemFonts: false, defaultFontFamily: 'Arimo' };
  return PNG.sync.read(new Resvg(svg, { fitTo: { mode: 'width', value: WIDTH }, background: 'white', font }).render().asPng());
}

const draw = async (svg: string) => PNG.sync.read(await svgToPng(svg, { width: WIDTH }));

/** The pixels (x, y) where two pictures of the same size differ visibly. */
function differences(a: PNG, b: PNG): [number, number][] {
  assert.deepEqual([a.width, a.height], [b.width, b.height]);
  const found: [number, number][] = [];
  for (let at = 0; at < a.data.length; at += 4) {
    const delta = Math.max(...[0, 1, 2].map((c) => Math.abs(a.data[at + c]! - b.data[at + c]!)));
    if (delta > 48) found.push([(at / 4) % a.width, Math.floor(at / 4 / a.width)]);
  }
  return found;
}

/** How much ink a picture holds: the sum of each pixel's darkness. */
function ink(png: PNG): number {
  let sum = 0;
  for (let at = 0; at < png.data.length; at += 4) sum += 765 - png.data[at]! - png.data[at + 1]! - png.data[at + 2]!;
  return sum;
}

/** One node's group (`<g class="node">` whose title is `id`) in Graphviz's SVG. */
function nodeGroup(svg: string, id: string): string {
  const group = [...svg.matchAll(/<g id="[^"]+" class="node">[\s\S]*?<\/g>/g)].map((m) => m[0]).find((g) => g.includes(`<title>${id}</title>`));
  assert.ok(group, `node ${id} in the SVG`);
  return group;
}

const withoutText = (svgPart: string) => svgPart.replace(/<text[^>]*>[^<]*<\/text>/g, '');

/**
 * A node's shape (its box, diamond or rounded box) as a rectangle of pixels. Graphviz draws in
 * points, y upwards, shifted by the graph's translate; the viewBox is stretched to the PNG's width.
 */
function shapeInPixels(svg: string, group: string, png: PNG) {
  const viewBoxWidth = Number(/viewBox="[\d.]+ [\d.]+ ([\d.]+)/.exec(svg)![1]);
  const [dx, dy] = /translate\(([-\d.]+) ([-\d.]+)\)/.exec(svg)!.slice(1).map(Number) as [number, number];
  const scale = png.width / viewBoxWidth;
  const outline = /<(?:polygon|path)[^>]*(?:points|d)="([^"]+)"/.exec(group)![1]!;
  const points = [...outline.matchAll(/(-?[\d.]+),(-?[\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
  const xs = points.map(([x]) => (x! + dx) * scale);
  const ys = points.map(([, y]) => (y! + dy) * scale);
  return { left: Math.min(...xs), right: Math.max(...xs), top: Math.min(...ys), bottom: Math.max(...ys) };
}

const CHART: Flowchart = {
  title: 'Fonts',
  explainer: '',
  steps: [
    { n: 1, kind: 'action', who: 'Housing officer', what: 'tells the Modern Slavery Lead', next: 2 },
    { n: 2, kind: 'decision', question: 'Is anyone in danger?', yes: 'end', no: 'end' },
  ],
};

describe('flowchart lettering, drawn from the Arimo files shipped with the app', () => {
  let svg: string;
  let drawn: PNG;
  before(async () => {
    svg = await flowchartSvg(CHART);
    drawn = await draw(svg);
  });

  it('when a chart is drawn, then every label is in the picture, inside its own shape', async () => {
    assert.match(svg, /font-family="Arimo[,"]/, 'the SVG asks for Arimo');
    for (const id of ['start', 's1', 's2', 'end']) {
      const group = nodeGroup(svg, id);
      const blank = await draw(svg.replace(group, withoutText(group)));
      const letters = differences(drawn, blank);
      // "End" at 600 px wide is a few hundred pixels of letter; a missing font leaves none.
      assert.ok(letters.length > 100, `the label of ${id} is drawn (${letters.length} pixels of letters)`);
      const shape = shapeInPixels(svg, group, drawn);
      const outside = letters.filter(([x, y]) => x < shape.left - 1 || x > shape.right + 1 || y < shape.top - 1 || y > shape.bottom + 1);
      assert.deepEqual(outside.slice(0, 5), [], `the label of ${id} fits its shape (${outside.length} pixels outside)`);
    }
    const arrows = await draw(svg.replace(/(<g id="[^"]+" class="edge">[\s\S]*?<\/g>)/g, (edge) => withoutText(edge)));
    assert.ok(differences(drawn, arrows).length > 100, 'Yes and No are drawn on the arrows');
  });

  it('when a step says who acts, then that line is in bold: thicker letters than the same words in regular', async () => {
    const group = nodeGroup(svg, 's1');
    const line = /<text[^>]*font-weight="bold"[^>]*>[^<]*<\/text>/.exec(group)![0];
    const alone = (text: string) => svg.replace(group, withoutText(group).replace('</g>', `${text}</g>`));
    const paper = ink(await draw(alone('')));
    const bold = ink(await draw(alone(line))) - paper;
    const regular = ink(await draw(alone(line.replace(' font-weight="bold"', '')))) - paper;
    assert.ok(regular > 0 && bold > 1.15 * regular, `Arimo Bold is used (ink ${bold} against ${regular})`);
  });

  it('when any font is asked for, whatever this machine has installed, then the letters are exactly those of the Arimo files', async () => {
    // Families a Linux or Windows machine may have, the generic ones, and letters Arimo lacks (a
    // chess knight and a tick, which DejaVu has; Chinese): if system fonts were used, on a machine
    // with any of them some line would come out different from the Arimo-only reference.
    const families = [
      'Arimo',
      'Arial',
      'Helvetica',
      'Liberation Sans',
      'DejaVu Sans',
      'Noto Sans',
      'FreeSans',
      'Ubuntu',
      'Segoe UI',
      'sans-serif',
      'serif',
      'monospace',
    ];
    const lines = families.map(
      (family, i) =>
        `<text x="10" y="${24 * (i + 1)}" font-size="18" font-family="${family}" font-weight="${i % 2 ? 'bold' : 'normal'}">Referral 2027 — ♞ ✔ 漢字</text>`,
    );
    const height = 24 * (families.length + 1);
    const sample = `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="${height}" viewBox="0 0 400 ${height}">${lines.join('')}</svg>`;
    const asDrawn = await draw(sample);
    const reference = drawnWithOnlyArimo(sample.replace(/font-family="[^"]+"/g, 'font-family="Arimo"'));
    assert.ok(ink(reference) > 0, 'the reference has letters');
    assert.equal(differences(asDrawn, reference).length, 0, 'every line is in Arimo, pixel for pixel');
    // And the diagram itself: the same pixels as the Arimo-only renderer draws from its SVG.
    assert.equal(differences(drawn, drawnWithOnlyArimo(svg)).length, 0, 'the flowchart is drawn in Arimo alone');
  });
});
