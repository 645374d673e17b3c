import { cardBytes } from '../domain/templates.js';
import { escapeMarkdown } from './markdown.js';

/** A saved flowchart as a picture: its title, a data:image/png;base64 URI, and words for screen readers. */
export interface DraftDiagram {
  title: string;
  dataUri: string;
  altText: string;
}

/** The pictures as the Pathway card binds them, and the line saying which flowcharts have none. */
export interface DiagramsView {
  diagrams: { title: string; url: string; altText: string }[];
  notDrawn: string;
}

/** The most base64 the pictures on one card may take in all, leaving the rest of Teams' 28 KB for the text. */
export const DIAGRAM_CARD_BYTES = 14 * 1024;

const PNG_URI = /^data:image\/png;base64,[A-Za-z0-9+/]+=*$/;

/** No pictures: the line names every flowchart given (none, when the card was given no pictures at all). */
export function noDiagrams(titles: string[]): DiagramsView {
  return { diagrams: [], notDrawn: notDrawnLine(titles) };
}

/**
 * Each flowchart's picture, in order, while it fits `room` bytes of card and the pictures' own
 * budget; a flowchart whose picture does not fit, or was not drawn, is named in the line instead.
 */
export function fitDiagrams(titles: string[], given: DraftDiagram[], room: number): DiagramsView {
  let left = room;
  let budget = DIAGRAM_CARD_BYTES;
  const unused = [...given];
  const view: DiagramsView = { diagrams: [], notDrawn: '' };
  const missing: string[] = [];
  for (const title of titles) {
    const at = unused.findIndex((d) => d.title === title);
    const diagram = at < 0 ? undefined : unused.splice(at, 1)[0]!;
    // The picture's URI, its title and words, and the Container, TextBlock and Image around them.
    const bytes = diagram ? diagram.dataUri.length + cardBytes(title) + cardBytes(diagram.altText) + 300 : Infinity;
    if (!diagram || bytes > left || diagram.dataUri.length > budget || !PNG_URI.test(diagram.dataUri)) {
      missing.push(title);
      continue;
    }
    left -= bytes;
    budget -= diagram.dataUri.length;
    view.diagrams.push({ title: escapeMarkdown(title), url: diagram.dataUri, altText: diagram.altText });
  }
  return { ...view, notDrawn: notDrawnLine(missing) };
}

/** "The diagram of "Adults" is too large to show here; ...", naming up to three flowcharts. */
function notDrawnLine(titles: string[]): string {
  if (!titles.length) return '';
  const named = titles.slice(0, 3).map((t) => `"${escapeMarkdown(t)}"`);
  const last = titles.length > 3 ? `${titles.length - 3} more` : named.pop()!;
  const list = named.length ? `${named.join(', ')} and ${last}` : last;
  return titles.length === 1
    ? `The diagram of ${list} is too large to show here; it will be in the collated Pathways document. Its steps are listed below.`
    : `The diagrams of ${list} are too large to show here; they will be in the collated Pathways document. Their steps are listed below.`;
}
