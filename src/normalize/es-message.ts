/**
 * Typed views of Endpoint Security messages in eslogger's JSON shape (the native addon produces
 * the same shape), read tolerantly across message versions 9, 10 and 11.
 *
 * Approach: small readers that take `unknown` and a dotted path, return a typed value, and throw
 * a `ShapeError` naming the path when a required field is missing or of the wrong type. Optional
 * fields read as `undefined` (or null in JSON) without complaint, and unknown keys are ignored,
 * so a field that a newer macOS adds or an older one lacks never breaks a message. Key order is
 * irrelevant because the readers look keys up by name.
 *
 * Version differences handled here (see Apple's ESMessage.h and ../../shared samples):
 * - audit tokens are objects `{auid, euid, egid, ruid, rgid, pid, asid, pidversion}` (9, 11) or
 *   arrays of 8 integers in that order (10);
 * - `cs_validation_category` (10+) and `event.exec.entitlements` (11) are ignored;
 * - integers beyond 2^53 arrive as decimal strings (see eslogger-json.ts); the readers below
 *   accept a number or such a string where an integer is expected.
 */

/** A required field is missing or has the wrong type; `path` is dotted from the message root. */
export class ShapeError extends Error {
  constructor(
    readonly path: string,
    readonly expected: string,
  ) {
    super(`${path}: expected ${expected}`);
    this.name = 'ShapeError';
  }
}

/** `audit_token_t` as ES reports it. `pid` and `pidversion` identify one process image. */
export interface AuditToken {
  auid: number;
  euid: number;
  egid: number;
  ruid: number;
  rgid: number;
  pid: number;
  asid: number;
  pidversion: number;
}

/** The fields of `es_process_t` that execwatch maps. */
export interface EsProcess {
  auditToken: AuditToken;
  /** The current parent's pid (launchd after reparenting). */
  ppid: number;
  /** The parent at creation; stays when the process is reparented. */
  originalPpid: number | undefined;
  parentToken: AuditToken | undefined;
  /** The process that macOS holds responsible (the app behind a helper); ES 4+. */
  responsibleToken: AuditToken | undefined;
  executablePath: string;
  signingId: string | undefined;
  teamId: string | undefined;
  cdhash: string | undefined;
  codesigningFlags: number | undefined;
  isPlatformBinary: boolean | undefined;
  /** Fork time, RFC 3339; exec keeps it. */
  startTime: string | undefined;
  groupId: number | undefined;
  sessionId: number | undefined;
  /** Controlling terminal, when there is one. */
  tty: { path: string; rdev: number | undefined } | undefined;
}

export type EsEventKind = 'exec' | 'fork' | 'exit';

/** The envelope of every message. */
export interface EsEnvelope {
  version: number | undefined;
  eventType: number | undefined;
  /** RFC 3339 with nanoseconds, as eslogger prints it. */
  time: string;
  timeMs: number;
  globalSeqNum: number | undefined;
  threadId: number | undefined;
  process: EsProcess;
}

export interface EsExecEvent {
  target: EsProcess;
  args: string[];
  cwd: string | undefined;
  /** The script file when the target is an interpreter started by a `#!` line. */
  scriptPath: string | undefined;
}

/** The key under `event` that names the event (eslogger writes one key: `exec`, `open`, …). */
export function eventKindOf(message: Record<string, unknown>): string | undefined {
  const event = message['event'];
  if (!isRecord(event)) return undefined;
  for (const key in event) return key;
  return undefined;
}

export function readEnvelope(message: Record<string, unknown>): EsEnvelope {
  const time = requireString(message['time'], 'time');
  const timeMs = Date.parse(time);
  if (Number.isNaN(timeMs)) throw new ShapeError('time', 'an RFC 3339 timestamp');

  return {
    version: optionalInteger(message['version'], 'version'),
    eventType: optionalInteger(message['event_type'], 'event_type'),
    time,
    timeMs,
    globalSeqNum: optionalInteger(message['global_seq_num'], 'global_seq_num'),
    threadId: readThreadId(message['thread']),
    process: readProcess(message['process'], 'process'),
  };
}

export function readExecEvent(exec: unknown, path: string): EsExecEvent {
  const record = requireRecord(exec, path);
  const args = requireArray(record['args'], `${path}.args`).map((arg, index) =>
    requireString(arg, `${path}.args[${index}]`),
  );
  return {
    target: readProcess(record['target'], `${path}.target`),
    args,
    cwd: optionalFilePath(record['cwd'], `${path}.cwd`),
    scriptPath: optionalFilePath(record['script'], `${path}.script`),
  };
}

export function readForkChild(fork: unknown, path: string): EsProcess {
  return readProcess(requireRecord(fork, path)['child'], `${path}.child`);
}

