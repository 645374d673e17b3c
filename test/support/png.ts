/**
 * Tiny PNG decoder for checking the generated app icons in tests.
 *
 * It deliberately supports only what scripts/make-icons.ts writes (8-bit RGB or
 * RGBA, no interlacing, filter type 0 on every row) and throws on anything else,
 * so a change in the icon writer shows up as a clear test failure rather than a
 * misread image. Chunk CRCs are checked with zlib.crc32, independently of the
 * CRC code under test.
 */
import { crc32, inflateSync } from "node:zlib";

export interface DecodedPng {
  readonly width: number;
  readonly height: number;
  /** 3 for RGB (colour type 2), 4 for RGBA (colour type 6). */
  readonly channels: 3 | 4;
  /** Unfiltered pixel bytes, row by row, `channels` bytes per pixel. */
  readonly pixels: Buffer;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Splits the file into chunks, checking each CRC, and returns them in order. */
function readChunks(file: Buffer): { type: string; data: Buffer }[] {
  if (!file.subarray(0, 8).equals(SIGNATURE)) throw new Error("Not a PNG: bad signature");
  const chunks: { type: string; data: Buffer }[] = [];
  for (let offset = 8; offset < file.length; ) {
    const length = file.readUInt32BE(offset);
    const typeAndData = file.subarray(offset + 4, offset + 8 + length);
    if (crc32(typeAndData) !== file.readUInt32BE(offset + 8 + length)) {
      throw new Error(`Bad CRC on chunk at offset ${offset}`);
    }
    chunks.push({ type: typeAndData.subarray(0, 4).toString("ascii"), data: typeAndData.subarray(4) });
    offset += 12 + length;
  }
  return chunks;
}

/** Reads IHDR, rejecting formats this decoder does not handle. */
function readHeader(ihdr: Buffer): { width: number; height: number; channels: 3 | 4 } {
  const [bitDepth, colorType, compression, filterMethod, interlace] = ihdr.subarray(8, 13);
  if (bitDepth !== 8 || compression !== 0 || filterMethod !== 0 || interlace !== 0) {
    throw new Error(`Unsupported PNG: bit depth ${bitDepth}, interlace ${interlace}`);
  }
  if (colorType !== 2 && colorType !== 6) throw new Error(`Unsupported PNG colour type ${colorType}`);
  return { width: ihdr.readUInt32BE(0), height: ihdr.readUInt32BE(4), channels: colorType === 6 ? 4 : 3 };
}

/** Decodes a PNG produced by scripts/make-icons.ts into raw pixels. */
export function decodePng(file: Buffer): DecodedPng {
  const chunks = readChunks(file);
  if (chunks[0]?.type !== "IHDR" || chunks.at(-1)?.type !== "IEND") {
    throw new Error("PNG must start with IHDR and end with IEND");
  }
  const { width, height, channels } = readHeader(chunks[0].data);
  const raw = inflateSync(Buffer.concat(chunks.filter((c) => c.type === "IDAT").map((c) => c.data)));
  const stride = width * channels;
  if (raw.length !== (stride + 1) * height) {
    throw new Error(`IDAT holds ${raw.length} bytes, expected ${(stride + 1) * height}`);
  }
  const pixels = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    if (filter !== 0) throw new Error(`Row ${y} uses filter type ${filter}; only 0 (none) is supported`);
    raw.copy(pixels, y * stride, y * (stride + 1) + 1, (y + 1) * (stride + 1));
  }
  return { width, height, channels, pixels };
}
