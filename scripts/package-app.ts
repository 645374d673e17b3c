/**
 * Builds the Teams app package (build/appPackage.zip) from appPackage/.
 *
 * The committed manifest carries placeholder GUIDs so it can live in source
 * control; this script puts the real ids in at package time:
 * - TEAMS_APP_ID   -> manifest `id`
 * - MicrosoftAppId -> `botId` of the bot and of every compose extension
 * An unset or empty variable keeps the placeholder (useful for local checks).
 * The resulting manifest is validated against its bundled JSON schema before
 * anything is written, so a broken package never reaches Teams admin upload.
 *
 * Usage: npx tsx scripts/package-app.ts [--out <zip path>]
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { AppManifestUtils, type TeamsManifestLatest } from '@microsoft/app-manifest';
import { zipSync, type ZipOptions, type Zippable } from 'fflate';

const APP_PACKAGE_DIR = join(__dirname, '..', 'appPackage');
const DEFAULT_OUTPUT = join(__dirname, '..', 'build', 'appPackage.zip');
/** Same shape the Teams schema's `guid` definition enforces. */
const GUID_PATTERN = /^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/;

/**
 * Reads an id from the environment; undefined when unset or empty, so the
 * placeholder stays. Rejects anything that is not a GUID, naming the variable.
 */
function guidFromEnv(name: string): string | undefined {
  const value = process.env[name];
  if (value === undefined || value === '') return undefined;
  if (!GUID_PATTERN.test(value)) {
    throw new Error(`${name} must be a GUID like 00000000-0000-0000-0000-000000000000, got "${value}".`);
  }
  return value;
}

/** Puts the real app and bot ids into the manifest wherever Teams expects them. */
function substituteIds(manifest: TeamsManifestLatest, appId?: string, botId?: string): void {
  if (appId !== undefined) manifest.id = appId;
  if (botId === undefined) return;
  for (const bot of manifest.bots ?? []) bot.botId = botId;
  for (const extension of manifest.composeExtensions ?? []) extension.botId = botId;
}

/** Validates against the schema named by `$schema` (bundled with @microsoft/app-manifest, so offline). */
async function assertValid(manifest: TeamsManifestLatest): Promise<void> {
  const errors = await AppManifestUtils.validateAgainstSchema(manifest);
  if (errors.length > 0) {
    throw new Error(`manifest.json does not match its schema:\n${errors.map((error) => `  - ${error}`).join('\n')}`);
  }
}

/** Parses `--out <path>`; unknown options are an error so typos are not silently ignored. */
function outputPath(): string {
  const { values } = parseArgs({ options: { out: { type: 'string' } } });
  return values.out === undefined ? DEFAULT_OUTPUT : resolve(values.out);
}

/** A zip entry stored without compression: PNGs are already deflated, so deflating again gains nothing. */
function storedAsIs(data: Uint8Array): [Uint8Array, ZipOptions] {
  return [data, { level: 0 }];
}

/** Builds and writes the zip: manifest.json plus the two icons it references, all at the root. */
async function main(): Promise<void> {
  const output = outputPath();
  const manifest = JSON.parse(readFileSync(join(APP_PACKAGE_DIR, 'manifest.json'), 'utf8')) as TeamsManifestLatest;
  substituteIds(manifest, guidFromEnv('TEAMS_APP_ID'), guidFromEnv('MicrosoftAppId'));
  await assertValid(manifest);
  const entries: Zippable = {
    'manifest.json': Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8'),
    [manifest.icons.color]: storedAsIs(readFileSync(join(APP_PACKAGE_DIR, manifest.icons.color))),
    [manifest.icons.outline]: storedAsIs(readFileSync(join(APP_PACKAGE_DIR, manifest.icons.outline))),
  };
  mkdirSync(dirname(output), { recursive: true });
  writeFileSync(output, zipSync(entries));
  console.log(`Wrote ${output} (app id ${manifest.id})`);
}

/** Reports failures as one readable message (they are config problems, not bugs) and exits non-zero. */
main().catch((error: unknown) => {
  console.error(`package-app: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
