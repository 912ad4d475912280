/**
 * Reading fields of an alert document by their dotted ECS name. Documents may be nested
 * (`{"event": {"id": …}}`) or carry dotted keys (`{"event.id": …}`), or a mix; both are found.
 */
import type { EcsDocument, JsonValue } from '../shared/types.js';

export function readField(document: EcsDocument, dottedName: string): JsonValue | undefined {
  if (Object.hasOwn(document, dottedName)) return document[dottedName];

  const parts = dottedName.split('.');
  for (let split = parts.length - 1; split >= 1; split -= 1) {
    const head = parts.slice(0, split).join('.');
    const child = document[head];
    if (!isObject(child)) continue;
    const found = readField(child, parts.slice(split).join('.'));
    if (found !== undefined) return found;
  }
  return undefined;
}

export function readString(document: EcsDocument, dottedName: string): string | undefined {
  const value = readField(document, dottedName);
  return typeof value === 'string' ? value : undefined;
}

/** Sets a field as nested objects, creating parents as needed. */
export function writeField(document: EcsDocument, dottedName: string, value: JsonValue): void {
  const parts = dottedName.split('.');
  let node = document;
  for (const part of parts.slice(0, -1)) {
    const child = node[part];
    if (isObject(child)) {
      node = child;
    } else {
      const created: EcsDocument = {};
      node[part] = created;
      node = created;
    }
  }
  node[parts.at(-1) as string] = value;
}

/** JSON with object keys sorted at every level: the same document always gives the same text. */
export function canonicalJson(value: JsonValue): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (!isObject(value)) return JSON.stringify(value);

  const members = Object.keys(value)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key] as JsonValue)}`);
  return `{${members.join(',')}}`;
}

export function isObject(value: JsonValue | undefined): value is EcsDocument {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
