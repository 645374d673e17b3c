import pino from 'pino';

/**
 * Structured logs with event names and ids only. Callers pass identifiers (concern ids, kinds,
 * statuses), never observed text, names or places: concerns are special-category data.
 */
export interface Logger {
  info(event: string, fields?: Record<string, unknown>): void;
  warn(event: string, fields?: Record<string, unknown>): void;
  error(event: string, fields?: Record<string, unknown>): void;
}

/**
 * Field names that can carry what was observed, where, or who: censored wherever a caller passes
 * them, at the top level or one level down (`intake.observed`). A concern's `reference`
 * (MS-2027-000123) and id are not secret and stay readable; an NRM referral reference is.
 */
const SECRET_FIELDS = [
  'observed',
  'place',
  'text',
  'comment',
  'note',
  'notes',
  'actionNote',
  'rerouteNote',
  'closeNote',
  'detail',
  'name',
  'reporter',
  'intake',
  'record',
  'body',
  'value',
  'data',
  'content',
  'sections',
  'flowcharts',
  'nrmReference',
];
const REDACT_PATHS = [...SECRET_FIELDS, ...SECRET_FIELDS.map((field) => `*.${field}`)];

export interface LoggerOptions {
  /** Write nothing, for tests that would otherwise fill the output. */
  silent?: boolean;
  /** Where JSON lines go; by default info to stdout, warnings and errors to stderr. */
  destination?: pino.DestinationStream;
  /**
   * A second destination (Application Insights in production). It receives the same JSON lines,
   * after redaction, so it can never see more than the logs do.
   */
  telemetry?: pino.DestinationStream;
}

/** JSON lines: {"level":"info","at":"<ISO time>","event":"outbox.sent",...fields}. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const lines =
    options.destination ??
    pino.multistream(
      [
        { level: 'info', stream: process.stdout },
        { level: 'warn', stream: process.stderr },
      ],
      { dedupe: true }, // each line to one stream: the one with the highest level it reaches
    );
  // Every line to both: pino serialises and redacts once, then hands the same string to each stream.
  const destination = options.telemetry
    ? pino.multistream([
        { level: 'info', stream: lines },
        { level: 'info', stream: options.telemetry },
      ])
    : lines;
  const log = pino(
    {
      enabled: !options.silent,
      base: undefined, // no pid or hostname
      timestamp: () => `,"at":"${new Date().toISOString()}"`,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    },
    destination,
  );
  return {
    info: (event, fields) => log.info({ event, ...fields }),
    warn: (event, fields) => log.warn({ event, ...fields }),
    error: (event, fields) => log.error({ event, ...fields }),
  };
}
