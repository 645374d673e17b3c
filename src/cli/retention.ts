import type { RetentionItem } from '../services/retentionService.js';
import { passArguments, runCommand, withApp } from './command.js';

const USAGE = 'usage: npm run retention -- --at <ISO instant, e.g. 2033-04-01T00:00:00+01:00> [--dry-run]';

/**
 * One retention pass as of a given instant, against the configured storage: closed concerns past
 * the protocol's retention period are anonymised, those on legal hold are left. Prints what it did
 * or would do (--dry-run), by reference only. With the embedded storage, stop the running app
 * first: two emulators must not share a data folder.
 */
async function main(): Promise<number> {
  const args = passArguments(USAGE);
  if (!args) return 2;
  // A future instant would anonymise records the council must still keep (passArguments refuses it).
  const { at, dryRun } = args;
  return withApp(async (app) => {
    const report = await app.retention.runPass(at, { dryRun });
    const line = (state: string, item: RetentionItem, extra = '') =>
      process.stdout.write(`${state.padEnd(17)} ${item.reference}  kept until ${item.keepUntil}: ${item.rule}${extra}\n`);
    process.stdout.write(`Retention pass as of ${at.toISOString()}${dryRun ? ' (dry run: nothing is changed)' : ''}\n`);
    for (const item of report.anonymised) line(dryRun ? 'would anonymise' : 'anonymised', item);
    for (const item of report.held) line('legal hold', item, ' (left as it is)');
    for (const item of report.changed) line('changed meanwhile', item, ' (not anonymised; the next pass tries again)');
    process.stdout.write(
      `${report.anonymised.length} ${dryRun ? 'to anonymise' : 'anonymised'}, ${report.held.length} on legal hold, ${report.notYetDue.length} not yet due, ` +
        `${report.alreadyAnonymised} anonymised before, ${report.changed.length} changed meanwhile.\n`,
    );
    return 0;
  });
}

runCommand(main);
