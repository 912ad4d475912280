/**
 * Public surface of `rules`: loading rules as detection engineers keep them (detection-rules
 * TOML, Kibana export NDJSON, JSON), the built-in pack, exceptions in Kibana's format, the
 * per-rule compatibility report behind `rules check`, and the test runner behind `rules test`.
 */
export { builtinRulesDir } from './builtin.js';
export { PRODUCED_CATEGORIES, unavailableCategories } from './check.js';
export { rulesConfigSchema } from './config-schema.js';
export type { RulesConfig, RulesConfigInput } from './config-schema.js';
export { compileExceptionLists, compileWildcard, exceptionItemSchema } from './exceptions.js';
export type {
  CompiledExceptionItem,
  ExceptionEntry,
  ExceptionItem,
  ExceptionItemInput,
  ExceptionList,
} from './exceptions.js';
export { readFieldValues } from './field-values.js';
export { ruleLoadOptionsFromConfig } from './from-config.js';
export { loadExceptionFiles, loadRules } from './load-rules.js';
export type { LoadedRuleSet, LoadRulesOptions } from './load-rules.js';
export { DEFAULT_INTERVAL_MS, DEFAULT_MAX_SIGNALS, parseDurationMs } from './rule-model.js';
export type {
  LoadedRule,
  RuleReport,
  Severity,
  SuppressionConfig,
  ThreatMapping,
} from './rule-model.js';
export { formatJunitXml } from './junit.js';
export { findTestFiles, formatTestReport, runRuleTests } from './rule-test-runner.js';
export type {
  CaseResult,
  RecordedDetection,
  RecordingRunner,
  RuleTestSummary,
  TestFileResult,
} from './rule-test-runner.js';
