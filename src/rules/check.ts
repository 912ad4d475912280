/**
 * Decides what becomes of one rule candidate: a loaded rule, or a report of why not. The
 * verdicts, in the order they are tried:
 * - `error`: the metadata is invalid (each problem named) or the query does not compile (file,
 *   line and column in the rule file, with a caret rendering);
 * - `unsupported`: a rule type other than EQL, a disabled rule, Kibana query DSL `filters`, or
 *   EQL that Elasticsearch accepts but execwatch does not run (the EQL engine says which);
 * - `unsupported` but loaded: an EQL rule that needs event categories execwatch never produces
 *   on a Mac (only `process` events exist). It compiles and stays in the rule set, because a
 *   recording in ECS form may still carry such events, and the report says it "can never fire"
 *   on the live agent, naming the category. A sequence that needs such a category in a positive
 *   step can never complete; in a missing-event (`![…]`) or `until` step it does no harm.
 * - `ok` otherwise.
 */
import type { Query } from '../eql/ast.js';
import { compileQuery, EqlError } from '../eql/index.js';
import type { CompiledQuery } from '../eql/index.js';
import { ExecwatchError } from '../shared/errors.js';
import type { CompiledExceptionItem } from './exceptions.js';
import { readRuleFields } from './rule-model.js';
import type { LoadedRule, RuleFields, RuleReport, SuppressionConfig } from './rule-model.js';
import type { RuleCandidate } from './rule-source.js';

/** The event categories execwatch's normalizer emits. */
export const PRODUCED_CATEGORIES: ReadonlySet<string> = new Set(['process']);

const UNSUPPORTED_TYPES: Readonly<Record<string, string>> = {
  query: 'KQL/Lucene query rules',
  saved_query: 'saved-query rules',
  esql: 'ES|QL rules',
  threshold: 'threshold rules (they count events in Elasticsearch)',
  new_terms: 'new-terms rules (they need the history kept in Elasticsearch)',
  machine_learning: 'machine-learning rules (they read anomaly-detection jobs)',
  threat_match: 'indicator-match rules (they need threat-intel indices)',
};

export interface CheckContext {
  /** The compiled exception items for a rule, from its `exceptions_list` and global lists. */
  exceptionsFor(fields: RuleFields): CompiledExceptionItem[];
  /** A suppression set in configuration for this rule id; it wins over the rule's own. */
  suppressionFor(ruleId: string): SuppressionConfig | null;
}

export interface CheckResult {
  rule: LoadedRule | null;
  report: RuleReport;
}

/** Checks and compiles one rule candidate. Never throws. */
export function checkCandidate(candidate: RuleCandidate, context: CheckContext): CheckResult {
  const read = readRuleFields(candidate.raw);
  if (!read.ok) {
    const message = `Rule is not valid: ${read.problems.join('; ')}`;
    const error = new ExecwatchError('RULE_INVALID', message, { location: locationOf(candidate) });
    return { rule: null, report: reportOf(candidate, read.ruleId, read.name, 'error', error) };
  }

  const fields = read.fields;
  const refusal = reasonNotToRun(fields);
  if (refusal !== null) {
    const report = reportOf(candidate, fields.ruleId, fields.name, 'unsupported', refusal);
    return { rule: null, report };
  }

  const compiled = compileRuleQuery(candidate, fields.query ?? '');
  if (compiled instanceof ExecwatchError) {
    const status = compiled.code === 'EQL_UNSUPPORTED' ? 'unsupported' : 'error';
    return {
      rule: null,
      report: reportOf(candidate, fields.ruleId, fields.name, status, compiled),
    };
  }

  const rule = buildLoadedRule(candidate, fields, compiled, context);
  const reason = unreachableReason(rule.categoriesUnavailable);
  const status = reason === null ? 'ok' : 'unsupported';
  return { rule, report: reportOf(candidate, fields.ruleId, fields.name, status, reason) };
}

