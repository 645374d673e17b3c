/**
 * Checks the Teams app package: the manifest, the icons and the packaging script.
 *
 * Teams rejects an upload for schema errors, wrong icon sizes or a non-white
 * outline icon only at admin upload time, so these properties are pinned here.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { AppManifestUtils, type TeamsManifestLatest } from '@microsoft/app-manifest';
import { strFromU8, unzipSync, type Unzipped } from 'fflate';
import { PNG, type PNGWithMetadata } from 'pngjs';

const ROOT = join(__dirname, '..');
const APP_PACKAGE = join(ROOT, 'appPackage');
const PACKAGE_SCRIPT = join(ROOT, 'scripts', 'package-app.ts');
const APP_ID = '11111111-2222-3333-4444-555555555555';
const BOT_ID = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
/** PNG colour types (IHDR byte 9): truecolour without and with an alpha channel. */
const PNG_RGB = 2;
const PNG_RGBA = 6;

/** A fresh copy each time, so tests that mutate it cannot affect one another. */
function readManifest(): TeamsManifestLatest {
  return JSON.parse(readFileSync(join(APP_PACKAGE, 'manifest.json'), 'utf8')) as TeamsManifestLatest;
}

/** Numeric v1.x versions of the Teams schemas bundled with @microsoft/app-manifest (preview excluded). */
function bundledSchemaVersions(): number[] {
  const schemas = join(dirname(require.resolve('@microsoft/app-manifest')), 'json-schemas', 'teams');
  return readdirSync(schemas)
    .map((name) => /^v1\.(\d+)$/.exec(name)?.[1])
    .filter((minor): minor is string => minor !== undefined)
    .map(Number);
}

/** Result of one run of the packaging script. */
interface ScriptRun {
  readonly code: number;
  readonly stderr: string;
}

/** Runs scripts/package-app.ts in a child process with only the given id variables set. */
function runPackageScript(out: string, ids: Record<string, string>): Promise<ScriptRun> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...ids };
  for (const name of ['TEAMS_APP_ID', 'MicrosoftAppId']) {
    if (!(name in ids)) delete env[name];
  }
  return new Promise((resolvePromise) => {
    execFile(process.execPath, ['--import', 'tsx', PACKAGE_SCRIPT, '--out', out], { cwd: ROOT, env }, (error, _stdout, stderr) => {
      resolvePromise({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stderr });
    });
  });
}

/**
 * Every entry of a zip file by name, read via its central directory as unzip does.
 * unzipSync throws on a malformed archive but does not verify CRCs, which is why
 * the tests compare entry bytes with their sources instead.
 */
function readZip(path: string): Unzipped {
  return unzipSync(readFileSync(path));
}

/** Decodes an icon from appPackage/ (pngjs checks chunk CRCs); `data` is always RGBA, whatever the file holds. */
function readIcon(name: string): PNGWithMetadata {
  return PNG.sync.read(readFileSync(join(APP_PACKAGE, name)));
}

/** How many different RGBA colours an image uses. */
function distinctColours(image: PNGWithMetadata): number {
  const colours = new Set<number>();
  for (let offset = 0; offset < image.data.length; offset += 4) colours.add(image.data.readUInt32BE(offset));
  return colours.size;
}

describe('Teams app manifest', () => {
  it('when validated against the schema its $schema names, then there are no errors', async () => {
    assert.deepEqual(await AppManifestUtils.validateAgainstSchema(readManifest()), []);
  });

  it('when a bot id is not a GUID, then schema validation reports it (so the check above is live)', async () => {
    const manifest = readManifest();
    manifest.bots![0]!.botId = 'not-a-guid';
    const errors = await AppManifestUtils.validateAgainstSchema(manifest);
    assert.ok(
      errors.some((error) => error.startsWith('/bots/0/botId')),
      errors.join('\n'),
    );
  });

  it('when compared with the bundled schemas, then it uses the latest non-preview version', () => {
    const latest = Math.max(...bundledSchemaVersions());
    const manifest = readManifest();
    assert.equal(manifest.manifestVersion, `1.${latest}`);
    assert.equal(manifest.$schema, `https://developer.microsoft.com/en-us/json-schemas/teams/v1.${latest}/MicrosoftTeams.schema.json`);
  });

  it('when read, then it names the app and the council as developer', () => {
    const manifest = readManifest();
    assert.equal(manifest.name.short, 'Modern Slavery Protocol');
    assert.equal(manifest.name.full, 'Modern Slavery Protocol: concerns and protocol work');
    assert.equal(manifest.developer.name, 'City Council');
    assert.match(manifest.description.short, /Modern Slavery Lead/);
    assert.deepEqual(manifest.icons, { color: 'color.png', outline: 'outline.png' });
    assert.deepEqual(manifest.validDomains, []);
    assert.deepEqual(manifest.permissions, ['identity', 'messageTeamMembers']);
  });

  it('when read, then it declares one conversational bot in personal and team scope only', () => {
    const bots = readManifest().bots ?? [];
    assert.equal(bots.length, 1);
    const bot = bots[0]!;
    assert.deepEqual([...(bot.scopes ?? [])].sort(), ['personal', 'team']);
    assert.equal(bot.supportsFiles, false);
    assert.equal(bot.isNotificationOnly, false);
  });

  it('when read, then the bot lists the personal and team commands', () => {
    const lists = readManifest().bots![0]!.commandLists ?? [];
    const commandsFor = (scope: string): Record<string, string | undefined> => {
      const list = lists.find((candidate) => candidate.scopes.length === 1 && candidate.scopes[0] === scope);
      assert.ok(list, `no command list for scope ${scope}`);
      return Object.fromEntries(list.commands.map((command) => [command.title, command.description]));
    };
    assert.equal(lists.length, 2);
    assert.deepEqual(commandsFor('personal'), {
      'raise concern': 'Raise a modern slavery concern',
      'my concerns': 'See the concerns you raised and their status',
      'open concerns': 'Modern Slavery Lead: every concern not yet closed',
      'draft strategy': "Group members: write your group's 5P Strategy",
      'draft pathway': "Group members: write your group's Pathway flowcharts",
      status: "Where the groups' templates stand, and days left",
      help: 'What this bot can do',
    });
    // Concerns are raised only in personal chat (or the message action's private dialog), never in a channel.
    assert.deepEqual(commandsFor('team'), {
      'draft strategy': "Group members: write your group's 5P Strategy",
      'draft pathway': "Group members: write your group's Pathway flowcharts",
      status: "This group's templates, or every group's for coordinators",
      link: 'Coordinators: link this channel to a thematic group, e.g. link housing',
      help: 'What this bot can do',
    });
  });

  it('when read, then the message extension offers the raiseConcern action on messages via fetchTask', () => {
    const manifest = readManifest();
    const extensions = manifest.composeExtensions ?? [];
    assert.equal(extensions.length, 1);
    const extension = extensions[0]!;
    assert.equal(extension.botId, manifest.bots![0]!.botId);
    assert.deepEqual(extension.commands, [
      {
        id: 'raiseConcern',
        type: 'action',
        title: 'Raise a concern',
        description: 'Raise a modern slavery concern about this message',
        context: ['message'],
        fetchTask: true,
      },
    ]);
  });
});

