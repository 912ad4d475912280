/**
 * The one shape of a rule inside execwatch, and the conversion into it from the raw rule object
 * that every format carries. detection-rules TOML (the `[rule]` table), Kibana's export and
 * plain JSON all spell a rule with the same snake_case keys (`rule_id`, `risk_score`,
 * `max_signals`, `threat`, …), so one reader serves them all; the format modules only find the
 * object and where it sits in its file.
 *
 * Invariant: `readRuleFields` never throws. It returns either the fields or a list of problems,
 * each naming the offending key and what was expected, so a report can say all that is wrong
 * with a rule at once.
 */
import type { CompiledQuery } from '../eql/index.js';
import type { ExecwatchError } from '../shared/errors.js';
import type { CompiledExceptionItem } from './exceptions.js';

export type Severity = 'low' | 'medium' | 'high' | 'critical';

/** One MITRE ATT&CK (or other framework) mapping, as `[[rule.threat]]` spells it. */
export interface ThreatMapping {
  framework: string;
  tactic: { id: string; name: string; reference: string };
  technique: Array<{
    id: string;
    name: string;
    reference: string;
    subtechnique: Array<{ id: string; name: string; reference: string }>;
  }>;
}

/**
 * Alert suppression as Kibana's `alert_suppression`: alerts whose `groupBy` fields have the same
 * values within `durationMs` of the first one are counted instead of sent. An empty `groupBy`
 * groups all alerts of the rule together.
 */
export interface SuppressionConfig {
  groupBy: readonly string[];
  durationMs: number;
  /** `suppress`: events missing a group-by field share one group; `doNotSuppress`: never held. */
  missingFields: 'suppress' | 'doNotSuppress';
}

/** The metadata every rule format spells the same way; it reaches every alert. */
export interface RuleMetadata {
  ruleId: string;
  name: string;
  description: string;
  severity: Severity;
  riskScore: number;
  references: string[];
  author: string[];
  license: string | null;
  version: number | null;
  tags: string[];
  threat: ThreatMapping[];
  /** Most alerts per `intervalMs` window (Kibana: per rule execution). */
  maxSignals: number;
  intervalMs: number;
  /** The rule's `index` patterns, kept for reports; execwatch evaluates every event. */
  index: string[];
  /** `list_id`s of the exception lists the rule references (`exceptions_list`). */
  exceptionListIds: string[];
  suppression: SuppressionConfig | null;
}

/** A rule that compiled and can be handed to the detection engine. */
export interface LoadedRule extends RuleMetadata {
  language: 'eql';
  query: string;
  compiled: CompiledQuery;
  origin: { file: string; line?: number };
  /** True for the rules shipped in execwatch's own pack. */
  builtin: boolean;
  /** Compiled exception items: an event (or sequence) matching any of them raises no alert. */
  exceptions: readonly CompiledExceptionItem[];
  /** Event categories the query needs that execwatch never produces (e.g. `network`). */
  categoriesUnavailable: string[];
}

/** What `rules check` says about one rule (or one unreadable file). */
export interface RuleReport {
  file: string;
  rule_id: string | null;
  name: string | null;
  status: 'ok' | 'unsupported' | 'error';
  reason: string | null;
  error?: ExecwatchError;
}

/** The metadata of a rule before its query is compiled. */
export interface RuleFields extends RuleMetadata {
  type: string;
  language: string | null;
  query: string | null;
  enabled: boolean;
  /** Kibana query DSL filters that are not disabled; execwatch cannot evaluate them. */
  activeFilterCount: number;
}

export type RuleFieldsResult =
  | { ok: true; fields: RuleFields }
  | { ok: false; ruleId: string | null; name: string | null; problems: string[] };

export const DEFAULT_MAX_SIGNALS = 100;
export const DEFAULT_INTERVAL_MS = 5 * 60_000;

const SEVERITIES: readonly Severity[] = ['low', 'medium', 'high', 'critical'];

const DURATION_UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

type Raw = Record<string, unknown>;

/** Reads a raw rule object (snake_case keys, as all of Elastic's formats spell them). */
export function readRuleFields(raw: Raw): RuleFieldsResult {
  const problems: string[] = [];
  const read = createReader(raw, problems);

  const ruleId = read.string('rule_id');
  const name = read.string('name');
  const fields: RuleFields = {
    ruleId: ruleId ?? '',
    name: name ?? '',
    description: read.optionalString('description') ?? '',
    type: read.string('type') ?? '',
    language: read.optionalString('language'),
    query: read.optionalString('query'),
    severity: readSeverity(raw.severity, problems),
    riskScore: readRiskScore(raw.risk_score, problems),
    references: read.stringList('references'),
    author: read.stringList('author'),
    license: read.optionalString('license'),
    version: readOptionalInteger(raw.version, 'version', problems),
    tags: read.stringList('tags'),
    threat: readThreat(raw.threat, problems),
    maxSignals:
      readOptionalInteger(raw.max_signals, 'max_signals', problems) ?? DEFAULT_MAX_SIGNALS,
    intervalMs: readInterval(raw.interval, problems),
    index: read.stringList('index'),
    enabled: raw.enabled !== false,
    exceptionListIds: readExceptionListIds(raw.exceptions_list, problems),
    suppression: readSuppression(raw.alert_suppression, problems),
    activeFilterCount: countActiveFilters(raw.filters),
  };

  if (problems.length > 0) return { ok: false, ruleId, name, problems };
  return { ok: true, fields };
}

