/**
 * Runs the real `execwatch` CLI as a child process and lets a test wait for what it prints:
 * alert documents on stdout and JSON log lines on stderr. Waiting is event-driven (on the
 * child's output), never a sleep.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';

import { CLI_PATH, REPO_ROOT } from '../support/cli.js';

export { CLI_PATH, REPO_ROOT };

export interface LogLine {
  level: string;
  message: string;
  [key: string]: unknown;
}

export interface RunningCli {
  child: ChildProcess;
  alerts: Array<Record<string, unknown>>;
  logs: LogLine[];
  stderrText(): string;
  waitForAlerts(count: number, timeoutMs?: number): Promise<void>;
  waitForLog(predicate: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  waitForExit(timeoutMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startCli(args: string[], env: NodeJS.ProcessEnv = process.env): RunningCli {
  const child = spawn(process.execPath, [CLI_PATH, ...args], { cwd: REPO_ROOT, env });
  const alerts: Array<Record<string, unknown>> = [];
  const logs: LogLine[] = [];
  let stderr = '';
  const listeners = new Set<() => void>();
  const notify = () => listeners.forEach((listener) => listener());

  splitLines(child.stdout, (line) => {
    alerts.push(JSON.parse(line) as Record<string, unknown>);
    notify();
  });
  splitLines(child.stderr, (line) => {
    stderr += `${line}\n`;
    try {
      logs.push(JSON.parse(line) as LogLine);
    } catch {
      logs.push({ level: 'raw', message: line });
    }
    notify();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => {
      notify();
      resolve({ code, signal });
    });
  });

  function waitUntil<T>(check: () => T | undefined, what: string, timeoutMs: number): Promise<T> {
    return new Promise((resolve, reject) => {
      const attempt = () => {
        const found = check();
        if (found === undefined) return;
        cleanup();
        resolve(found);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out waiting for ${what}; stderr so far:\n${stderr}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        listeners.delete(attempt);
      };
      listeners.add(attempt);
      attempt();
    });
  }

  return {
    child,
    alerts,
    logs,
    stderrText: () => stderr,
    waitForAlerts: (count, timeoutMs = 10_000) =>
      waitUntil(
        () => (alerts.length >= count ? true : undefined),
        `${count} alerts`,
        timeoutMs,
      ).then(() => undefined),
    waitForLog: (predicate, timeoutMs = 10_000) =>
      waitUntil(() => logs.find(predicate), 'a log line', timeoutMs),
    waitForExit: (timeoutMs = 15_000) => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`the CLI did not exit; stderr:\n${stderr}`)),
          timeoutMs,
        );
      });
      return Promise.race([exited, timeout]).finally(() => clearTimeout(timer));
    },
  };
}

function splitLines(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): void {
  let buffered = '';
  stream?.setEncoding('utf8');
  stream?.on('data', (chunk: string) => {
    buffered += chunk;
    let newline = buffered.indexOf('\n');
    while (newline >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      if (line.trim() !== '') onLine(line);
      newline = buffered.indexOf('\n');
    }
  });
}