/** The `wait(2)` status of an exit event. */
export function readExitStatus(exit: unknown, path: string): number | undefined {
  return optionalInteger(requireRecord(exit, path)['stat'], `${path}.stat`);
}

export function readProcess(value: unknown, path: string): EsProcess {
  const record = requireRecord(value, path);
  const executable = requireRecord(record['executable'], `${path}.executable`);

  return {
    auditToken: readAuditToken(record['audit_token'], `${path}.audit_token`),
    ppid: requireInteger(record['ppid'], `${path}.ppid`),
    originalPpid: optionalInteger(record['original_ppid'], `${path}.original_ppid`),
    parentToken: optionalAuditToken(record['parent_audit_token'], `${path}.parent_audit_token`),
    responsibleToken: optionalAuditToken(
      record['responsible_audit_token'],
      `${path}.responsible_audit_token`,
    ),
    executablePath: requireString(executable['path'], `${path}.executable.path`),
    signingId: optionalString(record['signing_id'], `${path}.signing_id`),
    teamId: optionalString(record['team_id'], `${path}.team_id`),
    cdhash: optionalString(record['cdhash'], `${path}.cdhash`),
    codesigningFlags: optionalInteger(record['codesigning_flags'], `${path}.codesigning_flags`),
    isPlatformBinary: optionalBoolean(record['is_platform_binary'], `${path}.is_platform_binary`),
    startTime: optionalString(record['start_time'], `${path}.start_time`),
    groupId: optionalInteger(record['group_id'], `${path}.group_id`),
    sessionId: optionalInteger(record['session_id'], `${path}.session_id`),
    tty: readTty(record['tty'], `${path}.tty`),
  };
}

const AUDIT_TOKEN_ORDER = [
  'auid',
  'euid',
  'egid',
  'ruid',
  'rgid',
  'pid',
  'asid',
  'pidversion',
] as const;

/** An audit token as an object (versions 9, 11) or an array of 8 integers (version 10). */
export function readAuditToken(value: unknown, path: string): AuditToken {
  const expected = 'an audit token (object, or array of 8 integers)';
  if (Array.isArray(value)) {
    if (value.length !== AUDIT_TOKEN_ORDER.length) throw new ShapeError(path, expected);
    const values = value.map((item, index) => requireInteger(item, `${path}[${index}]`));
    return tokenFrom((_field, index) => values[index] ?? 0);
  }
  if (!isRecord(value)) throw new ShapeError(path, expected);
  return tokenFrom((field) => requireInteger(value[field], `${path}.${field}`));
}

function tokenFrom(read: (field: keyof AuditToken, index: number) => number): AuditToken {
  const [auid, euid, egid, ruid, rgid, pid, asid, pidversion] = AUDIT_TOKEN_ORDER.map(read);
  return {
    auid: auid ?? 0,
    euid: euid ?? 0,
    egid: egid ?? 0,
    ruid: ruid ?? 0,
    rgid: rgid ?? 0,
    pid: pid ?? 0,
    asid: asid ?? 0,
    pidversion: pidversion ?? 0,
  };
}

function optionalAuditToken(value: unknown, path: string): AuditToken | undefined {
  return value === undefined || value === null ? undefined : readAuditToken(value, path);
}

function readThreadId(thread: unknown): number | undefined {
  if (!isRecord(thread)) return undefined;
  return optionalInteger(thread['thread_id'], 'thread.thread_id');
}

function readTty(value: unknown, path: string): EsProcess['tty'] {
  if (value === undefined || value === null) return undefined;
  const record = requireRecord(value, path);
  const stat = record['stat'];
  return {
    path: requireString(record['path'], `${path}.path`),
    rdev: isRecord(stat) ? optionalInteger(stat['st_rdev'], `${path}.stat.st_rdev`) : undefined,
  };
}

/** The `path` of an optional `es_file_t`. */
function optionalFilePath(value: unknown, path: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  return requireString(requireRecord(value, path)['path'], `${path}.path`);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function requireRecord(value: unknown, path: string): Record<string, unknown> {
  if (!isRecord(value)) throw new ShapeError(path, 'an object');
  return value;
}

function requireArray(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw new ShapeError(path, 'an array');
  return value;
}

function requireString(value: unknown, path: string): string {
  if (typeof value !== 'string') throw new ShapeError(path, 'a string');
  return value;
}

function optionalString(value: unknown, path: string): string | undefined {
  return value === undefined || value === null ? undefined : requireString(value, path);
}

function optionalBoolean(value: unknown, path: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw new ShapeError(path, 'true or false');
  return value;
}

/** An integer: a JSON number, or the exact decimal string the big-int-safe parser makes. */
function requireInteger(value: unknown, path: string): number {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return Number(value);
  throw new ShapeError(path, 'an integer');
}

function optionalInteger(value: unknown, path: string): number | undefined {
  return value === undefined || value === null ? undefined : requireInteger(value, path);
}
