/**
 * The detection consumer of the event pipeline: every normalized event goes through the
 * detection engine, each detection becomes an ECS alert, and the alert is handed on together
 * with the matched process's ancestry (for the readable rendering; the ancestry is not part of
 * the alert document, which stays pure ECS).
 */
import { buildAlert } from '../alerts/index.js';
import type { AgentInfo, AncestryEntry } from '../alerts/index.js';
import { createDetectionEngine } from '../detect/index.js';
import type { Detection, DetectionEngine } from '../detect/index.js';
import { createNormalizer } from '../normalize/index.js';
import type { HostInfo } from '../normalize/index.js';
import { createProcessTable } from '../process-table/index.js';
import type { ProcessTable, SeedProcess } from '../process-table/index.js';
import type { LoadedRule } from '../rules/index.js';
import type { ExecwatchError } from '../shared/errors.js';
import type { EcsDocument, EventOrigin } from '../shared/types.js';
import { createReplaySource } from '../sources/replay.js';
import { createEventPipeline, drainSource } from './event-pipeline.js';
import type { EventPipeline, PipelineStats } from './event-pipeline.js';

/** How many ancestors the readable rendering shows above the matched process. */
const MAX_ANCESTRY_DEPTH = 6;

export interface RaisedAlert {
  alert: EcsDocument;
  detection: Detection;
  origin: EventOrigin;
  ancestry: AncestryEntry[];
}

export interface DetectionPipelineOptions {
  engine: DetectionEngine;
  agent: AgentInfo;
  table?: ProcessTable;
  host?: HostInfo;
  now?: () => Date;
  onAlert: (raised: RaisedAlert) => void;
  onProblem?: (error: ExecwatchError) => void;
}

export interface DetectionPipeline extends EventPipeline {
  /** The processes running when a live source started; see `ProcessTable.seed`. */
  seedProcesses(processes: readonly SeedProcess[]): void;
  /** At the end of input: completes sequences still waiting on a trailing `![…]` step. */
  finish(): void;
  stats(): PipelineStats & { alerts: number };
}

export function createDetectionPipeline(options: DetectionPipelineOptions): DetectionPipeline {
  const table = options.table ?? createProcessTable();
  const now = options.now ?? (() => new Date());
  const normalizer = createNormalizer(
    options.host === undefined ? { table } : { table, host: options.host },
  );
  let alerts = 0;

  function raise(detections: readonly Detection[], origin: EventOrigin): void {
    for (const detection of detections) {
      alerts += 1;
      const alert = buildAlert(detection, { agent: options.agent, now });
      const last = detection.events[detection.events.length - 1];
      const ancestry = last === undefined ? [] : ancestryOf(table, last);
      options.onAlert({ alert, detection, origin, ancestry });
    }
  }

  let lastOrigin: EventOrigin = { source: 'none' };
  function onEvent(event: EcsDocument, origin: EventOrigin): void {
    lastOrigin = origin;
    raise(options.engine.process(event), origin);
  }

  const events = createEventPipeline({
    normalizer,
    onEvent,
    ...(options.onProblem === undefined ? {} : { onProblem: options.onProblem }),
  });
  return {
    handle: events.handle,
    seedProcesses: (processes) => normalizer.seedProcesses(processes),
    finish: () => raise(options.engine.flush(), lastOrigin),
    stats: () => ({ ...events.stats(), alerts }),
  };
}

function ancestryOf(table: ProcessTable, event: EcsDocument): AncestryEntry[] {
  const process = event.process;
  if (process === null || typeof process !== 'object' || Array.isArray(process)) return [];
  const entityId = process.entity_id;
  if (typeof entityId !== 'string') return [];

  return table
    .ancestry(entityId, MAX_ANCESTRY_DEPTH)
    .reverse()
    .map((summary) => ({
      pid: summary.pid,
      name: summary.name ?? null,
      commandLine: summary.args?.join(' ') ?? summary.executable ?? null,
    }));
}

export interface RecordingDetections {
  detections: Detection[];
  raised: RaisedAlert[];
  problems: ExecwatchError[];
  stats: PipelineStats & { alerts: number };
}

/**
 * Runs recordings through a fresh pipeline with the given rules and collects what fired: the
 * engine room of `rules test` and of tests that need the whole way an event travels.
 */
export async function detectInRecordings(options: {
  paths: string[];
  rules: LoadedRule[];
  format?: 'auto' | 'eslogger' | 'ecs';
  agent?: AgentInfo;
}): Promise<RecordingDetections> {
  const raised: RaisedAlert[] = [];
  const problems: ExecwatchError[] = [];
  const pipeline = createDetectionPipeline({
    engine: createDetectionEngine({ rules: options.rules }),
    agent: options.agent ?? { id: 'rules-test', name: 'rules-test', version: '0' },
    onAlert: (alert) => raised.push(alert),
    onProblem: (error) => problems.push(error),
  });

  const source = createReplaySource({ paths: options.paths, format: options.format ?? 'auto' });
  await drainSource(source, pipeline.handle);
  pipeline.finish();
  return {
    detections: raised.map((r) => r.detection),
    raised,
    problems,
    stats: pipeline.stats(),
  };
}
