/**
 * Escapes text a person typed so that a card's Markdown renderer shows it literally. Adaptive
 * Cards render a small Markdown subset (emphasis, lists, links), so only what can start one of
 * those is escaped: `\ * _ [ ]` and backticks anywhere, list or heading markers at a line start.
 * Bare web addresses are broken with a zero-width space so they do not become links.
 * Ordinary punctuation is left alone, so the text reads as typed.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[\\`*_[\]]/g, (c) => `\\${c}`)
    .replace(/^(\s*)([-+>#])/gm, (_m, space: string, marker: string) => `${space}\\${marker}`)
    .replace(/^(\s*\d+)\./gm, (_m, number: string) => `${number}\\.`)
    .replace(/\b(https?|ftp|mailto|www)(:|\.)/gi, (_m, scheme: string, sep: string) => `${scheme}\u200B${sep}`)
    .replace(/\n/g, '\n\n');
}
