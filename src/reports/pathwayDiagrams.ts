import { finishFlowcharts, parsePathway } from '../domain/pathway.js';
import type { DraftState } from '../domain/submission.js';
import { flowchartPng, pngSize } from './flowchart.js';

/** One flowchart drawn small enough for a Teams card, as the card binds it. */
export interface PathwayDiagram {
  title: string;
  /** data:image/png;base64,... */
  dataUri: string;
  /** For screen readers: which flowchart this is, and that its steps follow as text. */
  altText: string;
}

/**
 * How a diagram is drawn for a card: at most 400 px wide (a Teams chat gives a card about 450 px)
 * with letters at most about 14 px (a small flowchart is not blown up), in a few colours (a palette PNG made by sharp), which keeps a
 * seven-step flowchart to about 6 KB of PNG; one taller than `maxHeight` is left to the text.
 */
export const CARD_DIAGRAM = { width: 360, maxScale: 0.8, colours: 8, maxHeight: 1200 } as const;

/**
 * The most base64 the diagrams of one card may take in all (the card builder also keeps the whole
 * card under Teams' limit, and drops what does not fit).
 */
export const DIAGRAM_BUDGET = 14 * 1024;

const PNG_URI = 'data:image/png;base64,';
const cache = new Map<string, PathwayDiagram[]>();
const CACHE_SIZE = 20;

/**
 * The saved Pathway's flowcharts as small PNG data URIs for the draft card, first flowchart first,
 * while they fit `budget` bytes; a flowchart that is too large (or cannot be drawn) is skipped, and
 * the card says so (as it does for those after three such in a row, which are not tried). Nothing for a Strategy or an unsaved or unreadable Pathway. The same text is
 * drawn once: the last few are kept.
 */
export async function pathwayDiagrams(draft: DraftState, budget = DIAGRAM_BUDGET): Promise<PathwayDiagram[]> {
  const content = draft.latest?.content;
  if (content?.template !== 'pathway') return [];
  const key = `${budget}\n${content.text}`;
  const kept = cache.get(key);
  if (kept) return kept;
  const diagrams = await drawWithin(content.text, budget);
  cache.set(key, diagrams);
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  return diagrams;
}

async function drawWithin(text: string, budget: number): Promise<PathwayDiagram[]> {
  const parsed = parsePathway(text);
  if (!parsed.ok) return [];
  const diagrams: PathwayDiagram[] = [];
  let left = budget;
  let misses = 0;
  for (const chart of finishFlowcharts(parsed.flowcharts)) {
    // Drawing takes time: stop when nothing more can fit, or after three in a row that did not.
    if (left < 1024 || misses === 3) break;
    let png: Buffer;
    try {
      png = await flowchartPng(chart, CARD_DIAGRAM);
    } catch {
      misses++;
      continue; // the steps are on the card as text anyway
    }
    const dataUri = PNG_URI + png.toString('base64');
    if (dataUri.length > left || (pngSize(png)?.height ?? Infinity) > CARD_DIAGRAM.maxHeight) {
      misses++;
      continue;
    }
    misses = 0;
    left -= dataUri.length;
    diagrams.push({ title: chart.title, dataUri, altText: `${chart.title}: diagram; the steps are listed below.` });
  }
  return diagrams;
}
