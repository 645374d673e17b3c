import { Graphviz } from '@hpcc-js/wasm-graphviz';
import { Resvg, type ResvgRenderOptions } from '@resvg/resvg-js';
import { finishFlowcharts, type Flowchart, type PathwayStep } from '../domain/pathway.js';
import sharp from 'sharp';

/**
 * A Pathway flowchart drawn as a diagram a council officer would recognise: Start, one box per
 * action ("Who: what"), one diamond per yes/no question with its branches labelled Yes and No,
 * and one End that every path to 'end' reaches, top to bottom. Text people typed goes into the
 * diagram only through `labelText` (XML-escaped, wrapped), so no quote, angle bracket,
 * ampersand, backslash or line break can change the DOT or the SVG.
 */

/** Calm fills, each with a darker outline; the text is near-black on every fill (contrast above 12:1). */
const COLOURS = {
  ink: '#1b2631',
  edge: '#4a5866',
  actionFill: '#e4eef8',
  actionLine: '#2d5f8b',
  questionFill: '#fcf1d2',
  questionLine: '#87670f',
  terminalFill: '#dff0e4',
  terminalLine: '#2c6a45',
} as const;

/**
 * Graphviz sizes text with its own metrics, which it has for Arial (a list of fonts would fall back
 * to the narrower Times), so the DOT asks for Arial. The letters are then drawn in Arimo, which has
 * Arial's widths, so the text fits the boxes Graphviz made for it.
 */
const FONT = 'Arial';
/** What the SVG asks for: resvg is given only Arimo (DIAGRAM_FONTS); the rest is for someone opening the SVG itself. */
const SVG_FONTS = 'Arimo,Arial,sans-serif';

/**
 * The fonts resvg draws the diagrams with: Arimo's files from the @expo-google-fonts/arimo package,
 * and never the machine's fonts. Azure App Service's Linux Node image has no Arial, Liberation Sans
 * or Arimo, so with system fonts the labels would be blank there, or drawn in whatever another
 * machine happens to have; with these files they are the same everywhere. Resolved with require.resolve, which finds node_modules from src/ (tsx) and from
 * dist/ (the build) alike; resolved when this module loads, so a missing package stops the app
 * at start rather than drawing empty boxes. Every family the SVG might ask for (and any unknown
 * one) is drawn in Arimo; a letter Arimo does not have (Chinese, emoji) is drawn as an empty box.
 */
export const DIAGRAM_FONTS: NonNullable<ResvgRenderOptions['font']> = {
  fontFiles: ['400Regular/Arimo_400Regular.ttf', '700Bold/Arimo_700Bold.ttf'].map((file) => require.resolve(`@expo-google-fonts/arimo/${file}`)),
  loadSystemFonts: false,
  defaultFontFamily: 'Arimo',
  sansSerifFamily: 'Arimo',
};

/** Characters per line in a box, and in a diamond (which needs more room around the same text). */
const ACTION_WIDTH = 28;
const QUESTION_WIDTH = 22;