function reasonNotToRun(fields: RuleFields): string | null {
  if (fields.type !== 'eql') {
    const kind = UNSUPPORTED_TYPES[fields.type] ?? `rules of type '${fields.type}'`;
    const type = `rule type '${fields.type}'`;
    return `${type} is not supported: execwatch runs EQL rules only, not ${kind}`;
  }
  if (fields.language !== null && fields.language !== 'eql') {
    return `language '${fields.language}' is not supported: execwatch runs EQL rules only`;
  }
  if (!fields.enabled) return 'rule is disabled (enabled = false)';
  if (fields.activeFilterCount > 0) {
    return (
      `rule has ${fields.activeFilterCount} Kibana query DSL filter(s) (\`filters\`), ` +
      'which execwatch cannot evaluate; running the query without them would over-alert'
    );
  }
  return null;
}

/** The compiled query, or the error re-based into the rule file. */
function compileRuleQuery(candidate: RuleCandidate, query: string): CompiledQuery | ExecwatchError {
  if (query.trim() === '') {
    const message = 'Rule is not valid: `query` is required for an EQL rule';
    return new ExecwatchError('RULE_INVALID', message, { location: locationOf(candidate) });
  }

  try {
    return compileQuery(query);
  } catch (error) {
    if (!(error instanceof EqlError)) throw error;
    return rebaseQueryError(candidate, error);
  }
}

/**
 * TOML literal strings hold the query verbatim, so positions shift by where it starts. JSON
 * escapes move columns, so there the error points at the rule's line and the message says where
 * in the query the problem is; the caret rendering (`cause`) is drawn over the query itself.
 */
function rebaseQueryError(candidate: RuleCandidate, error: EqlError): ExecwatchError {
  if (candidate.queryStart !== null) {
    const { line, column } = candidate.queryStart;
    return error.withSource(candidate.file, line - 1, column - 1);
  }

  const { line, column } = error.span.start;
  const message = `${error.message} (in the query, line ${line}, column ${column})`;
  return new ExecwatchError(error.code, message, {
    location: locationOf(candidate),
    cause: error,
  });
}

function buildLoadedRule(
  candidate: RuleCandidate,
  fields: RuleFields,
  compiled: CompiledQuery,
  context: CheckContext,
): LoadedRule {
  const ruleSuppression = fields.suppression;
  const suppression =
    context.suppressionFor(fields.ruleId) ??
    (ruleSuppression === null
      ? null
      : { ...ruleSuppression, durationMs: ruleSuppression.durationMs || fields.intervalMs });

  return {
    ruleId: fields.ruleId,
    name: fields.name,
    description: fields.description,
    severity: fields.severity,
    riskScore: fields.riskScore,
    references: fields.references,
    author: fields.author,
    license: fields.license,
    version: fields.version,
    tags: fields.tags,
    threat: fields.threat,
    maxSignals: fields.maxSignals,
    intervalMs: fields.intervalMs,
    index: fields.index,
    language: 'eql',
    query: fields.query ?? '',
    compiled,
    origin: candidate.line === undefined ? { file: candidate.file } : locationOf(candidate),
    builtin: candidate.builtin,
    exceptionListIds: fields.exceptionListIds,
    exceptions: context.exceptionsFor(fields),
    suppression,
    categoriesUnavailable: unavailableCategories(compiled.ast),
  };
}

/** Categories a query needs (in its event query or positive sequence steps) that never occur. */
export function unavailableCategories(ast: Query): string[] {
  const body = ast.body;
  const needed =
    body.type === 'EventQuery'
      ? [body.category]
      : body.steps.filter((step) => !step.missing).map((step) => step.query.category);

  const missing = new Set<string>();
  for (const category of needed) {
    if (category !== null && !PRODUCED_CATEGORIES.has(category)) missing.add(category);
  }
  return [...missing];
}

function unreachableReason(categories: string[]): string | null {
  if (categories.length === 0) return null;
  const names = categories.map((category) => `'${category}'`).join(', ');
  return `can never fire: execwatch produces no ${names} events (only 'process')`;
}

function reportOf(
  candidate: RuleCandidate,
  ruleId: string | null,
  name: string | null,
  status: RuleReport['status'],
  detail: string | ExecwatchError | null,
): RuleReport {
  const report: RuleReport = { file: candidate.file, rule_id: ruleId, name, status, reason: null };
  if (detail instanceof ExecwatchError) {
    report.reason = detail.message;
    report.error = detail;
  } else {
    report.reason = detail;
  }
  return report;
}

function locationOf(candidate: RuleCandidate): { file: string; line?: number } {
  return candidate.line === undefined
    ? { file: candidate.file }
    : { file: candidate.file, line: candidate.line };
}
