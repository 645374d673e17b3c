import { diffArrays } from 'diff';

/** One line of a comparison: kept, added in the newer version, or removed from the older one. */
export interface DiffLine {
  change: 'same' | 'added' | 'removed';
  text: string;
}

const linesOf = (text: string) => (text === '' ? [] : text.split('\n'));

/**
 * Line-by-line differences between two texts, as a person comparing two versions of a draft
 * reads them. The comparison itself is jsdiff's; this only names the changes in our words.
 */
export function diffLines(older: string, newer: string): DiffLine[] {
  return diffArrays(linesOf(older), linesOf(newer)).flatMap((part) => {
    const change: DiffLine['change'] = part.added ? 'added' : part.removed ? 'removed' : 'same';
    return part.value.map((text) => ({ change, text }));
  });
}
