/**
 * One ES exec, fork or exit message → one ECS process event, updating the process table.
 *
 * Conventions follow Elastic Defend on macOS:
 * - exec → `event.action` "exec", `event.type` ["start"]; `process` is the new image (ES's
 *   `event.exec.target`: same pid, new pidversion, so a new entity id), `process.parent` the
 *   target's `parent_audit_token` looked up in the table (the shell that forked, not the forked
 *   copy that exec replaced).
 * - fork → "fork", ["start"]; `process` is `event.fork.child` (it inherits the parent's args and
 *   working directory, taken from the table), `process.parent` the forking process.
 * - exit → "end", ["end"]; `process` is the exiting image with what the table knew of it,
 *   `process.end` the event time, `process.exit_code` the `wait(2)` exit status when it exited
 *   normally (left empty when a signal ended it: ECS has no field for the signal).
 * - `event.category` ["process"], `event.kind` "event", `event.sequence` = `global_seq_num` (the
 *   ES client's counter across all event types; gaps are drops). No `event.id`: ES has no
 *   stable id, and `global_seq_num` restarts with every client.
 * - `@timestamp` = the message's `time`, verbatim (RFC 3339 with nanoseconds).
 * - `user.id` / `group.id` = the process's effective uid / gid (names are not in ES messages).
 * - `process.thread.id` = the message's thread (the thread that made the call).
 *
 * Invariant: the message is fully read before the table changes, so a malformed message leaves
 * the table as it was.
 */
import {
  entityIdOf,
  type EntityIdScope,
  type ProcessSighting,
  type ProcessTable,
} from '../process-table/index.js';
import type { EcsDocument } from '../shared/types.js';
import {
  readExecEvent,
  readExitStatus,
  readForkChild,
  type AuditToken,
  type EsEnvelope,
  type EsProcess,
} from './es-message.js';
import {
  effectiveParentOf,
  addExecFields,
  idObjectOf,
  parentFieldsOf,
  processFieldsOf,
} from './map-process.js';

/** What every mapping needs: the table, the entity id scope and the shared `host` object. */
export interface MappingContext {
  table: ProcessTable;
  scope: EntityIdScope;
  host: EcsDocument;
}

const INHERITED_AT_FORK = ['args', 'args_count', 'command_line', 'working_directory'] as const;

export function mapExec(envelope: EsEnvelope, exec: unknown, context: MappingContext): EcsDocument {
  const { table, scope } = context;
  const event = readExecEvent(exec, 'event.exec');
  const before = envelope.process;
  const target = event.target;
  const parentToken = target.parentToken ?? before.parentToken;

  observeProcess(before, envelope.timeMs, context);
  const image = processFieldsOf(target, scope);
  addExecFields(image, event.args, event.cwd);
  table.recordExec(before.auditToken, sightingOf(target, image, context), envelope.timeMs);

  const parentEntry = parentToken === undefined ? undefined : table.get(parentToken);
  const process = eventProcessOf(image, target);
  process['parent'] = parentFieldsOf(parentToken, target.ppid, parentEntry, scope);
  addEffectiveParent(process, target, context);
  addThread(process, envelope);
  return eventDocument(envelope, 'exec', ['start'], process, target.auditToken, context);
}

export function mapFork(envelope: EsEnvelope, fork: unknown, context: MappingContext): EcsDocument {
  const { table, scope } = context;
  const child = readForkChild(fork, 'event.fork');
  const forker = envelope.process;

  const forkerEntry = observeProcess(forker, envelope.timeMs, context);
  const childFields = processFieldsOf(child, scope);
  for (const key of INHERITED_AT_FORK) {
    const inherited = forkerEntry.fields[key];
    if (inherited !== undefined) childFields[key] = inherited;
  }
  table.observe(sightingOf(child, childFields, context), envelope.timeMs);

  const process = eventProcessOf(childFields, child);
  process['parent'] = parentFieldsOf(forker.auditToken, child.ppid, forkerEntry, scope);
  addEffectiveParent(process, child, context);
  addThread(process, envelope);
  return eventDocument(envelope, 'fork', ['start'], process, child.auditToken, context);
}

