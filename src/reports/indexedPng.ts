import { crc32, deflateSync } from 'node:zlib';

/**
 * A palette (indexed-colour) PNG of an opaque RGBA image, for small images on cards. A diagram is
 * a few flat colours plus the soft edges of its letters and lines, so the most used colours that
 * are not near one another make the palette, and every pixel takes the nearest of them.
 */
export function indexedPng(width: number, height: number, rgba: Uint8Array, maxColours: number): Buffer {
  const palette = choosePalette(rgba, Math.max(2, Math.min(256, maxColours)));
  const depth = palette.length <= 2 ? 1 : palette.length <= 4 ? 2 : palette.length <= 16 ? 4 : 8;
  const perByte = 8 / depth;
  const stride = Math.ceil(width / perByte);
  const raw = Buffer.alloc((stride + 1) * height); // each row: filter type 0, then the packed indexes
  const nearest = new Map<number, number>();
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const at = (y * width + x) * 4;
      const key = (rgba[at]! << 16) | (rgba[at + 1]! << 8) | rgba[at + 2]!;
      let index = nearest.get(key);
      if (index === undefined) {
        index = closest(palette, key);
        nearest.set(key, index);
      }
      raw[y * (stride + 1) + 1 + Math.floor(x / perByte)]! |= index << (8 - depth * ((x % perByte) + 1));
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([depth, 3, 0, 0, 0], 8); // bit depth, colour type 3 (palette), deflate, no filter choice, no interlace
  const colours = Buffer.from(palette.flatMap((c) => [c >> 16, (c >> 8) & 255, c & 255]));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('PLTE', colours),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function chunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

const distance = (a: number, b: number) => {
  const dr = (a >> 16) - (b >> 16);
  const dg = ((a >> 8) & 255) - ((b >> 8) & 255);
  const db = (a & 255) - (b & 255);
  return 2 * dr * dr + 4 * dg * dg + 3 * db * db; // green counts most to the eye
};

function closest(palette: number[], colour: number): number {
  let best = 0;
  for (let i = 1; i < palette.length; i++) if (distance(palette[i]!, colour) < distance(palette[best]!, colour)) best = i;
  return best;
}

/** The most used colours, each kept only if it is not close to one already kept. */
function choosePalette(rgba: Uint8Array, size: number): number[] {
  const counts = new Map<number, number>();
  for (let at = 0; at < rgba.length; at += 4) {
    const key = (rgba[at]! << 16) | (rgba[at + 1]! << 8) | rgba[at + 2]!;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const byUse = [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([c]) => c);
  for (const apart of [900, 300, 100, 0]) {
    const palette: number[] = [];
    for (const colour of byUse) {
      if (palette.length === size) break;
      if (palette.every((kept) => distance(kept, colour) > apart)) palette.push(colour);
    }
    if (palette.length === size || palette.length === byUse.length) return palette;
  }
  return byUse.slice(0, size);
}
