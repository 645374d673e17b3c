/**
 * Structured logs with event names and ids only. Callers pass identifiers (concern ids, kinds,
 * statuses), never observed text, names or places: concerns are special-category data.
 */
export interface Logger {
  info(event: string, fields?: Record<string, unknown>): void;
  warn(event: string, fields?: Record<string, unknown>): void;
  error(event: string, fields?: Record<string, unknown>): void;
}

/** JSON lines on stdout/stderr; `silent` for tests that would otherwise fill the output. */
export function createLogger(options: { silent?: boolean } = {}): Logger {
  const write = (level: string, event: string, fields?: Record<string, unknown>) => {
    if (options.silent) return;
    const line = JSON.stringify({ at: new Date().toISOString(), level, event, ...fields });
    (level === 'info' ? process.stdout : process.stderr).write(`${line}\n`);
  };
  return {
    info: (event, fields) => write('info', event, fields),
    warn: (event, fields) => write('warn', event, fields),
    error: (event, fields) => write('error', event, fields),
  };
}
