import type http from 'node:http';
import { ManagedIdentityCredential } from '@azure/identity';

/**
 * Application Insights, fed only with what we choose to send. Concerns are special-category data
 * and our URLs carry identifiers (Table storage keys hold staff AAD object ids, connector URLs hold
 * conversation ids), so nothing is collected automatically: no dependencies, no console, no
 * exceptions, no headers, bodies or query strings. What goes is:
 * - each log line exactly as the logger wrote it, after its redaction, as a trace; and
 * - for each request, its method, its path if it is one of ours, its status and its duration.
 */
export interface Telemetry {
  /** A logger destination: each JSON line it receives becomes one trace. */
  logs: { write(line: string): void };
  /** Records the requests a server answers (method, known path, status, duration). */
  observe(server: http.Server): void;
  /** Sends what is queued, then stops. */
  shutdown(): Promise<void>;
}

export interface TelemetrySettings {
  connectionString: string;
  /** The managed identity that may publish (Entra ID auth; the component refuses keys). */
  clientId: string | undefined;
}

/** The only paths reported by name; anything else (a scanner's guess) is "other", so no request can write text into telemetry. */
const ROUTES = new Set(['/api/messages', '/healthz']);

/**
 * Starts an Application Insights client with its own pipeline (no global OpenTelemetry providers,
 * so no instrumentation is installed and nothing is collected that we do not hand it). The
 * package is loaded here, not at import, because only production uses it.
 */
export async function startTelemetry(settings: TelemetrySettings): Promise<Telemetry> {
  const { TelemetryClient, KnownSeverityLevel } = await import('applicationinsights');
  const client = new TelemetryClient(settings.connectionString, { useGlobalProviders: false });
  // Without a client id (tests against a local stand-in) no token is sent; production requires one (see config).
  if (settings.clientId) client.config.aadTokenCredential = new ManagedIdentityCredential({ clientId: settings.clientId });
  const severity: Record<string, string> = {
    trace: KnownSeverityLevel.Verbose,
    debug: KnownSeverityLevel.Verbose,
    info: KnownSeverityLevel.Information,
    warn: KnownSeverityLevel.Warning,
    error: KnownSeverityLevel.Error,
    fatal: KnownSeverityLevel.Critical,
  };

  return {
    logs: {
      write(line: string) {
        const record = parseLine(line);
        if (!record) return;
        // The level becomes the severity and the event the message; the time is the record's own.
        const { level, event, ...fields } = record;
        delete fields.at;
        client.trackTrace({
          message: String(event),
          severity: severity[String(level)] ?? KnownSeverityLevel.Information,
          properties: Object.fromEntries(Object.entries(fields).map(([key, value]) => [key, typeof value === 'string' ? value : JSON.stringify(value)])),
        });
      },
    },
    observe(server) {
      server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
        const started = performance.now();
        res.once('close', () => {
          const path = (req.url ?? '').split('?')[0] ?? '';
          const route = ROUTES.has(path) ? path : 'other';
          // A connection dropped before the answer was sent reports status 0.
          const status = res.writableFinished ? res.statusCode : 0;
          client.trackRequest({
            name: `${req.method ?? 'HTTP'} ${route}`,
            url: route,
            duration: performance.now() - started,
            resultCode: String(status),
            success: status > 0 && status < 400,
            // The method as an attribute makes the exporter fill in the response code; it is not a custom property.
            properties: { 'http.method': req.method ?? 'HTTP' },
          });
        });
      });
    },
    shutdown: () => client.shutdown(),
  };
}

/** The logger writes one JSON object per line; anything else is dropped with a note that carries none of it. */
function parseLine(line: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(line);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through to the note
  }
  process.stderr.write('telemetry: a log line was not a JSON object and was not sent\n');
  return undefined;
}
