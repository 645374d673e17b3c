import { rosterFragment } from '../domain/people.js';
import { argumentsOrUsage, runCommand, withApp } from './command.js';

const USAGE = 'usage: npm run people -- --export';

/**
 * People and roles are managed in Teams ("people", "members"); this prints them as they are now,
 * as the people part of a protocol file (modernSlaveryLeads, deputies, coordinators, groups), for a
 * backup or to seed a new environment. With the embedded storage, stop the running app first.
 */
async function main(): Promise<number> {
  const values = argumentsOrUsage({ export: { type: 'boolean' } }, USAGE);
  if (!values) return 2;
  if (!values.export) {
    process.stderr.write(`Say what to do.\n${USAGE}\n`);
    return 2;
  }
  return withApp((app) => {
    process.stdout.write(`${JSON.stringify(rosterFragment(app.directory.roster()), null, 2)}\n`);
    return Promise.resolve(0);
  });
}

runCommand(main);
