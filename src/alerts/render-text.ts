/**
 * The readable form of an alert for a person at a terminal (`execwatch replay` without
 * `--json`): a headline, when and where, the rule's ATT&CK mapping, and the process ancestry as
 * a short tree ending at the process that matched. Process arguments are attacker-controlled, so
 * control characters are shown escaped and never reach the terminal raw.
 */
import type { EcsDocument, JsonValue } from '../shared/types.js';

/** One process of the ancestry, oldest first. */
export interface AncestryEntry {
  pid: number | null;
  name: string | null;
  commandLine: string | null;
}

const MAX_COMMAND_COLUMNS = 100;

export function renderAlertText(alert: EcsDocument, ancestry: AncestryEntry[]): string {
  const rule = objectAt(alert, 'rule');
  const event = objectAt(alert, 'event');
  const host = objectAt(alert, 'host');
  const user = objectAt(alert, 'user');
  const lines: string[] = [];

  const severity = `risk ${String(event?.risk_score ?? '?')}`;
  lines.push(`ALERT  ${text(rule?.name)}  [${severity}]`);
  lines.push(`  when   ${text(alert['@timestamp'])}`);
  lines.push(
    `  host   ${text(host?.name ?? host?.hostname)}   user ${text(user?.name ?? user?.id)}`,
  );
  lines.push(`  rule   ${text(rule?.id)}`);

  const attack = describeAttack(objectAt(alert, 'threat'));
  if (attack !== null) lines.push(`  att&ck ${attack}`);

  lines.push('  process tree:');
  lines.push(...drawTree(ancestry, objectAt(alert, 'process')));
  return lines.join('\n');
}

function drawTree(ancestry: AncestryEntry[], process: Record<string, JsonValue> | null): string[] {
  const matched: AncestryEntry = {
    pid: typeof process?.pid === 'number' ? process.pid : null,
    name: typeof process?.name === 'string' ? process.name : null,
    commandLine: typeof process?.command_line === 'string' ? process.command_line : null,
  };
  const chain = [...ancestry, matched];

  return chain.map((entry, depth) => {
    const isMatch = depth === chain.length - 1;
    const indent = '    ' + '   '.repeat(Math.max(0, depth - 1));
    const branch = depth === 0 ? '' : isMatch ? '└─▶ ' : '└─ ';
    return `${indent}${branch}${describeEntry(entry)}`;
  });
}

function describeEntry(entry: AncestryEntry): string {
  const pid = entry.pid === null ? '?' : String(entry.pid);
  const label = entry.commandLine ?? entry.name ?? 'unknown';
  return `${truncate(escapeControl(label), MAX_COMMAND_COLUMNS)}  (pid ${pid})`;
}

function describeAttack(threat: Record<string, JsonValue> | null): string | null {
  const tactic = objectAt(threat, 'tactic');
  const technique = objectAt(threat, 'technique');
  const subtechnique = objectAt(technique, 'subtechnique');
  const parts = [tactic, technique, subtechnique]
    .map((level) => firstOf(level?.id))
    .filter((id): id is string => id !== null);
  return parts.length === 0 ? null : parts.join(' › ');
}

function objectAt(
  parent: Record<string, JsonValue> | null | undefined,
  key: string,
): Record<string, JsonValue> | null {
  const value = parent?.[key];
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : null;
}

function firstOf(value: JsonValue | undefined): string | null {
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first : null;
}

function text(value: JsonValue | undefined): string {
  if (value === undefined || value === null) return '-';
  return escapeControl(typeof value === 'string' ? value : JSON.stringify(value));
}

/** Shows C0/C1 control characters and DEL as \xNN so terminal escapes in arguments stay inert. */
function escapeControl(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => {
    return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
}

function truncate(value: string, maxColumns: number): string {
  return value.length <= maxColumns ? value : `${value.slice(0, maxColumns - 1)}…`;
}
