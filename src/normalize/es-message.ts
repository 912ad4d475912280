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
    version: optionalIntegerField(message, '', 'version'),
    eventType: optionalIntegerField(message, '', 'event_type'),
    time,
    timeMs,
    globalSeqNum: optionalIntegerField(message, '', 'global_seq_num'),
    threadId: readThreadId(message['thread']),
    process: readProcess(message['process'], 'process'),
  };
}

export function readExecEvent(exec: unknown, path: string): EsExecEvent {
  const record = requireRecord(exec, path);
  const args: unknown = record['args'];
  if (!Array.isArray(args)) throw new ShapeError(`${path}.args`, 'an array');
  for (let index = 0; index < args.length; index += 1) {
    if (typeof args[index] !== 'string') {
      throw new ShapeError(`${path}.args[${index}]`, 'a string');
    }
  }
  return {
    target: readProcess(record['target'], `${path}.target`),
    // Checked above; the message's own array serves (messages are never changed).
    args: args as string[],
    cwd: optionalFilePath(record, path, 'cwd'),
    scriptPath: optionalFilePath(record, path, 'script'),
  };
}

export function readForkChild(fork: unknown, path: string): EsProcess {
  return readProcess(requireRecord(fork, path)['child'], `${path}.child`);
}

/** The `wait(2)` status of an exit event. */
export function readExitStatus(exit: unknown, path: string): number | undefined {
  return optionalIntegerField(requireRecord(exit, path), path, 'stat');
}

/**
 * Readers below take the path of the object being read and the key of the field, and join them
 * (`pathOf`) only to name a field in a `ShapeError`: no string is built for a good message.
 */
export function readProcess(value: unknown, path: string): EsProcess {
  const record = requireRecord(value, path);
  const executable = record['executable'];
  if (!isRecord(executable)) throw new ShapeError(pathOf(path, 'executable'), 'an object');
  const executablePath = executable['path'];
  if (typeof executablePath !== 'string') {
    throw new ShapeError(pathOf(path, 'executable.path'), 'a string');
  }

  return {
    auditToken: readToken(record['audit_token'], path, 'audit_token'),
    ppid: requireIntegerField(record, path, 'ppid'),
    originalPpid: optionalIntegerField(record, path, 'original_ppid'),
    parentToken: optionalToken(record['parent_audit_token'], path, 'parent_audit_token'),
    responsibleToken: optionalToken(
      record['responsible_audit_token'],
      path,
      'responsible_audit_token',
    ),
    executablePath,
    signingId: optionalStringField(record, path, 'signing_id'),
    teamId: optionalStringField(record, path, 'team_id'),
    cdhash: optionalStringField(record, path, 'cdhash'),
    codesigningFlags: optionalIntegerField(record, path, 'codesigning_flags'),
    isPlatformBinary: optionalBooleanField(record, path, 'is_platform_binary'),
    startTime: optionalStringField(record, path, 'start_time'),
    groupId: optionalIntegerField(record, path, 'group_id'),
    sessionId: optionalIntegerField(record, path, 'session_id'),
    tty: readTty(record['tty'], path),
  };
}

/** `path.field`, or `field` at the message root (empty `path`), or `path` for an empty field. */
function pathOf(path: string, field: string): string {
  if (field === '') return path;
  return path === '' ? field : `${path}.${field}`;
}

const AUDIT_TOKEN_EXPECTED = 'an audit token (object, or array of 8 integers)';

/** An audit token as an object (versions 9, 11) or an array of 8 integers (version 10). */
export function readAuditToken(value: unknown, path: string): AuditToken {
  return readToken(value, path, '');
}

function readToken(value: unknown, path: string, field: string): AuditToken {
  if (Array.isArray(value)) return tokenOfArray(value, path, field);
  if (!isRecord(value)) throw new ShapeError(pathOf(path, field), AUDIT_TOKEN_EXPECTED);
  // The usual case, eight plain integers: the message's own object serves (it is never changed).
  if (isPlainToken(value)) return value;
  return {
    auid: tokenPart(value['auid'], path, field, 'auid'),
    euid: tokenPart(value['euid'], path, field, 'euid'),
    egid: tokenPart(value['egid'], path, field, 'egid'),
    ruid: tokenPart(value['ruid'], path, field, 'ruid'),
    rgid: tokenPart(value['rgid'], path, field, 'rgid'),
    pid: tokenPart(value['pid'], path, field, 'pid'),
    asid: tokenPart(value['asid'], path, field, 'asid'),
    pidversion: tokenPart(value['pidversion'], path, field, 'pidversion'),
  };
}

