/**
 * The eslogger source: Apple's `/usr/bin/eslogger exec fork exit` as a child process, its JSON
 * lines read with the same big-int-safe parser as replay.
 *
 * Approach: one async generator pulls stdout chunk by chunk (so a slow consumer slows the
 * reading, never grows a buffer), splits lines, and yields `es-message` records; a bad line is a
 * `malformed` record and reading goes on. When eslogger exits on its own it is started again
 * after a backoff delay (doubling on quick failures, reset after a healthy run), and the time
 * without events is reported. An exit whose stderr names an `es_new_client` failure
 * (`ES_NEW_CLIENT_RESULT_ERR_NOT_PERMITTED` and friends) is not retried: waiting does not grant
 * Full Disk Access, so it ends the records with the actionable error from es-errors.ts.
 *
 * eslogger stays in our process group (never detached): eslogger leaves out the events of its
 * own process group, so our children (notifications, helpers) do not echo back as events.
 *
 * Contract: sources never log; lifecycle changes go to `onStatus`, and
 * `createEsloggerStatusLogger` turns them into log lines for the pipeline that wants them.
 * Time and timers are injected, so restarts and the stop deadline are testable without waiting.
 */
import { spawn, type ChildProcess } from 'node:child_process';

import { parseGuessedJsonLine } from '../normalize/index.js';
import { ExecwatchError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import { DEFAULT_ESLOGGER_PATH, type RestartPolicy, type SourceMute } from './config-schema.js';
import { esClientError, findEsClientResultName } from './es-errors.js';
import { readStreamChunks, splitLines, StopSignal } from './line-reader.js';
import type { EventSource, SourceRecord } from './types.js';

/** The clock and timers the source uses; tests pass a manual one. */
export interface SourceTimers {
  now(): number;
  setTimeout(callback: () => void, delayMs: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemTimers: SourceTimers = {
  now: () => Date.now(),
  setTimeout: (callback, delayMs) => setTimeout(callback, delayMs),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Lifecycle of the eslogger child, for logs and status. */
export type EsloggerStatus =
  | { type: 'started'; pid: number; run: number }
  | { type: 'resumed'; gapMs: number; restarts: number }
  | {
      type: 'exited';
      code: number | null;
      signal: string | null;
      stderrTail: string;
      restartInMs: number;
      attempt: number;
    }
  | { type: 'stopped'; signal: string | null };

export interface EsloggerSourceOptions {
  /** Default `/usr/bin/eslogger`. */
  esloggerPath?: string;
  /** Event names passed to eslogger; default exec, fork, exit. */
  events?: readonly string[];
  /** Exec events whose target path matches are dropped (and counted). */
  mutes?: readonly SourceMute[];
  restart?: Partial<RestartPolicy>;
  /** After SIGTERM on stop, how long eslogger gets before SIGKILL. Default 5000. */
  stopTimeoutMs?: number;
  timers?: SourceTimers;
  /** The child's environment; default this process's. */
  env?: NodeJS.ProcessEnv;
  onStatus?: (status: EsloggerStatus) => void;
}

export interface EsloggerStats {
  lines: number;
  malformed: number;
  muted: number;
  /** Messages the kernel dropped for eslogger's client: gaps in `global_seq_num`. */
  kernelDrops: number;
  /** The same from gaps in each event type's `seq_num`, summed over types. */
  kernelDropsByType: number;
  restarts: number;
  /** The last time without events between an exit and the next start, or null. */
  lastGapMs: number | null;
}

export interface EsloggerSource extends EventSource {
  stats(): EsloggerStats;
}

export const ESLOGGER_DEFAULTS = {
  events: ['exec', 'fork', 'exit'],
  stopTimeoutMs: 5_000,
  restart: { initialDelayMs: 1_000, maxDelayMs: 60_000, resetAfterMs: 60_000 },
  stderrTailChars: 4_096,
} as const;

/** The delay before restart number `attempt` (1-based): doubling from the initial delay, capped. */
export function nextRestartDelayMs(attempt: number, policy: RestartPolicy): number {
  const exponent = Math.max(0, attempt - 1);
  const delayMs = policy.initialDelayMs * 2 ** Math.min(exponent, 30);
  return Math.min(delayMs, policy.maxDelayMs);
}

interface ChildRun {
  child: ChildProcess;
  startedAtMs: number;
  stderrTail: string;
  exited: Promise<ChildExit>;
}

interface ChildExit {
  code: number | null;
  signal: string | null;
  spawnError: NodeJS.ErrnoException | undefined;
}

interface SourceState {
  readonly path: string;
  readonly events: readonly string[];
  readonly mutes: readonly SourceMute[];
  readonly policy: RestartPolicy;
  readonly stopTimeoutMs: number;
  readonly timers: SourceTimers;
  readonly env: NodeJS.ProcessEnv;
  readonly onStatus: (status: EsloggerStatus) => void;
  readonly signal: StopSignal;
  readonly stats: EsloggerStats;
  readonly lastSeq: Map<string, number>;
  current: ChildRun | undefined;
  gapStartedAtMs: number | undefined;
  runs: number;
  started: boolean;
}

/** Creates the eslogger source; see the module comment for its contract. */
export function createEsloggerSource(options: EsloggerSourceOptions = {}): EsloggerSource {
  const state = createState(options);
  return {
    name: 'eslogger',
    records: () => {
      if (state.started) {
        throw new ExecwatchError('SOURCE_ALREADY_READ', 'The eslogger source can be read once');
      }
      state.started = true;
      return readEslogger(state);
    },
    stop: () => stopEslogger(state),
    stats: () => ({ ...state.stats }),
  };
}

function createState(options: EsloggerSourceOptions): SourceState {
  return {
    path: options.esloggerPath ?? DEFAULT_ESLOGGER_PATH,
    events: options.events ?? ESLOGGER_DEFAULTS.events,
    mutes: options.mutes ?? [],
    policy: { ...ESLOGGER_DEFAULTS.restart, ...options.restart },
    stopTimeoutMs: options.stopTimeoutMs ?? ESLOGGER_DEFAULTS.stopTimeoutMs,
    timers: options.timers ?? systemTimers,
    env: options.env ?? process.env,
    onStatus: options.onStatus ?? (() => undefined),
    signal: new StopSignal(),
    stats: {
      lines: 0,
      malformed: 0,
      muted: 0,
      kernelDrops: 0,
      kernelDropsByType: 0,
      restarts: 0,
      lastGapMs: null,
    },
    lastSeq: new Map(),
    current: undefined,
    gapStartedAtMs: undefined,
    runs: 0,
    started: false,
  };
}

async function* readEslogger(state: SourceState): AsyncGenerator<SourceRecord> {
  try {
    yield* runWithRestarts(state);
  } finally {
    // The consumer stopped reading early: do not leave eslogger running.
    if (state.current !== undefined) await stopEslogger(state);
  }
}

async function* runWithRestarts(state: SourceState): AsyncGenerator<SourceRecord> {
  let attempt = 0;

  while (!state.signal.stopped) {
    const run = startRun(state);
    yield* readRunLines(run, state);

    const exit = await run.exited;
    state.current = undefined;
    if (state.signal.stopped) return;

    const fatal = fatalExitError(exit, run, state.path);
    if (fatal !== undefined) throw fatal;

    const ranMs = state.timers.now() - run.startedAtMs;
    attempt = ranMs >= state.policy.resetAfterMs ? 1 : attempt + 1;
    const restartInMs = nextRestartDelayMs(attempt, state.policy);
    state.gapStartedAtMs ??= state.timers.now();
    state.onStatus({
      type: 'exited',
      code: exit.code,
      signal: exit.signal,
      stderrTail: run.stderrTail,
      restartInMs,
      attempt,
    });

    await sleepUnlessStopped(restartInMs, state);
  }
}

function startRun(state: SourceState): ChildRun {
  const child = spawn(state.path, [...state.events], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: state.env,
    // Not detached: eslogger must share our process group (see the module comment).
    detached: false,
  });
  const run: ChildRun = {
    child,
    startedAtMs: state.timers.now(),
    stderrTail: '',
    exited: waitForExit(child),
  };
  collectStderr(run);
  state.current = run;
  state.runs += 1;

  if (child.pid !== undefined) reportStart(state, child.pid);
  return run;
}

function reportStart(state: SourceState, pid: number): void {
  state.onStatus({ type: 'started', pid, run: state.runs });
  if (state.gapStartedAtMs === undefined) return;

  const gapMs = state.timers.now() - state.gapStartedAtMs;
  state.gapStartedAtMs = undefined;
  state.stats.restarts += 1;
  state.stats.lastGapMs = gapMs;
  state.onStatus({ type: 'resumed', gapMs, restarts: state.stats.restarts });
}

function collectStderr(run: ChildRun): void {
  run.child.stderr?.setEncoding('utf8');
  run.child.stderr?.on('data', (text: string) => {
    run.stderrTail = (run.stderrTail + text).slice(-ESLOGGER_DEFAULTS.stderrTailChars);
  });
}

function waitForExit(child: ChildProcess): Promise<ChildExit> {
  return new Promise((resolve) => {
    let spawnError: NodeJS.ErrnoException | undefined;
    child.once('error', (error: NodeJS.ErrnoException) => {
      spawnError = error;
      if (child.pid === undefined) resolve({ code: null, signal: null, spawnError });
    });
    child.once('close', (code, signal) => resolve({ code, signal, spawnError }));
  });
}

async function* readRunLines(run: ChildRun, state: SourceState): AsyncGenerator<SourceRecord> {
  const stdout = run.child.stdout;
  if (stdout === null) return;

  const chunks = readStreamChunks(stdout, state.signal, () => undefined);
  for await (const batch of splitLines(chunks, true)) {
    const { guessed } = batch;
    for (let index = 0; index < guessed.length; index += 1) {
      const record = toRecord(guessed[index] ?? '', () => batch.original(index), state);
      if (record !== undefined) yield record;
    }
  }
}

/** The record of one line: `guessed` and `original` as `LineBatch` gives them. */
function toRecord(
  guessed: string,
  original: () => string,
  state: SourceState,
): SourceRecord | undefined {
  if (guessed.trim() === '') return undefined;
  state.stats.lines += 1;
  const origin = { source: 'eslogger', line: state.stats.lines };

  let message: unknown;
  try {
    message = parseGuessedJsonLine(guessed, original, {
      file: 'eslogger',
      line: state.stats.lines,
    });
  } catch (error) {
    state.stats.malformed += 1;
    return { kind: 'malformed', error: asExecwatchError(error), origin };
  }

  countKernelDrops(message, state);
  if (isMutedExec(message, state.mutes)) {
    state.stats.muted += 1;
    return undefined;
  }
  return { kind: 'es-message', message, origin };
}

function asExecwatchError(error: unknown): ExecwatchError {
  if (error instanceof ExecwatchError) return error;
  return new ExecwatchError('MALFORMED_JSON', String(error), { cause: error });
}

/**
 * Adds the gaps in this message's sequence numbers to the kernel drop counts. A number that goes
 * backwards (a restarted eslogger has a new ES client) starts counting afresh.
 */
function countKernelDrops(message: unknown, state: SourceState): void {
  const fields = message as { event_type?: unknown; seq_num?: unknown; global_seq_num?: unknown };
  state.stats.kernelDrops += gapBefore('global', fields.global_seq_num, state.lastSeq);
  if (typeof fields.event_type === 'number') {
    const key = `type:${fields.event_type}`;
    state.stats.kernelDropsByType += gapBefore(key, fields.seq_num, state.lastSeq);
  }
}

function gapBefore(key: string, value: unknown, lastSeq: Map<string, number>): number {
  if (typeof value !== 'number') return 0;
  const last = lastSeq.get(key);
  lastSeq.set(key, value);
  return last !== undefined && value > last + 1 ? value - last - 1 : 0;
}

/** Whether an exec message's target executable path is muted (prefix or literal). */
export function isMutedExec(message: unknown, mutes: readonly SourceMute[]): boolean {
  if (mutes.length === 0) return false;
  const path = execTargetPath(message);
  if (path === undefined) return false;
  return mutes.some((mute) =>
    mute.match === 'literal' ? path === mute.path : path.startsWith(mute.path),
  );
}

function execTargetPath(message: unknown): string | undefined {
  const exec = (message as { event?: { exec?: { target?: { executable?: { path?: unknown } } } } })
    ?.event?.exec;
  const path = exec?.target?.executable?.path;
  return typeof path === 'string' ? path : undefined;
}

/** The error that ends the source for this exit, or undefined when a restart may help. */
function fatalExitError(exit: ChildExit, run: ChildRun, path: string): ExecwatchError | undefined {
  if (exit.spawnError !== undefined) return spawnFailure(exit.spawnError, path);

  const resultName = findEsClientResultName(run.stderrTail);
  if (resultName !== undefined) return esClientError(resultName, 'eslogger');
  return undefined;
}

function spawnFailure(error: NodeJS.ErrnoException, path: string): ExecwatchError {
  if (error.code === 'ENOENT') {
    return new ExecwatchError(
      'ESLOGGER_NOT_FOUND',
      `eslogger was not found at ${path}. It ships with macOS 13 and later; on an older macOS ` +
        'use the endpoint-security source, or set source.esloggerPath.',
      { cause: error },
    );
  }
  return new ExecwatchError(
    'ESLOGGER_NOT_STARTED',
    `eslogger at ${path} could not be started (${error.code ?? error.message}). Check that it ` +
      'is an executable file.',
    { cause: error },
  );
}

function sleepUnlessStopped(delayMs: number, state: SourceState): Promise<void> {
  return new Promise((resolve) => {
    let removeListener = (): void => undefined;
    const handle = state.timers.setTimeout(() => {
      removeListener();
      resolve();
    }, delayMs);
    removeListener = state.signal.onStop(() => {
      state.timers.clearTimeout(handle);
      resolve();
    });
  });
}

/** SIGTERM, then SIGKILL after the deadline; resolves once the child has exited. */
async function stopEslogger(state: SourceState): Promise<void> {
  state.signal.stop();
  const run = state.current;
  if (run === undefined || run.child.exitCode !== null || run.child.signalCode !== null) return;

  run.child.kill('SIGTERM');
  const deadline = state.timers.setTimeout(() => run.child.kill('SIGKILL'), state.stopTimeoutMs);
  const exit = await run.exited;
  state.timers.clearTimeout(deadline);
  state.onStatus({ type: 'stopped', signal: exit.signal });
}

/** Log lines for the eslogger lifecycle: constant messages, data in fields. */
export function createEsloggerStatusLogger(logger: Logger): (status: EsloggerStatus) => void {
  const log = logger.child({ component: 'eslogger' });
  return (status) => {
    switch (status.type) {
      case 'started':
        log.info('eslogger started', { pid: status.pid, run: status.run });
        return;
      case 'resumed':
        log.warn('eslogger events resumed after a gap', {
          gapMs: status.gapMs,
          restarts: status.restarts,
        });
        return;
      case 'exited':
        log.warn('eslogger exited; restarting', {
          exitCode: status.code,
          signal: status.signal,
          restartInMs: status.restartInMs,
          attempt: status.attempt,
          process_data: { stderr: status.stderrTail },
        });
        return;
      case 'stopped':
        log.info('eslogger stopped', { signal: status.signal });
        return;
    }
  };
}