/** Removes what XML 1.0 cannot hold (control characters, lone surrogates) and folds white space. */
function cleanText(text: string): string {
  return text
    .replace(/[\u0000-\u001F\u007F-\u009F\uFFFE\uFFFF]/g, ' ')
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Escapes text for an HTML-like Graphviz label: Graphviz reads it as XML, then replaces \N, \G and
 * the like (even there), so a backslash is doubled too.
 */
function escapeLabel(text: string): string {
  return text.replace(/[&<>"'\\]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '\\': '\\\\' })[c]!);
}

/** East Asian wide letters take about two columns. */
const WIDE = /[\u1100-\u115F\u2E80-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6]/u;
const columns = (text: string) => [...text].reduce((n, c) => n + (WIDE.test(c) ? 2 : 1), 0);

/** Wraps text to lines of about `width` columns, at spaces; a word longer than a line is broken. */
export function wrapText(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of cleanText(text).split(' ').filter(Boolean)) {
    const candidate = line ? `${line} ${word}` : word;
    if (columns(candidate) <= width) {
      line = candidate;
      continue;
    }
    if (line) lines.push(line);
    line = '';
    let rest = word;
    while (columns(rest) > width) {
      let cut = '';
      for (const c of rest) {
        if (columns(cut + c) > width) break;
        cut += c;
      }
      lines.push(cut);
      rest = rest.slice(cut.length);
    }
    line = rest;
  }
  if (line) lines.push(line);
  return lines.length ? lines : [''];
}

/** Lines of text as the inside of an HTML-like label: escaped, one <BR/> between lines. */
function labelText(lines: string[]): string {
  return lines.map(escapeLabel).join('<BR/>');
}

const nodeId = (to: number | 'end') => (to === 'end' ? 'end' : `s${to}`);

function stepNode(step: PathwayStep): string {
  if (step.kind === 'decision') {
    const label = labelText(wrapText(`${step.n}. ${step.question}`, QUESTION_WIDTH));
    return `  ${nodeId(step.n)} [shape=diamond, fillcolor="${COLOURS.questionFill}", color="${COLOURS.questionLine}", margin="0.04,0.02", label=<${label}>];`;
  }
  const who = labelText(wrapText(`${step.n}. ${step.who}:`, ACTION_WIDTH));
  const what = labelText(wrapText(step.what, ACTION_WIDTH));
  return `  ${nodeId(step.n)} [shape=box, fillcolor="${COLOURS.actionFill}", color="${COLOURS.actionLine}", label=<<B>${who}</B><BR/>${what}>];`;
}

function stepEdges(step: PathwayStep, known: Set<number>): string[] {
  // A branch to a step that does not exist cannot be drawn as a step: it ends there.
  const to = (target: number | 'end') => nodeId(target !== 'end' && !known.has(target) ? 'end' : target);
  if (step.kind === 'action') return [`  ${nodeId(step.n)} -> ${to(step.next)};`];
  return [
    `  ${nodeId(step.n)} -> ${to(step.yes)} [label=" Yes ", fontcolor="${COLOURS.ink}"];`,
    `  ${nodeId(step.n)} -> ${to(step.no)} [label=" No ", fontcolor="${COLOURS.ink}"];`,
  ];
}

/** The Graphviz DOT source of one flowchart (one `##` section of a Pathway). */
export function flowchartDot(chart: Flowchart): string {
  const [finished] = finishFlowcharts([chart]);
  const steps = finished!.steps;
  const known = new Set(steps.map((s) => s.n));
  const first = steps.find((s) => s.n === 1) ?? steps[0];
  const terminal = `shape=box, style="rounded,filled", fillcolor="${COLOURS.terminalFill}", color="${COLOURS.terminalLine}", fontsize=12, margin="0.2,0.04"`;
  return [
    'digraph flowchart {',
    `  graph [rankdir=TB, bgcolor="white", pad="0.15", nodesep="0.3", ranksep="0.3", fontname="${FONT}"];`,
    `  node [fontname="${FONT}", fontsize=12, fontcolor="${COLOURS.ink}", style=filled, penwidth=1.2, margin="0.12,0.06"];`,
    `  edge [fontname="${FONT}", fontsize=11, color="${COLOURS.edge}", penwidth=1.2, arrowsize=0.7];`,
    `  start [${terminal}, label="Start"];`,
    `  end [${terminal}, label="End"];`,
    ...steps.map(stepNode),
    `  start -> ${first ? nodeId(first.n) : 'end'};`,
    ...steps.flatMap((s) => stepEdges(s, known)),
    '}',
  ].join('\n');
}

let graphviz: Promise<Graphviz> | undefined;

/** Graphviz (WebAssembly) is loaded once per process, the first time a diagram is drawn. */
function loadGraphviz(): Promise<Graphviz> {
  graphviz ??= Graphviz.load().catch((error: unknown) => {
    graphviz = undefined; // a failed load is tried again next time
    throw error;
  });
  return graphviz;
}

/** The flowchart as SVG, laid out by Graphviz. */
export async function flowchartSvg(chart: Flowchart): Promise<string> {
  const svg = (await loadGraphviz()).dot(flowchartDot(chart));
  // Only Graphviz writes this attribute: typed text inside the SVG has its quotes escaped.
  return svg.replaceAll(`font-family="${FONT}"`, `font-family="${SVG_FONTS}"`);
}

export interface PngOptions {
  /** Width in pixels; the height follows the diagram. */
  width: number;
  /**
   * At most this many times the diagram's own size (where its text is 16 px), so that a small
   * flowchart is not blown up to `width`. Unset: always `width`.
   */
  maxScale?: number;
  /**
   * At most this many colours, as a palette PNG: several times smaller than full colour, for
   * cards. The diagram's flat colours survive; lines are drawn crisp, and letters lose a little smoothness.
   */
  colours?: number;
}

/** The flowchart as a PNG of the given width, on white. */
export async function flowchartPng(chart: Flowchart, options: PngOptions): Promise<Buffer> {
  return svgToPng(await flowchartSvg(chart), options);
}

/** Renders SVG to PNG with resvg, in Arimo whatever the machine has (DIAGRAM_FONTS); with `colours`, sharp makes it a palette PNG. */
export async function svgToPng(svg: string, { width, colours, maxScale }: PngOptions): Promise<Buffer> {
  const own = Number(/<svg width="([\d.]+)pt"/.exec(svg)?.[1] ?? Infinity) * (96 / 72);
  const fitTo = { mode: 'width' as const, value: maxScale ? Math.min(width, Math.ceil(own * maxScale)) : width };
  // In few colours, crisp lines keep the file small; letters stay smooth, or they break up.
  const crisp = colours ? { shapeRendering: 0 as const, textRendering: 1 as const } : {};
  const image = new Resvg(svg, { fitTo, background: 'white', ...crisp, font: DIAGRAM_FONTS }).render();
  const png = image.asPng();
  return colours ? sharp(png).png({ palette: true, colours, dither: 0, compressionLevel: 9, effort: 3 }).toBuffer() : png;
}

/**
 * A PNG's size in pixels, or undefined when the bytes are not a PNG. The PNG specification fixes
 * the layout: an 8-byte signature, then the IHDR chunk (4-byte length, "IHDR"), whose data starts
 * with the width (bytes 16-19) and height (bytes 20-23), big-endian.
 */
export function pngSize(data: Uint8Array): { width: number; height: number } | undefined {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (data.length < 24 || signature.some((byte, i) => data[i] !== byte)) return undefined;
  if (String.fromCharCode(...data.subarray(12, 16)) !== 'IHDR') return undefined;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  return width > 0 && height > 0 ? { width, height } : undefined;
}