function isPlainToken(
  value: Record<string, unknown>,
): value is Record<string, unknown> & AuditToken {
  return (
    isSafeInteger(value['auid']) &&
    isSafeInteger(value['euid']) &&
    isSafeInteger(value['egid']) &&
    isSafeInteger(value['ruid']) &&
    isSafeInteger(value['rgid']) &&
    isSafeInteger(value['pid']) &&
    isSafeInteger(value['asid']) &&
    isSafeInteger(value['pidversion'])
  );
}

function isSafeInteger(value: unknown): boolean {
  return typeof value === 'number' && Number.isSafeInteger(value);
}

/** Version 10's array form, in the order auid, euid, egid, ruid, rgid, pid, asid, pidversion. */
function tokenOfArray(value: unknown[], path: string, field: string): AuditToken {
  if (value.length !== 8) throw new ShapeError(pathOf(path, field), AUDIT_TOKEN_EXPECTED);
  return {
    auid: tokenPart(value[0], path, field, 0),
    euid: tokenPart(value[1], path, field, 1),
    egid: tokenPart(value[2], path, field, 2),
    ruid: tokenPart(value[3], path, field, 3),
    rgid: tokenPart(value[4], path, field, 4),
    pid: tokenPart(value[5], path, field, 5),
    asid: tokenPart(value[6], path, field, 6),
    pidversion: tokenPart(value[7], path, field, 7),
  };
}

/** One integer of a token, named `token.key` (object form) or `token[index]` (array form). */
function tokenPart(value: unknown, path: string, field: string, key: string | number): number {
  const integer = integerOf(value);
  if (integer !== undefined) return integer;
  const token = pathOf(path, field);
  throw new ShapeError(
    typeof key === 'number' ? `${token}[${key}]` : `${token}.${key}`,
    'an integer',
  );
}

function optionalToken(value: unknown, path: string, field: string): AuditToken | undefined {
  return value === undefined || value === null ? undefined : readToken(value, path, field);
}

function readThreadId(thread: unknown): number | undefined {
  if (!isRecord(thread)) return undefined;
  return optionalIntegerField(thread, 'thread', 'thread_id');
}

function readTty(value: unknown, processPath: string): EsProcess['tty'] {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) throw new ShapeError(pathOf(processPath, 'tty'), 'an object');
  const ttyPath = value['path'];
  if (typeof ttyPath !== 'string')
    throw new ShapeError(pathOf(processPath, 'tty.path'), 'a string');
  const stat = value['stat'];
  return { path: ttyPath, rdev: isRecord(stat) ? readRdev(stat, processPath) : undefined };
}

/** `tty.stat.st_rdev`; the field's path is built only for an error. */
function readRdev(stat: Record<string, unknown>, processPath: string): number | undefined {
  const value = stat['st_rdev'];
  if (value === undefined || value === null) return undefined;
  const integer = integerOf(value);
  if (integer === undefined) {
    throw new ShapeError(pathOf(processPath, 'tty.stat.st_rdev'), 'an integer');
  }
  return integer;
}

/** The `path` of an optional `es_file_t` field. */
function optionalFilePath(
  record: Record<string, unknown>,
  path: string,
  field: string,
): string | undefined {
  const value = record[field];
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) throw new ShapeError(pathOf(path, field), 'an object');
  const filePath = value['path'];
  if (typeof filePath !== 'string') throw new ShapeError(pathOf(path, `${field}.path`), 'a string');
  return filePath;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function requireRecord(value: unknown, path: string): Record<string, unknown> {
  if (!isRecord(value)) throw new ShapeError(path, 'an object');
  return value;
}

function requireString(value: unknown, path: string): string {
  if (typeof value !== 'string') throw new ShapeError(path, 'a string');
  return value;
}

function optionalStringField(
  record: Record<string, unknown>,
  path: string,
  field: string,
): string | undefined {
  const value = record[field];
  if (value === undefined || value === null || typeof value === 'string') return value ?? undefined;
  throw new ShapeError(pathOf(path, field), 'a string');
}

function optionalBooleanField(
  record: Record<string, unknown>,
  path: string,
  field: string,
): boolean | undefined {
  const value = record[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw new ShapeError(pathOf(path, field), 'true or false');
  return value;
}

/** An integer: a JSON number, or the exact decimal string the big-int-safe parser makes. */
function integerOf(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return Number(value);
  return undefined;
}

function requireIntegerField(record: Record<string, unknown>, path: string, field: string): number {
  const integer = integerOf(record[field]);
  if (integer === undefined) throw new ShapeError(pathOf(path, field), 'an integer');
  return integer;
}

function optionalIntegerField(
  record: Record<string, unknown>,
  path: string,
  field: string,
): number | undefined {
  const value = record[field];
  return value === undefined || value === null
    ? undefined
    : requireIntegerField(record, path, field);
}
