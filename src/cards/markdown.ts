/**
 * Escapes text a person typed so that a card's Markdown renderer shows it literally: it cannot
 * become a link, emphasis, a heading or a list. Only the characters that can start formatting are
 * escaped, so ordinary text reads as typed. Line breaks stay line breaks.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[\\`*_{}[\]()#|<>~]/g, (c) => `\\${c}`)
    .replace(/^(\s*)([-+]|\d+\.)(?=\s)/gm, (_m, space: string, marker: string) => `${space}\\${marker}`)
    .replace(/\b(https?|ftp|mailto|www)(:|\.)/gi, (_m, scheme: string, sep: string) => `${scheme}\u200B${sep}`)
    .replace(/\n/g, '\n\n');
}
