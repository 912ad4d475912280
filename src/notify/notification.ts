/**
 * What a notification says, taken from an ECS alert: the rule's name as the title and the
 * process that matched as the body. Process arguments are attacker-controlled; they are kept as
 * text (never interpreted here or by any backend) and only cut to what Notification Center shows.
 */
import type { EcsDocument, JsonValue } from '../shared/types.js';
import type { Severity } from './config-schema.js';

/** One notification, ready for a backend. */
export interface Notification {
  ruleId: string;
  ruleName: string;
  severity: Severity;
  title: string;
  body: string;
}

export interface TextLimits {
  maxTitleChars: number;
  maxBodyChars: number;
}

/** Builds the notification for an alert document (nested ECS, as `src/alerts` builds it). */
export function notificationFromAlert(alert: EcsDocument, limits: TextLimits): Notification {
  const rule = objectAt(alert, 'rule');
  const ruleName = stringAt(rule, 'name') ?? 'Unnamed rule';
  const ruleId = stringAt(rule, 'id') ?? ruleName;
  const severity = severityOf(alert);

  return {
    ruleId,
    ruleName,
    severity,
    title: truncateText(`${capitalize(severity)}: ${ruleName}`, limits.maxTitleChars),
    body: truncateText(describeProcess(alert), limits.maxBodyChars),
  };
}

/**
 * Cuts text to `maxChars` characters (code points, so an emoji is never split), ending with an
 * ellipsis when cut. A NUL cannot travel in a process argument, so it becomes U+FFFD.
 */
export function truncateText(text: string, maxChars: number): string {
  const clean = text.replaceAll('\u0000', '\uFFFD');
  const characters = Array.from(clean);
  if (characters.length <= maxChars) return clean;
  return `${characters.slice(0, maxChars - 1).join('')}…`;
}

/** The severity label from the alert's numeric `event.severity` (Kibana's default scores). */
function severityOf(alert: EcsDocument): Severity {
  const score = objectAt(alert, 'event')?.severity;
  if (typeof score !== 'number') return 'medium';
  if (score >= 99) return 'critical';
  if (score >= 73) return 'high';
  if (score >= 47) return 'medium';
  return 'low';
}

function describeProcess(alert: EcsDocument): string {
  const process = objectAt(alert, 'process');
  const commandLine = stringAt(process, 'command_line') ?? joinArgs(process?.args);
  const name = stringAt(process, 'name') ?? stringAt(process, 'executable') ?? 'unknown process';
  const pid = typeof process?.pid === 'number' ? ` (pid ${process.pid})` : '';
  return commandLine === null ? `${name}${pid}` : `${name}${pid}: ${commandLine}`;
}

function joinArgs(args: JsonValue | undefined): string | null {
  if (!Array.isArray(args)) return null;
  return args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg))).join(' ');
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function objectAt(
  parent: { [key: string]: JsonValue } | null | undefined,
  key: string,
): { [key: string]: JsonValue } | null {
  const value = parent?.[key];
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : null;
}

function stringAt(parent: { [key: string]: JsonValue } | null, key: string): string | null {
  const value = parent?.[key];
  return typeof value === 'string' ? value : null;
}
