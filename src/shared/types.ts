/**
 * Shapes that cross stage boundaries. An ECS document is plain JSON: nested objects (the form
 * execwatch produces) or dotted keys (accepted on input); readers must handle both.
 */

export type JsonValue =
  string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** One ECS document (event or alert) as plain nested JSON. */
export type EcsDocument = { [key: string]: JsonValue };

/** Where an event came from: a recording's file and 1-based line, or a live source's name. */
export interface EventOrigin {
  source: string;
  file?: string;
  line?: number;
}
