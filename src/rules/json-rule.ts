/**
 * Rules as plain JSON: one rule object (as Kibana's rule API takes it) or an array of them. A
 * syntax error is reported at the line and column JSON.parse names.
 */
import type { RuleReport } from './rule-model.js';
import { isRecord } from './rule-model.js';
import { fileErrorReport } from './rule-source.js';
import type { RuleCandidate } from './rule-source.js';

/** Reads a JSON rule file: a rule object, or an array of rule objects. */
export function readJsonRuleFile(
  file: string,
  text: string,
  builtin: boolean,
): { candidates: RuleCandidate[]; reports: RuleReport[] } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const message = `JSON syntax error: ${(error as Error).message}`;
    const location = positionOfJsonError(text, error as Error);
    return {
      candidates: [],
      reports: [fileErrorReport(file, 'RULE_JSON_SYNTAX', message, location, error)],
    };
  }

  const elements = Array.isArray(value) ? value : [value];
  const candidates: RuleCandidate[] = [];
  const reports: RuleReport[] = [];
  elements.forEach((element: unknown, index) => {
    if (isRecord(element)) {
      candidates.push({ file, raw: element, queryStart: null, builtin });
      return;
    }
    const message = `Element ${index} is not a rule object`;
    reports.push(fileErrorReport(file, 'RULE_JSON_SHAPE', message));
  });
  return { candidates, reports };
}

/** Node's JSON.parse messages end with `(line L column C)` or `at position N`. */
function positionOfJsonError(text: string, error: Error): { line?: number; column?: number } {
  const lineColumn = /line (\d+) column (\d+)/.exec(error.message);
  if (lineColumn !== null) return { line: Number(lineColumn[1]), column: Number(lineColumn[2]) };

  const position = /position (\d+)/.exec(error.message);
  if (position === null) return {};
  const before = text.slice(0, Number(position[1]));
  const lines = before.split('\n');
  return { line: lines.length, column: (lines[lines.length - 1] ?? '').length + 1 };
}
