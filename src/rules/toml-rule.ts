/**
 * Rules in the format of Elastic's detection-rules repository: one TOML file per rule, with
 * `[metadata]`, `[rule]` (the rule object Kibana knows), `[[rule.threat]]` and its technique and
 * subtechnique tables, `[rule.alert_suppression]`, `[transform]` and others. smol-toml parses the
 * file; this module only finds the rule table and where its `query` starts in the file.
 *
 * A TOML parser reports no positions for values, so the query's start is found by scanning for
 * the `query =` key inside the `[rule]` table. For literal strings (`'''…'''`, the form the
 * repository uses) the mapping is exact; inside basic strings (`"""…"""`) an escape sequence
 * before the error shifts its column by the escape's length.
 */
import { parse, TomlError } from 'smol-toml';

import type { RuleReport } from './rule-model.js';
import { isRecord } from './rule-model.js';
import { fileErrorReport } from './rule-source.js';
import type { RuleCandidate } from './rule-source.js';

/** Reads one detection-rules TOML file: its rule, or a report saying why there is none. */
export function readTomlRuleFile(
  file: string,
  text: string,
  builtin: boolean,
): { candidates: RuleCandidate[]; reports: RuleReport[] } {
  let document: Record<string, unknown>;
  try {
    document = parse(text) as Record<string, unknown>;
  } catch (error) {
    return { candidates: [], reports: [tomlSyntaxReport(file, error)] };
  }

  const rule = document.rule;
  if (!isRecord(rule)) {
    const message = 'The file has no [rule] table; a detection-rules TOML file holds one rule';
    return { candidates: [], reports: [fileErrorReport(file, 'RULE_NO_RULE_TABLE', message)] };
  }

  const candidate: RuleCandidate = {
    file,
    raw: rule,
    queryStart: locateQuery(text),
    builtin,
  };
  const ruleLine = findTableLine(text, 'rule');
  if (ruleLine !== null) candidate.line = ruleLine;
  return { candidates: [candidate], reports: [] };
}

function tomlSyntaxReport(file: string, error: unknown): RuleReport {
  if (error instanceof TomlError) {
    const firstLine = error.message.split('\n')[0] ?? error.message;
    const message = `TOML syntax error: ${firstLine.replace(/^Invalid TOML document: /, '')}`;
    const location = { line: error.line, column: error.column };
    return fileErrorReport(file, 'RULE_TOML_SYNTAX', message, location, error);
  }
  return fileErrorReport(file, 'RULE_TOML_SYNTAX', `TOML syntax error: ${String(error)}`);
}

/** The 1-based line of `[name]`, or null. */
function findTableLine(text: string, name: string): number | null {
  const lines = text.split('\n');
  const index = lines.findIndex((line) => line.trim() === `[${name}]`);
  return index === -1 ? null : index + 1;
}

/** Where the value of `query` in the `[rule]` table starts (1-based); null if not found. */
export function locateQuery(text: string): { line: number; column: number } | null {
  const lines = text.split('\n');
  let table = '';

  for (let index = 0; index < lines.length; index += 1) {
    const line = (lines[index] ?? '').replace(/\r$/, '');
    const header = /^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$/.exec(line);
    if (header !== null) {
      table = header[1] ?? '';
      continue;
    }
    if (table !== 'rule') continue;

    const key = /^(\s*query\s*=\s*)('''|"""|'|")/.exec(line);
    if (key === null) continue;

    const afterDelimiter = (key[1] ?? '').length + (key[2] ?? '').length;
    const isMultiline = (key[2] ?? '').length === 3;
    // TOML drops a newline right after an opening multi-line delimiter.
    if (isMultiline && line.slice(afterDelimiter).trim() === '') {
      return { line: index + 2, column: 1 };
    }
    return { line: index + 1, column: afterDelimiter + 1 };
  }
  return null;
}
