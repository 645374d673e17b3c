import assert from 'node:assert/strict';
import { Resvg } from '@resvg/resvg-js';
import { PNG } from 'pngjs';
import { finishFlowcharts, parsePathway, type Flowchart } from '../../src/domain/pathway.js';
import type { DraftState } from '../../src/domain/submission.js';
import { flowchartDot, flowchartPng, flowchartSvg } from '../../src/reports/flowchart.js';
import { CARD_DIAGRAM, DIAGRAM_BUDGET, pathwayDiagrams } from '../../src/reports/pathwayDiagrams.js';

const HOUSING = [
  '## Housing officer identifies a concern',
  '1. Housing officer: notices indicators during a visit to a house in multiple occupation',
  '2. Is anyone in immediate danger? yes: 3, no: 4',
  '3. Housing officer: calls 999 -> end',
  '4. Housing officer: tells the Modern Slavery Lead through the referral form',
  '5. Does the adult consent to an NRM referral? yes: 6, no: 7',
  '6. Modern Slavery Lead: makes the NRM referral -> end',
  '7. Modern Slavery Lead: sends a Duty to Notify to the Home Office',
  'Explainer: applies to council and housing association staff.',
].join('\n');

function chartsOf(text: string): Flowchart[] {
  const parsed = parsePathway(text);
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  return finishFlowcharts(parsed.flowcharts);
}

const decode = (text: string) =>
  text
    .replace(/&#(\d+);/g, (_m, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&#x([0-9a-f]+);/gi, (_m, n: string) => String.fromCodePoint(parseInt(n, 16)))
    .replace(/&(lt|gt|quot|apos|amp);/g, (_m, e: string) => ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[e]!);

interface Shape {
  id: string;
  texts: string[];
  polygons: [number, number][][];
  ellipses: number;
  /** The top of its first line of text (SVG y grows downwards). */
  y: number;
}

/** The diagram as a person sees it: each node (a shape with its words) and each arrow (from, to, its words). */
function readDiagram(svg: string) {
  const groups = [...svg.matchAll(/<g id="[^"]+" class="(node|edge)">([\s\S]*?)<\/g>/g)].map(([, kind, body]) => {
    const texts = [...body!.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => decode(m[1]!).trim());
    const polygons = [...body!.matchAll(/<polygon[^>]*points="([^"]+)"/g)].map((m) =>
      m[1]!.split(' ').map((p) => p.split(',').map(Number) as [number, number]),
    );
    const y = Number(/<text[^>]* y="([-\d.]+)"/.exec(body!)?.[1] ?? NaN);
    return { kind, id: decode(/<title>([^<]*)<\/title>/.exec(body!)![1]!), texts, polygons, ellipses: body!.split('<ellipse').length - 1, y };
  });
  const nodes = new Map<string, Shape>(groups.filter((g) => g.kind === 'node').map((g) => [g.id, g]));
  const edges = groups.filter((g) => g.kind === 'edge').map((g) => ({ from: g.id.split('->')[0]!, to: g.id.split('->')[1]!, label: g.texts.join(' ') }));
  return { nodes, edges };
}

/** A diamond: four corners, two on a vertical line (top, bottom) and two on a horizontal one (left, right). */
function isDiamond(points: [number, number][]): boolean {
  const corners = points.filter(([x, y], i) => points.findIndex(([a, b]) => a === x && b === y) === i);
  if (corners.length !== 4) return false;
  const xs = corners.map(([x]) => x.toFixed(1));
  const ys = corners.map(([, y]) => y.toFixed(1));
  return new Set(xs).size === 3 && new Set(ys).size === 3;
}

