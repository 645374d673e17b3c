import { existsSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { createApp, type App } from '../app.js';
import { ConfigError, loadConfig } from '../config.js';
import { createLogger } from '../logger.js';

/** What the command line gave, or undefined after saying what was wrong (exit code 2). */
export function argumentsOrUsage<T extends NonNullable<ParseArgsConfig['options']>>(
  options: T,
  usage: string,
): ReturnType<typeof parseArgs<{ options: T; strict: true }>>['values'] | undefined {
  try {
    return parseArgs({ options, strict: true }).values;
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${usage}\n`);
    return undefined;
  }
}

/**
 * `--at <ISO instant> [--dry-run]` for a pass run by hand, or undefined after saying what was wrong
 * (exit code 2). A pass as of a future instant would use its steps up early, so only a dry run may
 * look ahead.
 */
export function passArguments(usage: string): { at: Date; dryRun: boolean } | undefined {
  const values = argumentsOrUsage({ at: { type: 'string' }, 'dry-run': { type: 'boolean' } }, usage);
  if (!values) return undefined;
  const at = values.at ? new Date(values.at) : undefined;
  if (!at || Number.isNaN(at.getTime()) || !/\d{4}-\d{2}-\d{2}T/.test(values.at ?? '')) {
    process.stderr.write(`--at must be an ISO date and time.\n${usage}\n`);
    return undefined;
  }
  const dryRun = values['dry-run'] ?? false;
  if (!dryRun && at.getTime() > Date.now() + 60_000) {
    process.stderr.write(`--at ${values.at} is in the future: only a --dry-run may look ahead.\n${usage}\n`);
    return undefined;
  }
  return { at, dryRun };
}

/**
 * The app against the configured storage (a local .env first), without its timers or its HTTP
 * listener, for one operator command; closed whatever happens.
 */
export async function withApp<T>(work: (app: App) => Promise<T>): Promise<T> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const app = await createApp(loadConfig(), { logger: createLogger({ silent: true }), schedulerIntervalMs: 0 });
  try {
    return await work(app);
  } finally {
    await app.close();
  }
}

/** Runs a command's main and exits with its code; a failure is one line naming what went wrong. */
export function runCommand(main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${error instanceof ConfigError ? 'Configuration error' : 'Failed'}: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
