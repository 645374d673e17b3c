import { mkdirSync } from 'node:fs';
import path from 'node:path';

/** The account key every Azurite instance uses; public, documented, and only valid for the emulator. */
const AZURITE_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface EmbeddedTables {
  connectionString: string;
  close(): Promise<void>;
}

// Azurite ships no typings for its in-process server; these are the two calls we use.
interface AzuriteTableServer {
  start(): Promise<void>;
  close(): Promise<void>;
  getHttpServerAddress(): string;
}

/**
 * Starts Azurite's Table service inside this process on loopback: on disk under `dataDir`
 * (so a restart loses nothing), or in memory when `dataDir` is undefined (tests).
 * Port 0 picks a free port.
 */
export async function startEmbeddedTables(dataDir: string | undefined, port = 0): Promise<EmbeddedTables> {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { default: TableConfiguration } = require('azurite/dist/src/table/TableConfiguration') as {
    default: new (...args: unknown[]) => object;
  };
  const { default: TableServer } = require('azurite/dist/src/table/TableServer') as {
    default: new (config: object) => AzuriteTableServer;
  };
  /* eslint-enable @typescript-eslint/no-require-imports */
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const dbPath = dataDir ? path.join(dataDir, '__azurite_db_table__.json') : 'memory-table.json';
  // Positional arguments: host, port, keepAlive, dbPath, debugLog, accessLog, accessLogStream, debugLogPath,
  // loose, skipApiVersionCheck, cert, key, pwd, oauth, disableProductStyleUrl, inMemory.
  const config = new TableConfiguration('127.0.0.1', port, 5, dbPath, false, false, undefined, undefined, false, true, '', '', '', undefined, false, !dataDir);
  const server = new TableServer(config);
  await server.start();
  const endpoint = server.getHttpServerAddress();
  return {
    connectionString: `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${AZURITE_KEY};TableEndpoint=${endpoint}/devstoreaccount1;`,
    close: () => server.close(),
  };
}
