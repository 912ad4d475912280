/**
 * Builds the ECS alert document for one detection: the rule's metadata (`rule.*`, `threat.*`,
 * severity and risk), the matched event's process, user, group and host fields, and who raised
 * it (`agent.*`). Only ECS fields leave here: extensions such as `process.Ext.*`, which
 * Elastic's rules may read on events, are dropped so every collector can map the alert.
 *
 * For a sequence the alert describes its last event; the earlier ones are named by entity id in
 * `message`. The alert's `event.id` is deterministic (rule id + the events' identities), so a
 * resend after a crash is recognizably the same alert.
 */
import { createHash } from 'node:crypto';

import type { Detection } from '../detect/index.js';
import type { LoadedRule, ThreatMapping } from '../rules/index.js';
import type { EcsDocument, JsonValue } from '../shared/types.js';

/** The ECS version our documents follow; a test keeps it equal to `@elastic/ecs`'s. */
export const ECS_VERSION = '9.4.0';

export interface AgentInfo {
  id: string;
  name: string;
  version: string;
}

export interface AlertContext {
  agent: AgentInfo;
  /** When the alert is raised; `event.created`. */
  now: () => Date;
}

/** Kibana's default risk for each severity, used as the numeric `event.severity`. */
const SEVERITY_SCORE: Record<LoadedRule['severity'], number> = {
  low: 21,
  medium: 47,
  high: 73,
  critical: 99,
};

/** Event fields an alert carries over, as long as they are ECS. */
const CARRIED_FIELDS = ['@timestamp', 'process', 'user', 'group', 'host'] as const;

export function buildAlert(detection: Detection, context: AlertContext): EcsDocument {
  const { rule, events } = detection;
  const last = events[events.length - 1] ?? {};
  const alert: EcsDocument = {};

  for (const field of CARRIED_FIELDS) {
    const value = last[field];
    if (value !== undefined) alert[field] = stripExtensions(value);
  }

  alert['@timestamp'] ??= context.now().toISOString();
  alert.message = describeDetection(detection);
  alert.ecs = { version: ECS_VERSION };
  alert.event = buildEventSection(detection, last, context);
  alert.rule = buildRuleSection(rule);
  const threat = buildThreatSection(rule.threat);
  if (threat !== null) alert.threat = threat;
  alert.agent = {
    id: context.agent.id,
    name: context.agent.name,
    type: 'execwatch',
    version: context.agent.version,
  };
  alert.observer = { vendor: 'execwatch', product: 'execwatch', type: 'endpoint' };
  alert.tags = rule.tags;
  return alert;
}

function buildEventSection(detection: Detection, last: EcsDocument, context: AlertContext) {
  const { rule } = detection;
  const source = asObject(last.event);
  const section: { [key: string]: JsonValue } = {
    kind: 'alert',
    category: source?.category ?? ['process'],
    type: ['info'],
    id: computeAlertId(detection),
    created: context.now().toISOString(),
    severity: SEVERITY_SCORE[rule.severity],
    risk_score: rule.riskScore,
    risk_score_norm: rule.riskScore,
    dataset: 'execwatch.alerts',
    module: 'execwatch',
    provider: 'execwatch',
    reason: `${rule.name} matched ${describeProcess(last)}`,
  };
  if (typeof source?.action === 'string') section.action = source.action;
  if (detection.suppressedCount > 0) {
    // ECS has no field for "N similar alerts were held back"; `event.duration`-like fields do
    // not fit, so the count travels in the reason and message, where a person reads it.
    section.reason += ` (${detection.suppressedCount} similar alerts suppressed)`;
  }
  return section;
}

function buildRuleSection(rule: LoadedRule): { [key: string]: JsonValue } {
  const section: { [key: string]: JsonValue } = {
    id: rule.ruleId,
    uuid: rule.ruleId,
    name: rule.name,
    description: rule.description,
    author: rule.author,
    ruleset: rule.builtin ? 'execwatch-builtin' : 'custom',
    category: 'EQL',
  };
  // ECS `rule.reference` is a single keyword: the first reference is the rule's documentation.
  const reference = rule.references[0];
  if (reference !== undefined) section.reference = reference;
  if (rule.license !== null) section.license = rule.license;
  if (rule.version !== null) section.version = String(rule.version);
  return section;
}

/** `threat.*` as ECS lays it out: one object, each leaf an array aligned across mappings. */
function buildThreatSection(mappings: ThreatMapping[]): { [key: string]: JsonValue } | null {
  if (mappings.length === 0) return null;

  const techniques = mappings.flatMap((m) => m.technique);
  const subtechniques = techniques.flatMap((t) => t.subtechnique);
  const threat: { [key: string]: JsonValue } = {
    framework: mappings[0]?.framework ?? 'MITRE ATT&CK',
    tactic: pickIds(mappings.map((m) => m.tactic)),
  };
  if (techniques.length > 0) {
    const technique: { [key: string]: JsonValue } = pickIds(techniques);
    if (subtechniques.length > 0) technique.subtechnique = pickIds(subtechniques);
    threat.technique = technique;
  }
  return threat;
}

function pickIds(entries: Array<{ id: string; name: string; reference: string }>) {
  return {
    id: entries.map((e) => e.id),
    name: entries.map((e) => e.name),
    reference: entries.map((e) => e.reference),
  };
}

function describeDetection(detection: Detection): string {
  const last = detection.events[detection.events.length - 1] ?? {};
  const base = `${detection.rule.name}: ${describeProcess(last)}`;
  const extra: string[] = [];
  if (detection.events.length > 1) extra.push(`sequence of ${detection.events.length} events`);
  if (detection.suppressedCount > 0) {
    extra.push(`${detection.suppressedCount} similar alerts suppressed`);
  }
  return extra.length === 0 ? base : `${base} (${extra.join('; ')})`;
}

function describeProcess(event: EcsDocument): string {
  const process = asObject(event.process);
  const name = typeof process?.name === 'string' ? process.name : 'unknown process';
  const pid = typeof process?.pid === 'number' ? ` (pid ${process.pid})` : '';
  return `${name}${pid}`;
}

/** Stable across resends: the rule and the identities of the matched events. */
export function computeAlertId(detection: Detection): string {
  const hash = createHash('sha256').update(detection.rule.ruleId);
  for (const event of detection.events) {
    const process = asObject(event.process);
    const eventSection = asObject(event.event);
    hash.update('\0');
    hash.update(String(eventSection?.id ?? ''));
    hash.update('\0');
    hash.update(String(process?.entity_id ?? ''));
    hash.update('\0');
    hash.update(String(event['@timestamp'] ?? ''));
  }
  return hash.digest('hex').slice(0, 32);
}

/** Drops `Ext` subtrees (Elastic Defend's non-ECS extensions) at any depth. */
function stripExtensions(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(stripExtensions);
  if (value === null || typeof value !== 'object') return value;

  const copy: { [key: string]: JsonValue } = {};
  for (const [key, child] of Object.entries(value)) {
    if (key !== 'Ext') copy[key] = stripExtensions(child);
  }
  return copy;
}

function asObject(value: JsonValue | undefined): { [key: string]: JsonValue } | null {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : null;
}