describe('flowcharts drawn as diagrams', () => {
  const [housing] = chartsOf(HOUSING);
  let svg: string;
  before(async () => {
    svg = await flowchartSvg(housing!);
  });

  it('when a flowchart is drawn, then it has a Start, one shape per step and an End, from top to bottom', () => {
    const { nodes } = readDiagram(svg);
    assert.deepEqual([...nodes.keys()].sort(), ['end', 'start', 's1', 's2', 's3', 's4', 's5', 's6', 's7'].sort());
    assert.deepEqual(nodes.get('start')!.texts, ['Start']);
    assert.deepEqual(nodes.get('end')!.texts, ['End']);
    assert.ok(nodes.get('start')!.y < nodes.get('s1')!.y && nodes.get('s1')!.y < nodes.get('s2')!.y, 'Start, then step 1, then step 2, downwards');
    assert.ok([...nodes.values()].every((n) => n.y <= nodes.get('end')!.y));
  });

  it('when a step is an action, then its box says who does what, wrapped to lines of about 28 characters', () => {
    const { nodes } = readDiagram(svg);
    const first = nodes.get('s1')!;
    assert.equal(first.texts[0], '1. Housing officer:');
    assert.equal(first.texts.slice(1).join(' '), 'notices indicators during a visit to a house in multiple occupation');
    assert.ok(first.texts.length >= 4 && first.texts.every((line) => line.length <= 28), first.texts.join(' | '));
    assert.ok(!isDiamond(first.polygons[0]!), 'an action is a box');
  });

  it('when a step asks a question, then it is a diamond with the question, and its two arrows are labelled Yes and No', () => {
    const { nodes, edges } = readDiagram(svg);
    const question = nodes.get('s2')!;
    assert.ok(isDiamond(question.polygons[0]!), 'a diamond');
    assert.equal(question.texts.join(' '), '2. Is anyone in immediate danger?');
    assert.deepEqual(
      edges.filter((e) => e.from === 's2').map((e) => `${e.label} -> ${e.to}`),
      ['Yes -> s3', 'No -> s4'],
    );
    assert.deepEqual(
      edges.filter((e) => e.from === 's5').map((e) => `${e.label} -> ${e.to}`),
      ['Yes -> s6', 'No -> s7'],
    );
    assert.ok(
      edges.filter((e) => !['s2', 's5'].includes(e.from)).every((e) => e.label === ''),
      'plain arrows elsewhere',
    );
  });

  it('when paths end, then each reaches the one End, and every step leads there', () => {
    const { nodes, edges } = readDiagram(svg);
    assert.deepEqual(
      edges.filter((e) => e.to === 'end').map((e) => e.from),
      ['s3', 's6', 's7'],
    );
    assert.equal(nodes.get('end')!.ellipses + nodes.get('end')!.polygons.length, 0, 'End is a rounded shape (a path), not a box or diamond');
    const leadsToEnd = new Set(['end']);
    for (let changed = true; changed;) {
      changed = false;
      for (const e of edges) if (leadsToEnd.has(e.to) && !leadsToEnd.has(e.from)) changed = Boolean(leadsToEnd.add(e.from));
    }
    assert.deepEqual(
      [...nodes.keys()].filter((n) => !leadsToEnd.has(n)),
      [],
    );
  });

  it('when typed text holds quotes, <, &, backslashes, entities and line breaks, then the SVG stays well-formed and shows the text as typed', async () => {
    const chart: Flowchart = {
      title: 'Awkward "text"',
      explainer: '',
      steps: [
        { n: 1, kind: 'action', who: 'Officer <b>"A"</b> & co', what: 'logs it\nin C:\\cases\\N\\2027 &amp; &nbsp; then"]; evil [label="x', next: 2 },
        { n: 2, kind: 'decision', question: "Is it < 18 & 'urgent'?", yes: 'end', no: 'end' },
      ],
    };
    const drawn = await flowchartSvg(chart);
    assert.doesNotThrow(() => new Resvg(drawn).render(), 'resvg parses it as XML and draws it');
    const { nodes } = readDiagram(drawn);
    assert.deepEqual([...nodes.keys()].sort(), ['end', 's1', 's2', 'start'], 'no node made from the text');
    assert.equal(nodes.get('s1')!.texts.join(' '), '1. Officer <b>"A"</b> & co: logs it in C:\\cases\\N\\2027 &amp; &nbsp; then"]; evil [label="x');
    assert.equal(nodes.get('s2')!.texts.join(' '), "2. Is it < 18 & 'urgent'?");
    assert.match(drawn, /Officer &lt;b&gt;&quot;A&quot;&lt;\/b&gt; &amp; co/, 'escaped in the SVG');
    assert.doesNotMatch(flowchartDot(chart), /evil \[/);
  });

  it('when drawn as a PNG, then it is a real PNG of the asked width, white with dark lettering and coloured shapes', async () => {
    const png = PNG.sync.read(await flowchartPng(housing!, { width: 420 }));
    assert.equal(png.width, 420);
    assert.ok(png.height > png.width, 'a tall, top-to-bottom chart');
    let white = 0;
    let dark = 0;
    const colours = new Set<number>();
    for (let at = 0; at < png.data.length; at += 4) {
      const [r, g, b] = [png.data[at]!, png.data[at + 1]!, png.data[at + 2]!];
      if (r > 250 && g > 250 && b > 250) white++;
      if (r + g + b < 200) dark++;
      colours.add((r << 16) | (g << 8) | b);
    }
    const pixels = png.width * png.height;
    assert.ok(white > pixels / 3, 'mostly white paper');
    assert.ok(dark > 500, 'lettering and lines');
    assert.ok(colours.size > 20, 'shapes filled, edges smooth');
  });

  it('when drawn for a card in a few colours, then it is a palette PNG of the asked width, several times smaller than full colour', async () => {
    const full = await flowchartPng(housing!, { width: 400 });
    const small = await flowchartPng(housing!, { width: 400, colours: 8 });
    const png = PNG.sync.read(small);
    assert.equal(png.width, 400);
    assert.equal(png.height, PNG.sync.read(full).height);
    const colours = new Set<number>();
    for (let at = 0; at < png.data.length; at += 4) colours.add((png.data[at]! << 16) | (png.data[at + 1]! << 8) | png.data[at + 2]!);
    // sharp's quantiser keeps a palette of at most 16 entries however few are asked for.
    assert.ok(colours.size <= 16 && colours.size >= 6, `${colours.size} colours`);
    assert.ok(small.length * 3 < full.length, `${small.length} bytes against ${full.length}`);
  });
});

describe('the saved Pathway drawn for its draft card', () => {
  const draft = (text: string): DraftState => ({
    record: { group: 'housing', template: 'pathway', status: 'drafting', revision: 1, latestVersion: 1 },
    latest: {
      info: { version: 1, author: { aadObjectId: 'p', name: 'P' }, savedAt: '2027-06-01T10:00:00.000Z', characters: text.length },
      content: { template: 'pathway', text },
    },
  });

  it('when a saved Pathway has two flowcharts, then each is a small PNG data URI, no wider than a card, with words for screen readers', async () => {
    const diagrams = await pathwayDiagrams(draft(`${HOUSING}\n## Children\n1. Teacher: tells the DSL\n2. DSL: refers to the MASH`));
    assert.deepEqual(
      diagrams.map((d) => d.altText),
      ['Housing officer identifies a concern: diagram; the steps are listed below.', 'Children: diagram; the steps are listed below.'],
    );
    const widths = diagrams.map((d) => {
      assert.match(d.dataUri, /^data:image\/png;base64,/);
      return PNG.sync.read(Buffer.from(d.dataUri.split(',')[1]!, 'base64')).width;
    });
    assert.equal(widths[0], CARD_DIAGRAM.width, 'a wide flowchart fits a card in a chat');
    assert.ok(widths[1]! < 300, 'a narrow one keeps its size: its text is not blown up');
    assert.ok(diagrams.reduce((n, d) => n + d.dataUri.length, 0) <= DIAGRAM_BUDGET);
  });

  it('when the flowcharts outgrow the budget, then the first ones that fit are drawn and the rest left to the text', async () => {
    const many = Array.from({ length: 4 }, (_, i) => HOUSING.replace('## Housing officer identifies a concern', `## Flowchart ${i + 1}`)).join('\n');
    const all = await pathwayDiagrams(draft(many), 1_000_000);
    assert.equal(all.length, 4);
    const two = all[0]!.dataUri.length + all[1]!.dataUri.length;
    const some = await pathwayDiagrams(draft(many), two + 100);
    assert.deepEqual(
      some.map((d) => d.title),
      ['Flowchart 1', 'Flowchart 2'],
    );
  });

  it('when nothing is saved, or the draft is a Strategy, then nothing is drawn', async () => {
    assert.deepEqual(await pathwayDiagrams({ record: { group: 'housing', template: 'pathway', status: 'notStarted', revision: 0, latestVersion: 0 } }), []);
    const strategy = draft('');
    strategy.latest!.content = { template: 'strategy', sections: { pursue: '', prevent: '', protect: '', prepare: '', partnership: '' } };
    assert.deepEqual(await pathwayDiagrams(strategy), []);
  });
});
