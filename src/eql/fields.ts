/**
 * Field access on ECS documents. A field path such as `process.parent.name` must find its value
 * whether the document nests objects (`{"process": {"parent": {"name": …}}}`), uses dotted
 * keys (`{"process.parent.name": …}`), or mixes both (`{"process.parent": {"name": …}}`), and
 * it must walk through arrays of objects on the way
 * (`{"process": [{"name": "a"}, {"name": "b"}]}` gives both names).
 *
 * Approach: the path is split once, at compile time, into every dotted key it can be spelled as
 * from each position, so an access tries `parts[i]`, then `parts[i].parts[i+1]`, … without
 * building strings per event. The nested spelling is tried first (it is what execwatch itself
 * produces). Without arrays on the way an access allocates nothing; a leaf array is returned as
 * is, and only arrays of objects in the middle of a path build a list of the values found.
 * Readers for paths of up to three parts first try plain nested property access, which is what
 * nearly every event has, and fall back to the general walk only when that finds nothing.
 */

/** Reads one field from a document; `undefined` when the field is absent. */
export type FieldReader = (document: unknown) => unknown;

interface PathPlan {
  /** `keys[from][n]`: the path parts from `from` to `from + n` joined with dots. */
  keys: string[][];
  length: number;
}

/** Builds a reader for a field path (`['process', 'parent', 'name']`), once. */
export function compileFieldReader(path: readonly string[]): FieldReader {
  const plan = planPath(path);
  const parts = path.map(internalize);
  const [first = '', second = '', third = ''] = parts;
  if (path.length === 1) return (document) => readKey(document, first, plan);

  const general = (document: unknown) => lookup(document, plan, 0);
  if (path.length === 2) {
    return (document) => {
      const outer = child(document, first);
      const value = outer === undefined ? undefined : child(outer, second);
      return value === undefined ? general(document) : value;
    };
  }
  if (path.length === 3) {
    return (document) => {
      const outer = child(document, first);
      const middle = outer === undefined ? undefined : child(outer, second);
      const value = middle === undefined ? undefined : child(middle, third);
      return value === undefined ? general(document) : value;
    };
  }
  return general;
}

/** A plain object's own-looking member, or undefined (arrays and scalars have none here). */
function child(node: unknown, key: string): unknown {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return undefined;
  const value = (node as Record<string, unknown>)[key];
  return typeof value === 'function' ? undefined : value;
}

/**
 * The engine's canonical copy of a string used as a property key: V8 looks properties up by
 * internalized strings, and a key built by `join` would be internalized again on every access.
 */
function internalize(key: string): string {
  return Object.keys({ [key]: true })[0] ?? key;
}

function planPath(path: readonly string[]): PathPlan {
  const keys: string[][] = [];
  for (let from = 0; from < path.length; from++) {
    const spellings: string[] = [];
    for (let end = from + 1; end <= path.length; end++) {
      spellings.push(internalize(path.slice(from, end).join('.')));
    }
    keys.push(spellings);
  }
  return { keys, length: path.length };
}

function readKey(document: unknown, key: string, plan: PathPlan): unknown {
  if (Array.isArray(document)) return lookup(document, plan, 0);
  if (document === null || typeof document !== 'object') return undefined;
  const value = (document as Record<string, unknown>)[key];
  return typeof value === 'function' ? undefined : value;
}

function lookup(node: unknown, plan: PathPlan, from: number): unknown {
  if (from === plan.length) return node;
  if (Array.isArray(node)) return collectFromArray(node, plan, from);
  if (node === null || typeof node !== 'object') return undefined;

  const record = node as Record<string, unknown>;
  const spellings = plan.keys[from] ?? [];
  for (let index = 0; index < spellings.length; index++) {
    const child = record[spellings[index] ?? ''];
    // `typeof function` guards against inherited members such as `constructor`.
    if (child === undefined || typeof child === 'function') continue;

    const found = lookup(child, plan, from + index + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The values of the rest of the path under each element of an array, flattened. */
function collectFromArray(elements: readonly unknown[], plan: PathPlan, from: number): unknown {
  const found: unknown[] = [];
  for (const element of elements) {
    const value = lookup(element, plan, from);
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) found.push(...(value as unknown[]));
    else found.push(value);
  }
  return found.length === 0 ? undefined : found;
}

/** Reads `event.category`: a string, a list of strings, or undefined. */
export const readEventCategory: FieldReader = compileFieldReader(['event', 'category']);

/** True when the document's `event.category` is, or contains, `category`. */
export function hasCategory(document: unknown, category: string): boolean {
  const event = child(document, 'event');
  const nested = event === undefined ? undefined : child(event, 'category');
  const value = nested === undefined ? readEventCategory(document) : nested;
  if (value === category) return true;
  if (!Array.isArray(value)) return false;
  for (const element of value) {
    if (element === category) return true;
  }
  return false;
}

/** The event's `@timestamp` in epoch milliseconds (ISO-8601 string or number), or null. */
export function readTimestampMs(document: unknown): number | null {
  if (document === null || typeof document !== 'object') return null;
  const value = (document as Record<string, unknown>)['@timestamp'];
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value !== 'string') return null;
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? null : parsed;
}
