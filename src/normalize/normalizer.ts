/**
 * The normalizer: the one mapping from source records to ECS process events, shared by the
 * replay, eslogger and native sources.
 *
 * Approach: classify the message by the key under `event` (exec, fork, exit, or anything else,
 * which is skipped with a reason the pipeline counts), read it with the tolerant readers of
 * es-message.ts, then map it (map-es-message.ts). A message of the wrong shape becomes a
 * `malformed` outcome naming the field; nothing here throws for bad input, and nothing logs.
 * ECS documents pass through with dotted keys expanded and feed the table where they can.
 */
import { entityIdOf } from '../process-table/index.js';
import type { EntityIdScope, ProcessTable, SeedProcess } from '../process-table/index.js';
import { ExecwatchError } from '../shared/errors.js';
import type { EcsDocument, EventOrigin, JsonValue } from '../shared/types.js';
import { expandDottedKeys } from './ecs-input.js';
import { eventKindOf, isRecord, readEnvelope, ShapeError } from './es-message.js';
import { describeLocalHost, hostFieldsOf, type HostInfo } from './host.js';
import { mapExec, mapExit, mapFork, type MappingContext } from './map-es-message.js';

export type NormalizeOutcome =
  | { kind: 'event'; event: EcsDocument }
  | { kind: 'skipped'; reason: string }
  | { kind: 'malformed'; error: ExecwatchError };

export interface Normalizer {
  /** An ES message (eslogger's JSON shape) → an ECS event, a skip, or a malformed report. */
  normalize(message: unknown, origin: EventOrigin): NormalizeOutcome;
  /** An ECS document from a recording → the same event with nested keys; feeds the table. */
  normalizeEcs(document: EcsDocument, origin: EventOrigin): NormalizeOutcome;
  /** The processes running at start (live sources): parents of the first events. */
  seedProcesses(processes: readonly SeedProcess[]): void;
}

export interface NormalizerOptions {
  table: ProcessTable;
  /** The host the events came from; defaults to this machine (right for replays only). */
  host?: HostInfo;
}

/** Creates a normalizer that maps into `options.table`'s process state. */
export function createNormalizer(options: NormalizerOptions): Normalizer {
  const host = options.host ?? describeLocalHost();
  const scope: EntityIdScope = {
    hostKey: host.id ?? host.hostname,
    ...(host.bootId === undefined ? {} : { bootId: host.bootId }),
  };
  const context: MappingContext = { table: options.table, scope, host: hostFieldsOf(host) };

  return {
    normalize: (message, origin) => normalizeMessage(message, origin, context),
    normalizeEcs: (document, origin) => normalizeEcsDocument(document, origin, context.table),
    seedProcesses: (processes) => {
      options.table.seed(processes, (pid, pidversion) => entityIdOf(scope, pid, pidversion));
    },
  };
}

const MAPPERS = { exec: mapExec, fork: mapFork, exit: mapExit } as const;

function normalizeMessage(
  message: unknown,
  origin: EventOrigin,
  context: MappingContext,
): NormalizeOutcome {
  if (!isRecord(message)) {
    return malformed(new ShapeError('(message)', 'a JSON object'), origin);
  }
  const kind = eventKindOf(message);
  if (kind === undefined) {
    return malformed(new ShapeError('event', 'an object keyed by the event name'), origin);
  }
  if (!(kind === 'exec' || kind === 'fork' || kind === 'exit')) {
    return { kind: 'skipped', reason: `unsupported event type: ${kind}` };
  }

  try {
    const envelope = readEnvelope(message);
    const event = (message['event'] as Record<string, unknown>)[kind];
    return { kind: 'event', event: MAPPERS[kind](envelope, event, context) };
  } catch (error) {
    if (error instanceof ShapeError) return malformed(error, origin);
    throw error;
  }
}

function normalizeEcsDocument(
  document: EcsDocument,
  origin: EventOrigin,
  table: ProcessTable,
): NormalizeOutcome {
  try {
    const event = expandDottedKeys(document);
    feedTable(event, table);
    return { kind: 'event', event };
  } catch (error) {
    if (error instanceof ShapeError) return malformed(error, origin);
    throw error;
  }
}

/**
 * ECS process events teach the table their process and its parent (by entity id: ECS has no
 * pidversion), so alerts on ECS recordings draw ancestry too. An `end` event marks the exit.
 */
function feedTable(event: EcsDocument, table: ProcessTable): void {
  const process = event['process'];
  if (!isRecord(process)) return;
  const timeMs = timeOf(event['@timestamp']);
  const fields = withoutKeys(process as EcsDocument, ['parent', 'Ext']);
  const parentValue = process['parent'];
  const parent = isRecord(parentValue) ? (parentValue as EcsDocument) : undefined;

  const parentSighting = sightingOfEcs(parent, undefined);
  if (parentSighting !== undefined) table.observe(parentSighting, timeMs);
  const sighting = sightingOfEcs(fields, parentSighting?.entityId);
  if (sighting === undefined) return;
  table.observe(sighting, timeMs);

  if (hasType(event, 'end') && Number.isFinite(timeMs)) table.recordExit(sighting.entityId, timeMs);
}

function withoutKeys(document: EcsDocument, keys: string[]): EcsDocument {
  const copy: EcsDocument = {};
  for (const [key, value] of Object.entries(document)) {
    if (!keys.includes(key)) copy[key] = value;
  }
  return copy;
}

function sightingOfEcs(fields: EcsDocument | undefined, parentEntityId: string | undefined) {
  const entityId = fields?.['entity_id'];
  const pid = fields?.['pid'];
  if (fields === undefined || typeof entityId !== 'string' || typeof pid !== 'number') {
    return undefined;
  }
  return { entityId, pid, fields, ...(parentEntityId === undefined ? {} : { parentEntityId }) };
}

function timeOf(timestamp: JsonValue | undefined): number {
  // Without a usable time the table's clock stays where it was (NaN never advances it).
  return typeof timestamp === 'string' ? Date.parse(timestamp) : Number.NaN;
}

function hasType(event: EcsDocument, type: string): boolean {
  const eventFields = event['event'];
  if (!isRecord(eventFields)) return false;
  const types = eventFields['type'];
  return Array.isArray(types) ? types.includes(type) : types === type;
}

function malformed(error: ShapeError, origin: EventOrigin): NormalizeOutcome {
  const location = {
    ...(origin.file === undefined ? {} : { file: origin.file }),
    ...(origin.line === undefined ? {} : { line: origin.line }),
  };
  const message = `Not a usable event: ${error.message}`;
  return {
    kind: 'malformed',
    error: new ExecwatchError('MALFORMED_EVENT', message, { cause: error, location }),
  };
}
