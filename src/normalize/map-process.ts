/**
 * The ECS `process.*` object of one ES process image, and of its parent and responsible process.
 *
 * Field by field (ES names from `es_process_t`):
 * - `pid`: `audit_token.pid`; `entity_id`: from (pid, pidversion), see process-table/entity-id.ts.
 * - `executable`: `executable.path` (kept as reported when `path_truncated`); `name`: its last
 *   path component, as Elastic Defend names macOS processes.
 * - `start`: `start_time` (fork time; exec keeps it).
 * - `code_signature.*`: see code-signing.ts; `hash.cdhash`: `cdhash`, lower-cased as ECS shows it.
 * - `user.id` / `real_user.id` / `group.id` / `real_group.id`: the token's euid, ruid, egid, rgid
 *   as decimal strings. Names are left empty: ES reports ids only, and a replay host cannot know
 *   the recorded Mac's accounts.
 * - `group_leader.pid`: `group_id` (the process group). `session_leader.pid` (`session_id`) is
 *   added to the event's own process only (map-es-message.ts): ECS has no
 *   `process.parent.session_leader`, and the table's fields also serve as parents.
 * - `interactive`: whether a controlling terminal is reported; `tty.char_device.{major,minor}`
 *   from the terminal's `st_rdev` (Darwin packs major in the top 8 bits, minor in the low 24).
 * - Left empty: `args`, `command_line`, `working_directory` (only exec reports them; fork and
 *   exit take them from the process table), `env_vars` (exec always carries the environment,
 *   which holds secrets: never forwarded), and the audit user id (`auid`, no ECS field).
 * - Not mapped, for want of an ECS field: `event.exec.script` (the `#!` script an interpreter
 *   runs), `dyld_exec_path`, `original_ppid` (the parent comes from `parent_audit_token`, the
 *   current parent), `cs_validation_category` and v11 `entitlements`.
 */
import { entityIdOf, type EntityIdScope, type ProcessEntry } from '../process-table/index.js';
import type { EcsDocument, JsonValue } from '../shared/types.js';
import { codeSignatureOf } from './code-signing.js';
import type { AuditToken, EsProcess } from './es-message.js';
import { SharedParts } from './shared-parts.js';

/** Sub-objects many images share (see shared-parts.ts), one cache per kind of part. */
const ID_OBJECTS = new SharedParts<number>();
const CODE_SIGNATURES = new SharedParts<string>();
const HASHES = new SharedParts<string>();
const TERMINALS = new SharedParts<number>();
const GROUP_LEADERS = new SharedParts<number>();
/** An executable path and its name, one pair per path (see `imageNamesOf`). */
const IMAGE_NAMES = new SharedParts<string, { executable: string; name: string }>();

/** The ECS fields of one image, without `parent` and `Ext` (the table stores exactly these). */
export function processFieldsOf(process: EsProcess, scope: EntityIdScope): EcsDocument {
  const token = process.auditToken;
  const image = imageNamesOf(process.executablePath);
  const entityId = entityIdOf(scope, token.pid, token.pidversion);
  const { startTime, cdhash, groupId } = process;
  const fields: EcsDocument =
    startTime !== undefined && cdhash !== undefined && groupId !== undefined
      ? // What ES reports of nearly every process, as one literal: V8 then allocates the object
        // at its full size instead of growing its property storage key by key. Same key order
        // as the general case below.
        {
          pid: token.pid,
          entity_id: entityId,
          name: image.name,
          executable: image.executable,
          start: startTime,
          code_signature: sharedCodeSignatureOf(process),
          hash: hashOf(cdhash),
          user: idObjectOf(token.euid),
          real_user: idObjectOf(token.ruid),
          group: idObjectOf(token.egid),
          real_group: idObjectOf(token.rgid),
          group_leader: groupLeaderOf(groupId),
          interactive: process.tty !== undefined,
        }
      : partialFieldsOf(process, entityId, image);

  const rdev = process.tty?.rdev;
  if (rdev !== undefined) {
    fields['tty'] =
      TERMINALS.find(rdev) ?? TERMINALS.add(rdev, { char_device: charDeviceOf(rdev) });
  }
  return fields;
}

/** `processFieldsOf` for a process that lacks a start time, a cdhash or a process group. */
function partialFieldsOf(
  process: EsProcess,
  entityId: string,
  image: { executable: string; name: string },
): EcsDocument {
  const token = process.auditToken;
  const fields: EcsDocument = {
    pid: token.pid,
    entity_id: entityId,
    name: image.name,
    executable: image.executable,
  };
  if (process.startTime !== undefined) fields['start'] = process.startTime;
  fields['code_signature'] = sharedCodeSignatureOf(process);
  if (process.cdhash !== undefined) fields['hash'] = hashOf(process.cdhash);
  addIdentityFields(fields, token);
  if (process.groupId !== undefined) fields['group_leader'] = groupLeaderOf(process.groupId);
  fields['interactive'] = process.tty !== undefined;
  return fields;
}

