/**
 * A child process for test/telemetry.spec.ts: wires the logger to Application Insights exactly as
 * src/index.ts does (config -> startTelemetry -> createLogger), writes the records it is given,
 * and sends them before it exits. A child, because the exporter only speaks https and the test's
 * stand-in certificate can only be trusted by a process that starts with NODE_EXTRA_CA_CERTS.
 *
 * argv[2]: JSON array of [level, event, fields]; the environment is the app's.
 */
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { startTelemetry } from '../../src/telemetry.js';

type Level = 'info' | 'warn' | 'error';

async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.telemetry) throw new Error('APPLICATIONINSIGHTS_CONNECTION_STRING is not set');
  const telemetry = await startTelemetry(config.telemetry);
  // Nothing to the console: the test reads only what reached the ingestion stand-in.
  const logger = createLogger({ destination: { write: () => undefined }, telemetry: telemetry.logs });
  const records = JSON.parse(process.argv[2] ?? '[]') as [Level, string, Record<string, unknown>][];
  for (const [level, event, fields] of records) logger[level](event, fields);
  await telemetry.shutdown();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  },
);
