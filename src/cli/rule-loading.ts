/**
 * Loads the rule set a command runs with (`--rules PATH`, repeatable, plus the built-in pack
 * unless `--no-builtin-rules`) and reports rules in error on stderr with file, line, column and
 * a caret. A command goes on with the rules that loaded; the caller decides the exit status.
 */
import { EqlError } from '../eql/index.js';
import { loadRules } from '../rules/index.js';
import type { LoadedRule, RuleReport } from '../rules/index.js';
import type { CliContext } from './context.js';

export interface RuleSelection {
  rules?: string[];
  builtinRules?: boolean;
}

export interface LoadedRuleSet {
  rules: LoadedRule[];
  reports: RuleReport[];
  errorCount: number;
}

export async function loadSelectedRules(
  selection: RuleSelection,
  context: CliContext,
): Promise<LoadedRuleSet> {
  const { rules, reports } = await loadRules({
    paths: selection.rules ?? [],
    builtin: selection.builtinRules !== false,
  });

  const errors = reports.filter((report) => report.status === 'error');
  for (const report of errors) context.stderr.write(`execwatch: ${describeRuleError(report)}\n`);
  return { rules, reports, errorCount: errors.length };
}

export function describeRuleError(report: RuleReport): string {
  const error = report.error;
  if (error === undefined) return `${report.file}: ${report.reason ?? 'rule could not be loaded'}`;

  // A query error carries its caret drawing; rules read from JSON wrap it as the cause.
  const rendered = [error, error.cause].find(isRenderable);
  return rendered === undefined ? error.describe() : rendered.render();
}

function isRenderable(value: unknown): value is EqlError {
  return value instanceof EqlError;
}

/** Commander's collector for a repeatable option. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
