/**
 * Shared pieces of the eslogger source tests: the fake eslogger executables, a manual clock with
 * timers, and a sandbox directory with the lines a fake prints and its argument log.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { EsloggerStatus, SourceTimers } from '../../src/sources/eslogger.js';

const FAKES_DIR = fileURLToPath(new URL('../fixtures/fake-eslogger/', import.meta.url));

/** A fake eslogger executable by file name, e.g. `print-recorded.sh`. */
export function fakeEslogger(name: string): string {
  return join(FAKES_DIR, name);
}

/** The four real eslogger lines (versions 9, 9, 10, 11). */
export const RECORDED_LINES_PATH = fileURLToPath(
  new URL('../fixtures/eslogger/mixed/all-mullvad-samples.jsonl', import.meta.url),
);

export function readRecordedLines(): string[] {
  return readFileSync(RECORDED_LINES_PATH, 'utf8')
    .split('\n')
    .filter((line) => line !== '');
}

/** Timers that fire only when the test advances the clock. */
export interface ManualTimers extends SourceTimers {
  advance(ms: number): void;
}

export function createManualTimers(startMs = 1_000_000): ManualTimers {
  let nowMs = startMs;
  let nextId = 1;
  const pending = new Map<number, { atMs: number; callback: () => void }>();

  return {
    now: () => nowMs,
    setTimeout: (callback, delayMs) => {
      const id = nextId++;
      pending.set(id, { atMs: nowMs + delayMs, callback });
      return id;
    },
    clearTimeout: (handle) => {
      pending.delete(handle as number);
    },
    advance: (ms) => {
      nowMs += ms;
      const due = [...pending.entries()]
        .filter(([, timer]) => timer.atMs <= nowMs)
        .sort(([, a], [, b]) => a.atMs - b.atMs);
      for (const [id, timer] of due) {
        pending.delete(id);
        timer.callback();
      }
    },
  };
}

/** A temporary directory with the fake's inputs; `env` points the fake at them. */
export function createFakeSandbox(lines: readonly string[] = readRecordedLines()) {
  const dir = mkdtempSync(join(tmpdir(), 'execwatch-fake-eslogger-'));
  const linesPath = join(dir, 'lines.jsonl');
  writeFileSync(linesPath, lines.map((line) => `${line}\n`).join(''));
  const argsPath = join(dir, 'args.txt');

  return {
    dir,
    env: (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
      ...process.env,
      FAKE_ESLOGGER_LINES: linesPath,
      FAKE_ESLOGGER_ARGS: argsPath,
      FAKE_ESLOGGER_STATE: join(dir, 'runs'),
      ...extra,
    }),
    argsSeen: (): string => readFileSync(argsPath, 'utf8').trim(),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Collects statuses and lets a test wait for the n-th one of a type. */
export function createStatusLog() {
  const seen: EsloggerStatus[] = [];
  const waiters: { check: () => boolean }[] = [];

  const nth = <T extends EsloggerStatus['type']>(type: T, count: number) =>
    seen.filter((status) => status.type === type)[count - 1] as
      Extract<EsloggerStatus, { type: T }> | undefined;

  return {
    seen,
    onStatus: (status: EsloggerStatus): void => {
      seen.push(status);
      for (const waiter of [...waiters]) {
        if (waiter.check()) waiters.splice(waiters.indexOf(waiter), 1);
      }
    },
    /** Resolves with the `count`-th status of `type`, at once if it was already seen. */
    waitFor: <T extends EsloggerStatus['type']>(
      type: T,
      count = 1,
    ): Promise<Extract<EsloggerStatus, { type: T }>> =>
      new Promise((resolve) => {
        const check = (): boolean => {
          const status = nth(type, count);
          if (status !== undefined) resolve(status);
          return status !== undefined;
        };
        if (!check()) waiters.push({ check });
      }),
  };
}

/** Reads `count` records from an iterator (leaving it open). */
export async function take<T>(iterator: AsyncIterator<T>, count: number): Promise<T[]> {
  const got: T[] = [];
  while (got.length < count) {
    const next = await iterator.next();
    if (next.done === true) break;
    got.push(next.value);
  }
  return got;
}
