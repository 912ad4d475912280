/**
 * Public surface of normalization: raw ES messages (eslogger's JSON shape, which the native addon
 * also produces) and ECS documents → ECS process events. One mapping, shared by every source.
 *
 * - `parseEsloggerLine`: JSON.parse that keeps integers beyond 2^53 exact, as decimal strings.
 * - `createNormalizer`: exec/fork/exit → ECS events, others skipped, bad shapes malformed.
 * - `HostInfo` / `describeLocalHost`: the `host.*` of events.
 * - code-signing flag constants, for sources and tests.
 */
export {
  parseEsloggerLine,
  parseGuessedJsonLine,
  parseJsonLine,
  quoteValueLikeIntegers,
  quoteValueLikeIntegersInBytes,
} from './eslogger-json.js';
export {
  createNormalizer,
  type NormalizeOutcome,
  type Normalizer,
  type NormalizerOptions,
} from './normalizer.js';
export { describeLocalHost, type HostInfo } from './host.js';
export {
  APPLE_PLATFORM_SUBJECT,
  CS_ADHOC,
  CS_PLATFORM_BINARY,
  CS_RUNTIME,
  CS_SIGNED,
  CS_VALID,
  codeSignatureOf,
} from './code-signing.js';
export { expandDottedKeys } from './ecs-input.js';
export type { AuditToken, EsProcess } from './es-message.js';
