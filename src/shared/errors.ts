/**
 * The one error base of execwatch. Every failure an operator or a rule author can see carries a
 * stable `code` (for scripts and logs), a sentence that says what to do, and the `cause` it came
 * from. Positioned errors (rules, recordings) add where the problem is.
 */

/** Where something was read from: a file (or `-` for stdin) and a 1-based line and column. */
export interface SourceLocation {
  file?: string;
  line?: number;
  column?: number;
}

export interface ExecwatchErrorOptions {
  cause?: unknown;
  location?: SourceLocation;
}

export class ExecwatchError extends Error {
  readonly code: string;
  readonly location: SourceLocation | undefined;

  constructor(code: string, message: string, options: ExecwatchErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ExecwatchError';
    this.code = code;
    this.location = options.location;
  }

  /** `file:line:column: message`, with the parts that are known. */
  describe(): string {
    const where = formatLocation(this.location);
    return where === '' ? this.message : `${where}: ${this.message}`;
  }
}

export function formatLocation(location: SourceLocation | undefined): string {
  if (location === undefined) return '';
  const parts: string[] = [];
  if (location.file !== undefined) parts.push(location.file);
  if (location.line !== undefined) parts.push(String(location.line));
  if (location.line !== undefined && location.column !== undefined) {
    parts.push(String(location.column));
  }
  return parts.join(':');
}

/** The message of anything thrown, for logs and reports. */
export function describeError(error: unknown): string {
  if (error instanceof ExecwatchError) return error.describe();
  if (error instanceof Error) return error.message;
  return String(error);
}
