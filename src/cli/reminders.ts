import { passArguments, runCommand, withApp } from './command.js';

const USAGE = 'usage: npm run reminders -- --at <ISO instant, e.g. 2027-06-25T09:00:00+01:00> [--dry-run]';

/**
 * One reminder and escalation pass as of a given instant, against the configured storage: for an
 * operator to check what is due (--dry-run) or to catch up by hand. Prints what it sent or would send.
 * With the embedded storage, stop the running app first: two emulators must not share a data folder.
 */
async function main(): Promise<number> {
  const args = passArguments(USAGE);
  if (!args) return 2;
  // passArguments refuses a future --at: a step sent early would be used up, and on its day the ledger would say it was sent.
  const { at, dryRun } = args;
  return withApp(async (app) => {
    const items = await app.reminders.runPass(at, { dryRun });
    process.stdout.write(`Reminder and escalation pass as of ${at.toISOString()}${dryRun ? ' (dry run: nothing is sent or recorded)' : ''}\n`);
    for (const item of items) {
      const state = item.sent ? (dryRun ? 'would send  ' : 'sent        ') : 'already sent';
      process.stdout.write(`${state} ${item.what.padEnd(10)} ${item.subject} -> ${item.recipients.join(', ')}\n`);
    }
    const fresh = items.filter((i) => i.sent).length;
    process.stdout.write(`${fresh} ${dryRun ? 'to send' : 'sent'}, ${items.length - fresh} already sent.\n`);
    if (!dryRun && fresh) {
      const summary = await app.outbox.runOnce();
      process.stdout.write(
        `Delivered now: ${summary.sent}; no longer needed (superseded): ${summary.superseded}; retrying later: ${summary.retrying}; waiting for install or link: ${summary.waiting}; undeliverable: ${summary.undeliverable + summary.failed}.\n`,
      );
    }
    return 0;
  });
}

runCommand(main);
