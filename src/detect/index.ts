/**
 * Public surface of `detect`: the engine that runs compiled rules on ECS events, with prefilter
 * dispatch, per-rule sequence state, exceptions, alert suppression and `max_signals` throttling.
 */
export { createDetectionEngine } from './engine.js';
export type {
  Detection,
  DetectionEngine,
  DetectionEngineOptions,
  DetectionEngineStats,
} from './engine.js';
export { suppressionKey } from './alert-gate.js';
