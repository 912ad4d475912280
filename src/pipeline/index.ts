/**
 * Public surface of `pipeline`: the one way an event travels, shared by the agent, `replay`,
 * `query` and `rules test` — source record → normalize (with the process table) → consumer.
 * The detection consumer adds matching and alert building; `query` plugs in its own.
 */
export { createEventPipeline, drainSource } from './event-pipeline.js';
export type { EventPipeline, EventPipelineOptions, PipelineStats } from './event-pipeline.js';
export { createDetectionPipeline, detectInRecordings } from './detection-pipeline.js';
export type {
  DetectionPipeline,
  DetectionPipelineOptions,
  RaisedAlert,
  RecordingDetections,
} from './detection-pipeline.js';