function hashOf(cdhash: string): EcsDocument {
  return HASHES.find(cdhash) ?? HASHES.add(cdhash, { cdhash: cdhash.toLowerCase() });
}

function groupLeaderOf(groupId: number): EcsDocument {
  return GROUP_LEADERS.find(groupId) ?? GROUP_LEADERS.add(groupId, { pid: groupId });
}

/** Adds the fields that only exec reports to an image's fields: args and the working directory. */
export function addExecFields(fields: EcsDocument, args: string[], cwd: string | undefined): void {
  fields['args'] = args;
  fields['args_count'] = args.length;
  // Elastic Defend joins argv with single spaces, unquoted; rules match that form.
  fields['command_line'] = args.join(' ');
  if (cwd !== undefined) fields['working_directory'] = cwd;
}

/**
 * `process.parent`: the table's entry for the parent image when it has one; otherwise what the
 * audit token alone tells (pid, entity id, user and group ids), so `process.parent.executable`
 * is then missing and rules that exclude a parent by path do fire.
 */
export function parentFieldsOf(
  parentToken: AuditToken | undefined,
  ppid: number,
  entry: ProcessEntry | undefined,
  scope: EntityIdScope,
): EcsDocument {
  // The table never changes a fields object once stored (updates store a new one), and events
  // are not changed after normalization, so the entry's object is shared, not copied.
  if (entry !== undefined) return entry.fields;
  if (parentToken === undefined) return { pid: ppid };

  const fields: EcsDocument = {
    pid: parentToken.pid,
    entity_id: entityIdOf(scope, parentToken.pid, parentToken.pidversion),
  };
  addIdentityFields(fields, parentToken);
  return fields;
}

/**
 * `process.Ext.effective_parent` (Elastic Defend's extension): the responsible process, the one
 * macOS holds accountable (the app behind an XPC helper, Terminal behind a shell). Name and
 * executable come from the table, or from `self` when a process is responsible for itself.
 */
export function effectiveParentOf(
  token: AuditToken,
  entry: ProcessEntry | undefined,
  self: EcsDocument,
  scope: EntityIdScope,
): EcsDocument {
  const entityId = entry?.entityId ?? entityIdOf(scope, token.pid, token.pidversion);
  const known = entry?.fields ?? (self['entity_id'] === entityId ? self : undefined);
  const fields: EcsDocument = { pid: token.pid, entity_id: entityId };
  copyString(known, 'name', fields);
  copyString(known, 'executable', fields);
  return fields;
}

/**
 * `{executable, name}` of a path. The table holds the fields of tens of thousands of images that
 * run the same few programs; sharing one copy of each path and name keeps them out of every
 * entry (each message brings its own copy of the path).
 */
function imageNamesOf(path: string): { executable: string; name: string } {
  return (
    IMAGE_NAMES.find(path) ?? IMAGE_NAMES.add(path, { executable: path, name: baseName(path) })
  );
}

function addIdentityFields(fields: EcsDocument, token: AuditToken): void {
  fields['user'] = idObjectOf(token.euid);
  fields['real_user'] = idObjectOf(token.ruid);
  fields['group'] = idObjectOf(token.egid);
  fields['real_group'] = idObjectOf(token.rgid);
}

/** A length-prefixed key part: no id can pass for another, or for a missing one. */
function keyPart(value: string | undefined): string {
  return value === undefined ? '-' : `${value.length}:${value}`;
}

/** `{id: "501"}`, shared and frozen: ECS user and group ids are decimal strings. */
export function idObjectOf(id: number): EcsDocument {
  return ID_OBJECTS.find(id) ?? ID_OBJECTS.add(id, { id: String(id) });
}

/** The code signature, shared by every image with the same signing facts. */
function sharedCodeSignatureOf(process: EsProcess): EcsDocument {
  const { signingId, teamId, codesigningFlags, isPlatformBinary } = process;
  const key = `${codesigningFlags}|${isPlatformBinary}|${keyPart(signingId)}|${keyPart(teamId)}`;
  return CODE_SIGNATURES.find(key) ?? CODE_SIGNATURES.add(key, codeSignatureOf(process));
}

function charDeviceOf(rdev: number): EcsDocument {
  return { major: Math.floor(rdev / 0x100_0000) & 0xff, minor: rdev % 0x100_0000 };
}

function copyString(from: EcsDocument | undefined, key: string, to: EcsDocument): void {
  const value: JsonValue | undefined = from?.[key];
  if (typeof value === 'string') to[key] = value;
}

export function baseName(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash === -1 ? path : path.slice(slash + 1);
}
