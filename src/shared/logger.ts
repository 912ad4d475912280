/**
 * Operational logs (winston). Alerts never travel here: they are documents for outputs.
 *
 * Conventions: one child logger per component (`logger.child({ component: 'spool' })`), a
 * constant message, data in fields, errors under `err`, and anything taken from a watched
 * process (paths, arguments) nested under `process_data` so it can never forge log fields.
 * Logs go to stderr so that stdout stays free for `--json` documents.
 */
import winston from 'winston';

export type Logger = winston.Logger;

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

export interface LoggerOptions {
  level?: LogLevel;
  /** `json` for daemons and log shippers, `text` for a person at a terminal. */
  format?: 'json' | 'text';
  /** Where lines go; stderr when absent. */
  stream?: NodeJS.WritableStream;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const format =
    options.format === 'json'
      ? winston.format.combine(winston.format.timestamp(), serializeErrors(), winston.format.json())
      : winston.format.combine(winston.format.timestamp(), winston.format.printf(formatTextLine));

  return winston.createLogger({
    level: options.level ?? 'info',
    format,
    transports: [
      options.stream === undefined
        ? new winston.transports.Console({ stderrLevels: ['error', 'warn', 'info', 'debug'] })
        : new winston.transports.Stream({ stream: options.stream }),
    ],
  });
}

/** A logger that drops everything: for tests and library use without a configured logger. */
export function createSilentLogger(): Logger {
  return winston.createLogger({ silent: true, transports: [new winston.transports.Console()] });
}

/** Error-valued fields (`err`) become `{ code, message }`: JSON.stringify drops both. */
const serializeErrors = winston.format((info) => {
  for (const [key, value] of Object.entries(info)) {
    if (value instanceof Error) info[key] = replaceError(key, value);
  }
  return info;
});

function formatTextLine(info: winston.Logform.TransformableInfo): string {
  const { level, message, timestamp, ...fields } = info;
  const rest = Object.keys(fields).length === 0 ? '' : ` ${JSON.stringify(fields, replaceError)}`;
  return `${String(timestamp)} ${level}: ${String(message)}${rest}`;
}

function replaceError(_key: string, value: unknown): unknown {
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return code === undefined ? { message: value.message } : { code, message: value.message };
  }
  return value;
}
