import { walkAuditChains } from '../storage/auditChain.js';
import { argumentsOrUsage, runCommand, withApp } from './command.js';

const USAGE = 'usage: npm run audit:verify';

/**
 * Walks every day's audit chain in the configured storage and names any row that was changed,
 * inserted or deleted since it was written. Exit code 0 when every chain is intact, 1 otherwise.
 * It only reads; with the embedded storage, stop the running app first (one emulator per data folder).
 */
async function main(): Promise<number> {
  if (!argumentsOrUsage({}, USAGE)) return 2;
  return withApp(async (app) => {
    const report = await walkAuditChains(app.stores.audit.rows());
    process.stdout.write(`Audit log: ${report.rows} rows over ${report.days} days.\n`);
    if (!report.problems.length) {
      process.stdout.write('Every chain is intact: no row was changed, inserted or deleted.\n');
      return 0;
    }
    for (const problem of report.problems) process.stdout.write(`PROBLEM ${problem}\n`);
    process.stdout.write(`${report.problems.length} problem(s) found.\n`);
    return 1;
  });
}

runCommand(main);
