/**
 * Public surface of the event sources: one interface (types.ts), one module per source. A plain
 * list of re-exports; each source adds its own lines.
 */
export type {
  EcsRecord,
  EsMessageRecord,
  EventSource,
  MalformedRecord,
  SourceRecord,
} from './types.js';
export {
  createReplaySource,
  REPLAY_DEFAULTS,
  type ReplayProgress,
  type ReplaySourceOptions,
} from './replay.js';
export { detectRecordFormat, type RecordingFormat } from './format-detect.js';
export { splitLines, StopSignal } from './line-reader.js';
export {
  createEsloggerSource,
  createEsloggerStatusLogger,
  ESLOGGER_DEFAULTS,
  isMutedExec,
  nextRestartDelayMs,
  systemTimers,
  type EsloggerSource,
  type EsloggerSourceOptions,
  type EsloggerStats,
  type EsloggerStatus,
  type SourceTimers,
} from './eslogger.js';
export {
  createEndpointSecuritySource,
  loadEndpointSecurityAddon,
  type EndpointSecuritySource,
  type EndpointSecuritySourceOptions,
  type EndpointSecurityStats,
  type EsAddon,
  type EsAddonStats,
} from './endpoint-security.js';
export {
  createSourceFromConfig,
  selectLiveSource,
  type SourceDependencies,
  type SourceName,
  type SourceSelection,
} from './auto.js';
export {
  ES_CLIENT_FAILURES,
  esClientError,
  findEsClientResultName,
  type EsClientResultName,
} from './es-errors.js';
export {
  DEFAULT_ESLOGGER_PATH,
  sourceConfigSchema,
  type RestartPolicy,
  type SourceConfig,
  type SourceMute,
} from './config-schema.js';
export {
  takeProcessSnapshot,
  type ProcessSnapshotEntry,
  type ProcessSnapshotOptions,
} from './process-snapshot.js';
