/**
 * What a format reader hands to the rule checker: the raw rule object, the file it came from and
 * where in that file the query text starts, so an EQL error can point into the rule file.
 */
import { ExecwatchError } from '../shared/errors.js';
import type { RuleReport } from './rule-model.js';

export interface RuleCandidate {
  file: string;
  /** The line where the rule starts (NDJSON line, JSON array element), when known. */
  line?: number;
  raw: Record<string, unknown>;
  /**
   * The file position of the query's first character when the query is stored verbatim (TOML
   * literal strings); null otherwise (JSON escapes), and errors then point at `line`.
   */
  queryStart: { line: number; column: number } | null;
  builtin: boolean;
}

/** A report for a file (or a part of one) that holds no readable rule. */
export function fileErrorReport(
  file: string,
  code: string,
  message: string,
  location: { line?: number; column?: number } = {},
  cause?: unknown,
): RuleReport {
  const error = new ExecwatchError(code, message, {
    location: { file, ...location },
    ...(cause === undefined ? {} : { cause }),
  });
  return { file, rule_id: null, name: null, status: 'error', reason: message, error };
}