describe('Teams app icons', () => {
  it('when color.png is decoded, then it is an opaque 192x192 image', () => {
    const png = readIcon('color.png');
    assert.equal(png.width, 192);
    assert.equal(png.height, 192);
    assert.equal(png.colorType, PNG_RGB, 'colour icon should be RGB (opaque), not RGBA');
    // Background, shield and white glyph at least.
    assert.ok(distinctColours(png) > 2, 'colour icon should not be blank');
  });

  it('when outline.png is decoded, then it is 32x32 with alpha and every pixel is white or fully transparent', () => {
    const png = readIcon('outline.png');
    assert.equal(png.width, 32);
    assert.equal(png.height, 32);
    assert.equal(png.colorType, PNG_RGBA, 'outline icon needs an alpha channel');
    let opaque = 0;
    for (let i = 0; i < png.data.length; i += 4) {
      const [r, g, b, a] = png.data.subarray(i, i + 4);
      const white = r === 255 && g === 255 && b === 255 && a === 255;
      assert.ok(white || a === 0, `pixel ${i / 4} is rgba(${r}, ${g}, ${b}, ${a})`);
      if (white) opaque++;
    }
    assert.ok(opaque > 0 && opaque < 32 * 32, 'outline icon should have both white and transparent pixels');
  });
});

describe('package-app script', function () {
  this.timeout(15_000);
  let outDir: string;
  let withIds: ScriptRun;
  let badAppId: ScriptRun;
  let badBotId: ScriptRun;

  before(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'app-package-'));
    [withIds, badAppId, badBotId] = await Promise.all([
      runPackageScript(join(outDir, 'ok', 'app.zip'), { TEAMS_APP_ID: APP_ID, MicrosoftAppId: BOT_ID }),
      runPackageScript(join(outDir, 'bad-app', 'app.zip'), { TEAMS_APP_ID: 'not-a-guid' }),
      runPackageScript(join(outDir, 'bad-bot', 'app.zip'), { MicrosoftAppId: '1234' }),
    ]);
  });

  after(() => rmSync(outDir, { recursive: true, force: true }));

  it('when run with TEAMS_APP_ID and MicrosoftAppId, then the zip holds exactly the manifest and two icons at its root', () => {
    assert.equal(withIds.code, 0, withIds.stderr);
    const entries = readZip(join(outDir, 'ok', 'app.zip'));
    assert.deepEqual(Object.keys(entries).sort(), ['color.png', 'manifest.json', 'outline.png']);
    for (const icon of ['color.png', 'outline.png']) {
      assert.ok(Buffer.from(entries[icon]!).equals(readFileSync(join(APP_PACKAGE, icon))), `${icon} differs from appPackage/`);
    }
  });

  it('when run with TEAMS_APP_ID and MicrosoftAppId, then the packaged manifest carries those ids and still validates', async () => {
    const entries = readZip(join(outDir, 'ok', 'app.zip'));
    const manifest = JSON.parse(strFromU8(entries['manifest.json']!)) as TeamsManifestLatest;
    assert.equal(manifest.id, APP_ID);
    assert.deepEqual(
      manifest.bots!.map((bot) => bot.botId),
      [BOT_ID],
    );
    assert.deepEqual(
      manifest.composeExtensions!.map((extension) => extension.botId),
      [BOT_ID],
    );
    assert.deepEqual(await AppManifestUtils.validateAgainstSchema(manifest), []);
  });

  it('when TEAMS_APP_ID is not a GUID, then it exits non-zero naming the variable and writes no zip', () => {
    assert.notEqual(badAppId.code, 0);
    assert.match(badAppId.stderr, /TEAMS_APP_ID must be a GUID.*"not-a-guid"/);
    assert.equal(existsSync(join(outDir, 'bad-app', 'app.zip')), false);
  });

  it('when MicrosoftAppId is not a GUID, then it exits non-zero naming the variable and writes no zip', () => {
    assert.notEqual(badBotId.code, 0);
    assert.match(badBotId.stderr, /MicrosoftAppId must be a GUID.*"1234"/);
    assert.equal(existsSync(join(outDir, 'bad-bot', 'app.zip')), false);
  });
});
