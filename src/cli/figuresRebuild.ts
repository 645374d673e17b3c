import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../config.js';
import { StatisticsIndex } from '../services/statisticsIndex.js';
import { startEmbeddedTables } from '../storage/embeddedAzurite.js';
import { StatisticsStore } from '../storage/statisticsStore.js';
import { openTables } from '../storage/tables.js';
import { argumentsOrUsage, runCommand } from './command.js';

const USAGE = 'usage: npm run figures:rebuild';

/**
 * Rebuilds the figures' statistics projection from the concern records, against the configured
 * storage: a row that differs from its record is rewritten, a missing one written, one without a
 * concern removed; then a new snapshot is saved and every running app reloads its index at its next
 * figure. Safe while the app runs (a row the app writes meanwhile is newer and is left alone); with
 * the embedded storage, stop the app first (two emulators must not share a data folder). It needs
 * only the tables, so it opens them itself rather than building the whole app.
 */
async function main(): Promise<number> {
  if (!argumentsOrUsage({}, USAGE)) return 2;
  if (existsSync('.env')) process.loadEnvFile('.env');
  const config = loadConfig();
  const { storage } = config;
  const embedded = 'embeddedDataDir' in storage ? await startEmbeddedTables(storage.embeddedDataDir) : undefined;
  try {
    const tables = await openTables(
      embedded ? { connectionString: embedded.connectionString } : (storage as Exclude<typeof storage, { embeddedDataDir: string }>),
    );
    const start = performance.now();
    const report = await new StatisticsIndex({ store: new StatisticsStore(tables.concerns), timeZone: config.protocol.timeZone }).rebuild();
    const seconds = ((performance.now() - start) / 1000).toFixed(1);
    process.stdout.write(
      `Statistics projection rebuilt from ${report.concerns} concern records in ${seconds} s: ${report.written} rows written, ${report.unchanged} already right, ${report.removed} without a concern removed, ${report.skipped} changed by the app meanwhile (left as the app wrote them).\n`,
    );
    return 0;
  } finally {
    await embedded?.close();
  }
}

runCommand(main);
