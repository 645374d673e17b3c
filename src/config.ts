import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { describeIssues, protocolSchema, type Protocol } from './domain/protocol.js';

/** A configuration problem, with a message that names the bad key. */
export class ConfigError extends Error {}

const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalString = z.preprocess(emptyToUndefined, z.string().trim().optional());

const envSchema = z
  .object({
    NODE_ENV: z.preprocess(emptyToUndefined, z.enum(['development', 'test', 'production']).default('development')),
    PORT: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(65535).default(3978)),
    MicrosoftAppId: optionalString,
    MicrosoftAppType: z.preprocess(emptyToUndefined, z.enum(['SingleTenant', 'UserAssignedMsi']).default('SingleTenant')),
    MicrosoftAppPassword: optionalString,
    MicrosoftAppTenantId: optionalString,
    TABLES_CONNECTION_STRING: optionalString,
    /** Production: the storage account's table endpoint, reached with the app's managed identity (no key). */
    TABLES_ENDPOINT: optionalString,
    /** The user-assigned managed identity's client id, for @azure/identity. */
    AZURE_CLIENT_ID: optionalString,
    /**
     * Production: the Application Insights component that receives the logs' redacted lines and
     * request timings. Not a secret: the component accepts only Entra ID (managed identity) tokens.
     */
    APPLICATIONINSIGHTS_CONNECTION_STRING: optionalString,
    DATA_DIR: z.preprocess(emptyToUndefined, z.string().default('.data')),
    PROTOCOL_CONFIG: optionalString,
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === 'production') refuseUnsafeStorage(env, ctx);
    if (env.NODE_ENV === 'production' && env.APPLICATIONINSIGHTS_CONNECTION_STRING !== undefined && env.AZURE_CLIENT_ID === undefined) {
      // The component refuses unauthenticated ingestion, so without the identity every record would be lost unseen.
      ctx.addIssue({ code: 'custom', path: ['AZURE_CLIENT_ID'], message: 'is required with APPLICATIONINSIGHTS_CONNECTION_STRING when NODE_ENV=production' });
    }
    if (env.MicrosoftAppId === undefined) {
      if (env.NODE_ENV === 'production') {
        ctx.addIssue({ code: 'custom', path: ['MicrosoftAppId'], message: 'is required when NODE_ENV=production (authentication cannot be off)' });
      }
      return;
    }
    if (env.MicrosoftAppTenantId === undefined) {
      ctx.addIssue({ code: 'custom', path: ['MicrosoftAppTenantId'], message: 'is required with MicrosoftAppId' });
    }
    if (env.MicrosoftAppType === 'SingleTenant' && env.MicrosoftAppPassword === undefined) {
      ctx.addIssue({ code: 'custom', path: ['MicrosoftAppPassword'], message: 'is required for a SingleTenant app' });
    }
  });

/**
 * Concerns are special-category data: in production they are never kept in the embedded emulator
 * (a plaintext file on one web host), never sent over plain http, and never reached with an
 * account key. Each refusal names the setting to change.
 */
function refuseUnsafeStorage(env: { TABLES_ENDPOINT?: string | undefined; TABLES_CONNECTION_STRING?: string | undefined }, ctx: z.RefinementCtx): void {
  if (env.TABLES_CONNECTION_STRING !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['TABLES_CONNECTION_STRING'],
      message: 'must not be set when NODE_ENV=production (it carries an account key): set TABLES_ENDPOINT and use the managed identity',
    });
  }
  if (env.TABLES_ENDPOINT === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['TABLES_ENDPOINT'],
      message: 'is required when NODE_ENV=production (the embedded emulator is for development only)',
    });
  } else if (!/^https:\/\//i.test(env.TABLES_ENDPOINT)) {
    ctx.addIssue({ code: 'custom', path: ['TABLES_ENDPOINT'], message: 'must be an https:// endpoint when NODE_ENV=production' });
  }
}

export interface BotCredentials {
  appId: string;
  appType: 'SingleTenant' | 'UserAssignedMsi';
  password: string | undefined;
  tenantId: string;
}

export interface Config {
  port: number;
  /** Without credentials the bot accepts unauthenticated calls, so it listens on loopback only. */
  host: string;
  production: boolean;
  credentials: BotCredentials | undefined;
  /**
   * Development and tests: a connection string (Azurite) or the embedded emulator. Production: the
   * table endpoint and the managed identity, with no key anywhere.
   */
  storage: { connectionString: string } | { embeddedDataDir: string } | { endpoint: string; clientId: string | undefined };
  protocol: Protocol;
  protocolSource: string;
  /** Application Insights, when its connection string is set (production); otherwise logs go to stdout/stderr only. */
  telemetry?: { connectionString: string; clientId: string | undefined };
}

/** The demo protocol: the Agents Playground's default user holds every role. */
export const DEMO_PROTOCOL_PATH = path.join(__dirname, '..', 'config', 'protocol.demo.json');

/** Reads and validates a protocol file, naming the wrong entry when it is invalid. */
export function loadProtocol(file: string): Protocol {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`PROTOCOL_CONFIG: cannot read ${file} as JSON: ${(error as Error).message}`);
  }
  const parsed = protocolSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(`PROTOCOL_CONFIG: ${file} is invalid:\n${describeIssues(parsed.error)}`);
  return parsed.data;
}

/** The only reader of the environment: parses it once and fails fast with the bad key named. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) throw new ConfigError(`Invalid environment:\n${describeIssues(parsed.error)}`);
  const e = parsed.data;
  const protocolSource = e.PROTOCOL_CONFIG ?? DEMO_PROTOCOL_PATH;
  const protocol = loadProtocol(protocolSource);
  const credentials =
    e.MicrosoftAppId === undefined
      ? undefined
      : { appId: e.MicrosoftAppId, appType: e.MicrosoftAppType, password: e.MicrosoftAppPassword, tenantId: e.MicrosoftAppTenantId ?? '' };
  if (credentials && credentials.tenantId !== protocol.tenantId) {
    throw new ConfigError(`MicrosoftAppTenantId (${credentials.tenantId}) does not match tenantId in ${protocolSource}`);
  }
  return {
    port: e.PORT,
    host: credentials ? '0.0.0.0' : '127.0.0.1',
    production: e.NODE_ENV === 'production',
    credentials,
    storage: e.TABLES_ENDPOINT
      ? { endpoint: e.TABLES_ENDPOINT, clientId: e.AZURE_CLIENT_ID }
      : e.TABLES_CONNECTION_STRING
        ? { connectionString: e.TABLES_CONNECTION_STRING }
        : { embeddedDataDir: path.resolve(e.DATA_DIR) },
    protocol,
    protocolSource,
    ...(e.APPLICATIONINSIGHTS_CONNECTION_STRING
      ? { telemetry: { connectionString: e.APPLICATIONINSIGHTS_CONNECTION_STRING, clientId: e.AZURE_CLIENT_ID } }
      : {}),
  };
}
