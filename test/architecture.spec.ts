import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const SRC = path.join(__dirname, '..', 'src');

/**
 * Imports run one way: each folder may import only from folders on a lower rank (or its own).
 * storage and cards share a rank and must not import each other. Top-level files (app, index,
 * config, server, logger) and cli/ are the composition layer; logger is a leaf every layer may use.
 */
const RANK: Record<string, number> = { domain: 0, storage: 1, cards: 1, reports: 1, messaging: 2, services: 3, bot: 4, '.': 5 };
const LEAVES = new Set(['logger.ts']);
const TEAMS_SDK = /^(botbuilder|@microsoft\/teams-ai)/;
const MAY_USE_TEAMS_SDK = new Set(['bot', 'messaging', '.']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^import\s[^;]*?from\s+'([^']+)'/gms)].map((m) => m[1]!);
}

/** The layer a file belongs to; cli/ is part of the composition layer with app.ts and index.ts. */
const folderOf = (file: string) => {
  const relative = path.relative(SRC, file);
  const folder = relative.includes(path.sep) ? relative.split(path.sep)[0]! : '.';
  return folder === 'cli' ? '.' : folder;
};

describe('the shape of the code', () => {
  const files = sourceFiles(SRC);

  it('when a module imports another, then the import runs down the layers (domain <- storage, cards, reports <- messaging <- services <- bot <- app)', () => {
    const wrong: string[] = [];
    for (const file of files) {
      const from = folderOf(file);
      for (const target of importsOf(file).filter((i) => i.startsWith('.'))) {
        const resolved = path.resolve(path.dirname(file), target).replace(/\.js$/, '.ts');
        if (LEAVES.has(path.relative(SRC, resolved))) continue;
        const to = folderOf(resolved);
        if (to === from) continue;
        if (RANK[to]! >= RANK[from]!) wrong.push(`${path.relative(SRC, file)} imports ${path.relative(SRC, resolved)}`);
      }
    }
    assert.deepEqual(wrong, []);
  });

  it('when a module uses the Teams SDK, then it is in bot/, messaging/ or the composition root', () => {
    const wrong = files.filter((file) => !MAY_USE_TEAMS_SDK.has(folderOf(file)) && importsOf(file).some((i) => TEAMS_SDK.test(i)));
    assert.deepEqual(
      wrong.map((f) => path.relative(SRC, f)),
      [],
    );
  });

  it('when the domain is imported, then it brings no storage, network or Teams code with it', () => {
    const domain = files.filter((f) => folderOf(f) === 'domain');
    const wrong = domain.flatMap((file) =>
      importsOf(file)
        .filter((i) => /^(@azure|botbuilder|@microsoft|express|node:http|node:net)/.test(i))
        .map((i) => `${path.relative(SRC, file)}: ${i}`),
    );
    assert.deepEqual(wrong, []);
  });

  it('when a source file grows, then it stays around 250 lines or fewer, so each module has one job', () => {
    const long = files.map((f) => ({ f: path.relative(SRC, f), lines: readFileSync(f, 'utf8').split('\n').length })).filter((x) => x.lines > 260);
    assert.deepEqual(long, []);
  });
});
