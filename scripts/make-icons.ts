/**
 * Regenerates the Teams app icons (appPackage/color.png and appPackage/outline.png)
 * from their SVG sources in appPackage/icons/.
 *
 * The design, a shield with an exclamation mark ("raise a concern"), lives in the
 * SVGs; this script only rasterises them with resvg at the sizes Teams requires:
 * - color.png: 192x192, opaque RGB;
 * - outline.png: 32x32, RGBA, white on transparent. Its SVG turns anti-aliasing off
 *   because Teams requires every outline pixel to be white or fully transparent.
 *
 * Run: npx tsx scripts/make-icons.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import { PNG } from 'pngjs';

const APP_PACKAGE = join(__dirname, '..', 'appPackage');
const ICON_SOURCES = join(APP_PACKAGE, 'icons');
const OPAQUE = 255;

/** Renders one SVG from appPackage/icons/ as an RGBA PNG `width` pixels wide (square icons, so also high). */
function rasterise(svgFile: string, width: number): Buffer {
  const svg = readFileSync(join(ICON_SOURCES, svgFile), 'utf8');
  return new Resvg(svg, { fitTo: { mode: 'width', value: width } }).render().asPng();
}

/**
 * Re-encodes an RGBA PNG as RGB. resvg always writes RGBA; an RGB file cannot
 * carry transparency, so the colour icon is opaque by construction. Refuses a
 * see-through pixel rather than letting the encoder blend it into a colour.
 */
function withoutAlpha(rgbaPng: Buffer): Buffer {
  const image = PNG.sync.read(rgbaPng);
  for (let alphaAt = 3; alphaAt < image.data.length; alphaAt += 4) {
    if (image.data[alphaAt] !== OPAQUE) {
      throw new Error(`color.svg leaves pixel ${(alphaAt - 3) / 4} partly transparent; its background must cover the icon`);
    }
  }
  return PNG.sync.write(image, { colorType: 2 });
}

/** Writes both icons next to the manifest. */
function main(): void {
  writeFileSync(join(APP_PACKAGE, 'color.png'), withoutAlpha(rasterise('color.svg', 192)));
  writeFileSync(join(APP_PACKAGE, 'outline.png'), rasterise('outline.svg', 32));
  console.log(`Wrote color.png (192x192) and outline.png (32x32) to ${APP_PACKAGE}`);
}

main();