/** `"5m"` → 300000. Returns null for anything but an integer and a unit of ms, s, m, h or d. */
export function parseDurationMs(text: string): number | null {
  const match = /^(\d+)(ms|s|m|h|d)$/.exec(text.trim());
  if (match === null) return null;
  const unitMs = DURATION_UNIT_MS[match[2] ?? ''];
  return unitMs === undefined ? null : Number(match[1]) * unitMs;
}

function createReader(raw: Raw, problems: string[]) {
  return {
    string(key: string): string | null {
      const value = raw[key];
      if (typeof value === 'string' && value.trim() !== '') return value;
      problems.push(`\`${key}\` is required and must be a non-empty string`);
      return null;
    },
    optionalString(key: string): string | null {
      const value = raw[key];
      if (value === undefined || value === null) return null;
      if (typeof value === 'string') return value;
      problems.push(`\`${key}\` must be a string`);
      return null;
    },
    stringList(key: string): string[] {
      const value = raw[key];
      if (value === undefined || value === null) return [];
      if (typeof value === 'string') return [value];
      if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value;
      problems.push(`\`${key}\` must be a list of strings`);
      return [];
    },
  };
}

function readSeverity(value: unknown, problems: string[]): Severity {
  if (typeof value === 'string' && (SEVERITIES as readonly string[]).includes(value)) {
    return value as Severity;
  }
  problems.push(`\`severity\` must be one of ${SEVERITIES.join(', ')}`);
  return 'low';
}

function readRiskScore(value: unknown, problems: string[]): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 100) {
    return value;
  }
  problems.push('`risk_score` is required and must be an integer from 0 to 100');
  return 0;
}

function readOptionalInteger(value: unknown, key: string, problems: string[]): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  problems.push(`\`${key}\` must be a non-negative integer`);
  return null;
}

function readInterval(value: unknown, problems: string[]): number {
  if (value === undefined || value === null) return DEFAULT_INTERVAL_MS;
  const ms = typeof value === 'string' ? parseDurationMs(value) : null;
  if (ms !== null && ms > 0) return ms;
  problems.push('`interval` must be a duration such as "5m" (units ms, s, m, h, d)');
  return DEFAULT_INTERVAL_MS;
}

function readThreat(value: unknown, problems: string[]): ThreatMapping[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    problems.push('`threat` must be a list of tables');
    return [];
  }
  return value.map((entry: unknown) => {
    const threat = isRecord(entry) ? entry : {};
    const techniques = Array.isArray(threat.technique) ? threat.technique : [];
    return {
      framework: stringOr(threat.framework, 'MITRE ATT&CK'),
      tactic: readReference(threat.tactic),
      technique: techniques.map((technique: unknown) => {
        const subtechniques =
          isRecord(technique) && Array.isArray(technique.subtechnique)
            ? technique.subtechnique
            : [];
        return { ...readReference(technique), subtechnique: subtechniques.map(readReference) };
      }),
    };
  });
}

function readReference(value: unknown): { id: string; name: string; reference: string } {
  const entry = isRecord(value) ? value : {};
  return {
    id: stringOr(entry.id, ''),
    name: stringOr(entry.name, ''),
    reference: stringOr(entry.reference, ''),
  };
}

function readExceptionListIds(value: unknown, problems: string[]): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    problems.push('`exceptions_list` must be a list of {list_id, namespace_type, type} objects');
    return [];
  }
  const ids: string[] = [];
  for (const entry of value) {
    if (isRecord(entry) && typeof entry.list_id === 'string') ids.push(entry.list_id);
    else problems.push('every `exceptions_list` entry needs a string `list_id`');
  }
  return ids;
}

/**
 * `alert_suppression` as Kibana stores it: `group_by`, `duration {value, unit}` and
 * `missing_fields_strategy`. Without a duration Kibana suppresses per rule execution; execwatch
 * has no executions, so that case takes the rule's interval (filled in by the caller).
 */
function readSuppression(value: unknown, problems: string[]): SuppressionConfig | null {
  if (value === undefined || value === null) return null;
  if (!isRecord(value)) {
    problems.push('`alert_suppression` must be a table');
    return null;
  }

  const groupBy = Array.isArray(value.group_by)
    ? value.group_by.filter((field): field is string => typeof field === 'string')
    : [];
  const missingFields =
    value.missing_fields_strategy === 'doNotSuppress' ? 'doNotSuppress' : 'suppress';
  let durationMs = 0;
  if (isRecord(value.duration)) {
    const ms = parseDurationMs(`${String(value.duration.value)}${String(value.duration.unit)}`);
    if (ms === null)
      problems.push('`alert_suppression.duration` needs an integer value and a unit');
    else durationMs = ms;
  }
  return { groupBy, durationMs, missingFields };
}

function countActiveFilters(value: unknown): number {
  if (!Array.isArray(value)) return 0;
  return value.filter(
    (filter) => !(isRecord(filter) && isRecord(filter.meta) && filter.meta.disabled === true),
  ).length;
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}

export function isRecord(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
