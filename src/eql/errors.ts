/**
 * EQL errors: one class for syntax, unsupported-feature and semantic errors, told apart by a
 * stable `code`. Each error keeps the query text and the span it points at, so it can render the
 * offending source line with a caret underneath, the way a compiler does.
 *
 * Positions in the span are relative to the query text. A query usually sits inside a rule file
 * (a TOML string), so the loader calls `withSource(file, lineOffset, columnOffset)` to move the
 * reported location into the file; the rendered excerpt still comes from the query text.
 */

import { ExecwatchError, formatLocation } from '../shared/errors.js';
import type { Span } from './ast.js';

/** The query is not well-formed EQL. */
export const EQL_SYNTAX = 'EQL_SYNTAX';
/** Well-formed EQL that Elasticsearch or execwatch does not run (samples, joins, other pipes). */
export const EQL_UNSUPPORTED = 'EQL_UNSUPPORTED';
/** Well-formed EQL that is wrong in meaning (unknown function, wrong argument type, …). */
export const EQL_SEMANTIC = 'EQL_SEMANTIC';

/** Where the query text sits inside the file it was read from. */
export interface EqlSourceOrigin {
  file: string;
  /** Added to every line number: the file line of the query's first line, minus one. */
  lineOffset: number;
  /** Added to columns on the query's first line only (the text before the query on that line). */
  columnOffset: number;
}

export class EqlError extends ExecwatchError {
  readonly span: Span;
  readonly hint: string | undefined;
  /** The complete query text the span points into. */
  readonly sourceText: string;
  readonly origin: EqlSourceOrigin | undefined;

  /**
   * @param code a stable code such as `EQL_SYNTAX`, `EQL_UNSUPPORTED` or `EQL_SEMANTIC`
   * @param message one sentence, naming what was expected and what was found
   * @param span the part of `sourceText` the error is about (may be empty, e.g. at the end)
   * @param sourceText the whole query text
   * @param hint what the author probably meant, if known
   */
  constructor(
    code: string,
    message: string,
    span: Span,
    sourceText: string,
    hint?: string,
    origin?: EqlSourceOrigin,
  ) {
    super(code, message, { location: locate(span, origin) });
    this.name = 'EqlError';
    this.span = span;
    this.hint = hint;
    this.sourceText = sourceText;
    this.origin = origin;
  }

  /** The same error, located in `file` where the query starts at `lineOffset + 1`. */
  withSource(file: string, lineOffset: number, columnOffset = 0): EqlError {
    const origin = { file, lineOffset, columnOffset };
    return new EqlError(this.code, this.message, this.span, this.sourceText, this.hint, origin);
  }

  /**
   * `file:line:col: message`, the source line, a caret under the span (`^~~~`), and
   * `hint: …` when there is one. Lines end with `\n` except the last.
   */
  render(): string {
    const lines = [`${formatLocation(this.location)}: ${this.message}`];
    const { text, caret } = excerpt(this.sourceText, this.span);
    lines.push(text, caret);
    if (this.hint !== undefined) lines.push(`hint: ${this.hint}`);
    return lines.join('\n');
  }
}

function locate(span: Span, origin: EqlSourceOrigin | undefined) {
  const { line, column } = span.start;
  if (origin === undefined) return { line, column };

  const fileColumn = line === 1 ? column + origin.columnOffset : column;
  return { file: origin.file, line: line + origin.lineOffset, column: fileColumn };
}

/**
 * The source line the span starts on, and a caret line under it. A span reaching past the end
 * of its first line is underlined to the end of that line. Tabs before the span are kept in the
 * caret line so the caret stays aligned however the terminal expands them.
 */
function excerpt(sourceText: string, span: Span): { text: string; caret: string } {
  const lineStart = span.start.offset - (span.start.column - 1);
  let lineEnd = sourceText.indexOf('\n', lineStart);
  if (lineEnd === -1) lineEnd = sourceText.length;
  const text = sourceText.slice(lineStart, lineEnd).replace(/\r$/, '');

  const before = text.slice(0, span.start.column - 1).replace(/[^\t]/g, ' ');
  const spanEnd = Math.min(span.end.offset, lineStart + text.length);
  const width = Math.max(1, spanEnd - span.start.offset);
  return { text, caret: before + '^' + '~'.repeat(width - 1) };
}
