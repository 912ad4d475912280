/**
 * `execwatch status`: what the agent reported last, read from its status file. Says plainly
 * when no agent is running: no file, a report that says it stopped, or a report older than
 * three status intervals (the agent hung or died without cleaning up). Exit status 0 when a
 * running agent reported recently, 1 otherwise.
 */
import type { Command } from 'commander';

import { readStatusFile, statusFilePath } from '../../agent/index.js';
import type { AgentStatus } from '../../agent/index.js';
import { DEFAULT_STATE_DIR } from '../../config/index.js';
import { ExecwatchError } from '../../shared/errors.js';
import type { JsonValue } from '../../shared/types.js';
import type { CliContext } from '../context.js';

interface StatusOptions {
  stateDir: string;
  json?: boolean;
}

/** A report older than this many intervals means the agent is not reporting any more. */
const STALE_AFTER_INTERVALS = 3;

export type Liveness = 'running' | 'stale' | 'stopped' | 'not-running';

export interface StatusVerdict {
  liveness: Liveness;
  ageMs: number | null;
  pidAlive: boolean | null;
  sentence: string;
}

export function registerStatusCommand(program: Command, context: CliContext): void {
  program
    .command('status')
    .summary('show what the agent reported last')
    .description(
      'Read the status file the agent rewrites every few seconds: source, events per second, ' +
        'drops, rules, outputs, notifications and the last error.',
    )
    .option('--state-dir <dir>', 'the agent state directory', DEFAULT_STATE_DIR)
    .option('--json', 'print {verdict, status} as one JSON document')
    .addHelpText(
      'after',
      `
Examples:
  $ execwatch status
  $ execwatch status --json | jq .status.outputs
  $ execwatch status --state-dir /tmp/ew

Exit status: 0 when the agent is running and its status is fresh, 1 otherwise.`,
    )
    .action((options: StatusOptions) => {
      context.setExitCode(showStatus(options, context));
    });
}

function showStatus(options: StatusOptions, context: CliContext): number {
  let status: AgentStatus | null = null;
  let verdict: StatusVerdict;
  try {
    status = readStatusFile(options.stateDir);
    verdict = judge(status, Date.now(), isProcessAlive);
  } catch (error) {
    if (!(error instanceof ExecwatchError)) throw error;
    verdict = { liveness: 'not-running', ageMs: null, pidAlive: null, sentence: error.message };
  }

  if (options.json === true) {
    const document = {
      verdict,
      status: status as unknown as JsonValue,
      file: statusFilePath(options.stateDir),
    };
    context.stdout.write(`${JSON.stringify(document)}\n`);
  } else {
    context.stdout.write(`${renderStatus(verdict, status)}\n`);
  }
  return verdict.liveness === 'running' ? 0 : 1;
}

/** Decides whether the report comes from a live agent. */
export function judge(
  status: AgentStatus,
  nowMs: number,
  isAlive: (pid: number) => boolean,
): StatusVerdict {
  const ageMs = Math.max(0, nowMs - Date.parse(status.updatedAt));
  const pidAlive = isAlive(status.pid);
  const age = formatDuration(ageMs);

  if (status.state === 'stopped') {
    return {
      liveness: 'stopped',
      ageMs,
      pidAlive,
      sentence: `The agent stopped ${age} ago (pid ${status.pid}).`,
    };
  }
  const staleAfterMs = STALE_AFTER_INTERVALS * status.statusIntervalMs;
  if (ageMs > staleAfterMs || !pidAlive) {
    const why = pidAlive
      ? `pid ${status.pid} is alive but silent: it may be hung`
      : `pid ${status.pid} is not running: it died without cleaning up`;
    return {
      liveness: 'stale',
      ageMs,
      pidAlive,
      sentence: `The last report is ${age} old and stale; ${why}.`,
    };
  }
  return {
    liveness: 'running',
    ageMs,
    pidAlive,
    sentence: `The agent is ${status.state} (pid ${status.pid}).`,
  };
}

export function renderStatus(verdict: StatusVerdict, status: AgentStatus | null): string {
  if (status === null) return verdict.sentence;

  const sourceReason = status.source.reason === null ? '' : ` (${status.source.reason})`;
  const lastError =
    status.lastError === null ? 'none' : `${status.lastError.message} (${status.lastError.at})`;
  const lines = [
    verdict.sentence,
    `  since      ${status.startedAt}   (report ${formatDuration(verdict.ageMs ?? 0)} old)`,
    `  source     ${status.source.name}${sourceReason}`,
    `  events     ${status.events.events} (${status.events.perSecond}/s), ` +
      `${status.events.malformed} unreadable`,
    `  drops      kernel ${status.drops.kernel ?? 'n/a'}, queue ${status.drops.queue ?? 'n/a'}`,
    `  rules      ${status.rules.count} loaded at ${status.rules.loadedAt}, ` +
      `${status.rules.errors} in error, ${status.rules.unsupported} unsupported`,
    `  alerts     ${status.alerts.raised}`,
    ...describeOutputs(status.outputs),
    `  last error ${lastError}`,
  ];
  return lines.join('\n');
}

function describeOutputs(outputs: JsonValue): string[] {
  if (!Array.isArray(outputs) || outputs.length === 0) return ['  outputs    none configured'];
  return outputs.map((output) => {
    const o = (output ?? {}) as Record<string, JsonValue>;
    const last =
      o.lastError === null || o.lastError === undefined
        ? ''
        : `, last error: ${String(o.lastError)}`;
    return (
      `  output     ${String(o.name)} (${String(o.type)}): ` +
      `${String(o.confirmed)} delivered, ${String(o.queueDepth)} queued${last}`
    );
  });
}

function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 7_200_000) return `${Math.round(ms / 60_000)} min`;
  return `${Math.round(ms / 3_600_000)} h`;
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
