import { existsSync } from 'node:fs';
import { createApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { startTelemetry } from './telemetry.js';

/** Process entry: load config, build the app, listen, shut down cleanly on SIGINT/SIGTERM. */
async function main(): Promise<void> {
  // A local .env file, when there is one, fills the environment before it is read (once) by loadConfig.
  if (existsSync('.env')) process.loadEnvFile('.env');
  const config = loadConfig();
  // Production: Application Insights gets the log lines after redaction, and request timings; nothing else.
  const telemetry = config.telemetry ? await startTelemetry(config.telemetry) : undefined;
  const logger = createLogger(telemetry ? { telemetry: telemetry.logs } : {});
  if (!config.credentials) {
    process.stderr.write(
      '\n*** AUTHENTICATION IS OFF: no MicrosoftAppId is set, so any caller is accepted. ***\n' +
        '*** Listening on loopback only; this is for local development with the Agents Playground. ***\n\n',
    );
  }
  const app = await createApp(config, { logger });
  telemetry?.observe(app.server);
  const url = await app.listen();
  const storage = 'embeddedDataDir' in config.storage ? `embedded Azurite in ${config.storage.embeddedDataDir}` : 'Azure Table Storage';
  logger.info('app.started', { url: `${url}/api/messages`, storage, protocol: config.protocolSource });
  process.stdout.write(`Bot listening on ${url}/api/messages (storage: ${storage})\n`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('app.stopping', { signal });
    app
      .close()
      .then(() => telemetry?.shutdown()) // sends what is still queued, app.stopping included
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error('app.stop_failed', { error: String(error) });
          process.exit(1);
        },
      );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`Configuration error: ${error.message}\n`);
  } else {
    process.stderr.write(`Failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  process.exit(1);
});
