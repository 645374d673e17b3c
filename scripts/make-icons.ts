/**
 * Generates the Teams app icons (appPackage/color.png and appPackage/outline.png).
 *
 * The icons are drawn pixel by pixel and encoded with node:zlib so they can be
 * regenerated reproducibly without image tooling. The design is a shield with an
 * exclamation mark ("raise a concern"):
 * - color.png: 192x192, opaque RGB, white glyph on the council blue (the manifest's accentColor);
 * - outline.png: 32x32, RGBA, the same glyph in pure white on a fully transparent background,
 *   with no anti-aliasing because Teams requires outline pixels to be white or transparent.
 *
 * Run: npx tsx scripts/make-icons.ts
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { deflateSync } from "node:zlib";
import { crc32 } from "./zip";

type Rgb = readonly [number, number, number];

const COUNCIL_BLUE: Rgb = [0x1f, 0x4e, 0x79];
const SHIELD_FILL: Rgb = [0x2e, 0x75, 0xb6];
const WHITE: Rgb = [0xff, 0xff, 0xff];
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** PNG colour types used here: 2 = truecolour (opaque), 6 = truecolour with alpha. */
const COLOR_TYPE_RGB = 2;
const COLOR_TYPE_RGBA = 6;
/** Samples per axis when anti-aliasing the colour icon. */
const SUPERSAMPLES = 4;

/**
 * Whether (u, v), in unit-square coordinates with v pointing down, lies inside
 * the shield scaled by `scale` about the centre. Straight sides down to the
 * middle, then sides curving in to a point at the bottom.
 */
function inShield(u: number, v: number, scale: number): boolean {
  const x = (u - 0.5) / scale;
  const y = (v - 0.5) / scale + 0.5;
  const top = 0.12;
  const waist = 0.5;
  const tip = 0.9;
  const halfWidth = 0.32;
  if (y < top || y > tip) return false;
  if (y <= waist) return Math.abs(x) <= halfWidth;
  const t = (y - waist) / (tip - waist);
  return Math.abs(x) <= halfWidth * (1 - t * t);
}

/** The exclamation mark in the middle of the shield: a bar and a dot. */
function inExclamation(u: number, v: number): boolean {
  const bar = Math.abs(u - 0.5) <= 0.055 && v >= 0.27 && v <= 0.56;
  const dot = Math.abs(u - 0.5) <= 0.055 && v >= 0.63 && v <= 0.73;
  return bar || dot;
}

/** The white ink of the glyph: the shield's rim plus the exclamation mark. */
function isInk(u: number, v: number): boolean {
  const rim = inShield(u, v, 1) && !inShield(u, v, 0.78);
  return rim || inExclamation(u, v);
}

/** Colour of the colour icon at one sample point. */
function paint(u: number, v: number): Rgb {
  if (isInk(u, v)) return WHITE;
  return inShield(u, v, 1) ? SHIELD_FILL : COUNCIL_BLUE;
}

/** Renders the colour icon as RGB bytes, averaging a grid of samples per pixel for smooth edges. */
function renderColor(size: number): Buffer {
  const pixels = Buffer.alloc(size * size * 3);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let [r, g, b] = [0, 0, 0];
      for (let sy = 0; sy < SUPERSAMPLES; sy++) {
        for (let sx = 0; sx < SUPERSAMPLES; sx++) {
          const [sr, sg, sb] = paint((px + (sx + 0.5) / SUPERSAMPLES) / size, (py + (sy + 0.5) / SUPERSAMPLES) / size);
          [r, g, b] = [r + sr, g + sg, b + sb];
        }
      }
      const samples = SUPERSAMPLES * SUPERSAMPLES;
      pixels.set([r, g, b].map((sum) => Math.round(sum / samples)), (py * size + px) * 3);
    }
  }
  return pixels;
}

/** Renders the outline icon as RGBA bytes, sampling pixel centres only so every pixel is white or clear. */
function renderOutline(size: number): Buffer {
  const pixels = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      if (isInk((px + 0.5) / size, (py + 0.5) / size)) {
        pixels.fill(0xff, (py * size + px) * 4, (py * size + px + 1) * 4);
      }
    }
  }
  return pixels;
}

/** One PNG chunk: length, type, data and the CRC over type and data. */
function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length, 0);
  const typeAndData = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData), 0);
  return Buffer.concat([length, typeAndData, crc]);
}

/**
 * Encodes 8-bit RGB or RGBA pixels as a PNG. Every scanline uses filter type 0
 * (none): the icons are tiny and this keeps the format trivially checkable.
 */
function encodePng(width: number, height: number, colorType: number, pixels: Buffer): Buffer {
  const channels = colorType === COLOR_TYPE_RGBA ? 4 : 3;
  const stride = width * channels;
  if (pixels.length !== stride * height) {
    throw new Error(`Expected ${stride * height} pixel bytes, got ${pixels.length}`);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = colorType;
  // bytes 10-12: compression 0 (deflate), filter method 0, interlace 0 (none)
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    pixels.copy(raw, y * (stride + 1) + 1, y * stride, (y + 1) * stride);
  }
  return Buffer.concat([
    PNG_SIGNATURE,
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(raw, { level: 9 })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** Writes both icons next to the manifest. */
function main(): void {
  const appPackage = join(__dirname, "..", "appPackage");
  writeFileSync(join(appPackage, "color.png"), encodePng(192, 192, COLOR_TYPE_RGB, renderColor(192)));
  writeFileSync(join(appPackage, "outline.png"), encodePng(32, 32, COLOR_TYPE_RGBA, renderOutline(32)));
  console.log(`Wrote color.png (192x192) and outline.png (32x32) to ${appPackage}`);
}

main();