export function mapExit(envelope: EsEnvelope, exit: unknown, context: MappingContext): EcsDocument {
  const { table } = context;
  const status = readExitStatus(exit, 'event.exit');
  const exiting = envelope.process;

  const entry = observeProcess(exiting, envelope.timeMs, context);
  const parentToken = exiting.parentToken;
  const parentEntry = parentToken === undefined ? undefined : table.get(parentToken);
  const process = eventProcessOf(entry.fields, exiting);
  process['parent'] = parentFieldsOf(parentToken, exiting.ppid, parentEntry, context.scope);
  process['end'] = envelope.time;
  const exitCode = exitCodeOf(status);
  if (exitCode !== undefined) process['exit_code'] = exitCode;
  addEffectiveParent(process, exiting, context);
  addThread(process, envelope);

  table.recordExit(exiting.auditToken, envelope.timeMs);
  return eventDocument(envelope, 'end', ['end'], process, exiting.auditToken, context);
}

/** `WEXITSTATUS` when `WIFEXITED`; undefined when a signal ended the process. */
export function exitCodeOf(waitStatus: number | undefined): number | undefined {
  if (waitStatus === undefined) return undefined;
  const exitedNormally = (waitStatus & 0x7f) === 0;
  return exitedNormally ? (waitStatus >> 8) & 0xff : undefined;
}

/** The table's entry for `process`, inserted on first sighting (fields are built only then). */
function observeProcess(process: EsProcess, timeMs: number, context: MappingContext) {
  const known = context.table.get(process.auditToken);
  if (known !== undefined) return known;
  const fields = processFieldsOf(process, context.scope);
  return context.table.observe(sightingOf(process, fields, context), timeMs);
}

/** A sighting of `process`, whose `fields` (from `processFieldsOf`) hold its entity id. */
function sightingOf(process: EsProcess, fields: EcsDocument, context: MappingContext) {
  const { pid, pidversion } = process.auditToken;
  const sighting: ProcessSighting = {
    entityId: fields['entity_id'] as string,
    pid,
    pidversion,
    fields,
  };
  const parent = process.parentToken;
  if (parent !== undefined) sighting.parentEntityId = entityIdFor(parent, context);
  return sighting;
}

/** The entity id of the image `token` names: the table's when it holds the image (most do). */
function entityIdFor(token: AuditToken, context: MappingContext): string {
  return (
    context.table.get(token)?.entityId ?? entityIdOf(context.scope, token.pid, token.pidversion)
  );
}

/**
 * A new object for the event's `process`: the image's fields, then `session_leader`. Built by
 * copying, never by an object literal that spreads and then adds keys: V8 (Node 20) keeps such
 * literals' results reachable across young-generation collections, so every event would be
 * promoted to the old generation (measured: about 30% of all normalization allocation).
 */
function eventProcessOf(fields: EcsDocument, subject: EsProcess): EcsDocument {
  const process: EcsDocument = Object.assign({}, fields);
  if (subject.sessionId !== undefined) process['session_leader'] = { pid: subject.sessionId };
  return process;
}

function addEffectiveParent(process: EcsDocument, subject: EsProcess, context: MappingContext) {
  const token = subject.responsibleToken;
  if (token === undefined) return;
  const entry = context.table.get(token);
  const effectiveParent = effectiveParentOf(token, entry, process, context.scope);
  process['Ext'] = { effective_parent: effectiveParent };
}

function addThread(process: EcsDocument, envelope: EsEnvelope): void {
  if (envelope.threadId !== undefined) process['thread'] = { id: envelope.threadId };
}

function eventDocument(
  envelope: EsEnvelope,
  action: string,
  type: string[],
  process: EcsDocument,
  token: AuditToken,
  context: MappingContext,
): EcsDocument {
  const event: EcsDocument = { kind: 'event', category: ['process'], type, action };
  if (envelope.globalSeqNum !== undefined) event['sequence'] = envelope.globalSeqNum;

  return {
    '@timestamp': envelope.time,
    event,
    host: context.host,
    process,
    user: idObjectOf(token.euid),
    group: idObjectOf(token.egid),
  };
}
