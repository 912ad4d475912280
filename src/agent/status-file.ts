/**
 * The agent's health report on disk: one JSON document that `execwatch status` reads. It is
 * written to a temporary file in the same directory and renamed over the old one, so a reader
 * sees either the previous report or the new one, never half of one.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { ExecwatchError, describeError } from '../shared/errors.js';
import type { JsonValue } from '../shared/types.js';

export const STATUS_FILE_NAME = 'status.json';
export const STATUS_FORMAT_VERSION = 1;

/** What the agent reports about itself. */
export interface AgentStatus {
  formatVersion: number;
  state: 'starting' | 'running' | 'stopping' | 'stopped';
  pid: number;
  version: string;
  startedAt: string;
  updatedAt: string;
  /** How often the report is rewritten; a reader calls it stale after a few missed writes. */
  statusIntervalMs: number;
  source: { name: string; reason: string | null; stats: JsonValue };
  events: { records: number; events: number; malformed: number; perSecond: number };
  drops: { kernel: number | null; queue: number | null };
  rules: { count: number; loadedAt: string; errors: number; unsupported: number };
  alerts: { raised: number };
  outputs: JsonValue;
  spool: JsonValue;
  notifications: JsonValue;
  lastError: { message: string; at: string } | null;
  config: { sources: string[] };
}

export function statusFilePath(stateDir: string): string {
  return join(stateDir, STATUS_FILE_NAME);
}

/** Replaces the status file atomically (write beside it, then rename). */
export function writeStatusFile(stateDir: string, status: AgentStatus): void {
  mkdirSync(stateDir, { recursive: true });
  const target = statusFilePath(stateDir);
  const temporary = `${target}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(status, null, 2)}\n`, { mode: 0o644 });
  renameSync(temporary, target);
}

/** Reads the status file; throws a coded error when it is missing or unreadable. */
export function readStatusFile(stateDir: string): AgentStatus {
  const path = statusFilePath(stateDir);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const isMissing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    const code = isMissing ? 'status-missing' : 'status-unreadable';
    const message = isMissing
      ? `No agent status at ${path}: the agent is not running, or uses another --state-dir`
      : `The agent status at ${path} cannot be read: ${describeError(error)}`;
    throw new ExecwatchError(code, message, { cause: error });
  }

  try {
    return JSON.parse(text) as AgentStatus;
  } catch (error) {
    throw new ExecwatchError('status-unreadable', `The agent status at ${path} is not JSON`, {
      cause: error,
    });
  }
}
