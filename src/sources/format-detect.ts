/**
 * Which kind of recording a line belongs to, from its top-level keys.
 *
 * eslogger messages carry `event_type` (and `event`, `process`, `version`); ECS documents carry
 * `@timestamp` and a category under `event` (nested or as a dotted key). ECS is checked first:
 * an ECS document also has `event` and `process` objects, but never `event_type`, and an
 * eslogger message never has `@timestamp`.
 */
export type RecordingFormat = 'eslogger' | 'ecs';

/** The format `value` is written in, or undefined when it looks like neither. */
export function detectRecordFormat(value: Record<string, unknown>): RecordingFormat | undefined {
  if ('@timestamp' in value || 'event.category' in value || hasNestedCategory(value)) {
    return 'ecs';
  }
  const hasEsloggerEnvelope = 'event' in value && 'process' in value;
  if ('event_type' in value || hasEsloggerEnvelope) return 'eslogger';
  return undefined;
}

function hasNestedCategory(value: Record<string, unknown>): boolean {
  const event = value['event'];
  return typeof event === 'object' && event !== null && 'category' in event;
}
