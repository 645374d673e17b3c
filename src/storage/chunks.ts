/**
 * Azure Table string properties hold at most 64 KiB (32,768 UTF-16 code units), so long text is
 * stored across numbered properties and joined on read. Never cut inside a surrogate pair: a lone
 * half would not survive the trip as UTF-8.
 */
export const CHUNK_UNITS = 30_000;

/** `{ name_0: ..., name_1: ..., nameChunks: 2 }` for a long string. */
export function splitIntoProperties(name: string, text: string, size = CHUNK_UNITS): Record<string, string | number> {
  const properties: Record<string, string | number> = {};
  let index = 0;
  for (let start = 0; start < text.length || index === 0; index++) {
    let end = Math.min(start + size, text.length);
    const code = text.charCodeAt(end - 1);
    if (end < text.length && code >= 0xd800 && code <= 0xdbff) end -= 1;
    properties[`${name}_${index}`] = text.slice(start, end);
    start = end;
  }
  properties[`${name}Chunks`] = index;
  return properties;
}

/** Joins what splitIntoProperties stored; throws when a chunk is missing (never a silent cut). */
export function joinFromProperties(name: string, entity: Record<string, unknown>): string {
  const count = Number(entity[`${name}Chunks`]);
  const parts: string[] = [];
  for (let i = 0; i < count; i++) {
    const part = entity[`${name}_${i}`];
    if (typeof part !== 'string') throw new Error(`stored text ${name} is missing part ${i} of ${count}`);
    parts.push(part);
  }
  return parts.join('');
}
