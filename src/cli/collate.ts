import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { GROUP_INFO } from '../domain/groups.js';
import { argumentsOrUsage, runCommand, withApp } from './command.js';

const USAGE = 'usage: npm run collate -- --out <folder> [--latest-submitted]';

/**
 * Collates the protocol from the command line, against the configured storage, as the coordinator
 * does with "collate" in Teams: a new numbered version, its two Word documents written to --out.
 * With the embedded storage, stop the running app first: two emulators must not share a data folder.
 */
async function main(): Promise<number> {
  const values = argumentsOrUsage({ out: { type: 'string' }, 'latest-submitted': { type: 'boolean' } }, USAGE);
  if (!values) return 2;
  const out = values.out;
  if (!out) {
    process.stderr.write(`--out is required.\n${USAGE}\n`);
    return 2;
  }
  return withApp(async (app) => {
    const result = await app.collations.collate('operator', values['latest-submitted'] ? 'latestSubmitted' : 'accepted');
    if (result.kind === 'refused') throw new Error(result.reason);
    mkdirSync(out, { recursive: true });
    process.stdout.write(
      `Protocol version ${result.record.version}, from each group's ${result.record.basis === 'accepted' ? 'accepted' : 'latest submitted'} version.\n`,
    );
    for (const document of result.documents) {
      const file = path.join(out, document.name);
      writeFileSync(file, document.bytes);
      process.stdout.write(`${file}  ${(document.bytes.length / 1024).toFixed(1)} KB\n`);
    }
    for (const [template, groups] of Object.entries(result.missing)) {
      if (groups.length) process.stdout.write(`Missing from the ${template}: ${groups.map((g) => GROUP_INFO[g].name).join(', ')}\n`);
    }
    return 0;
  });
}

runCommand(main);
