/**
 * ECS documents read from recordings: dotted keys (`"process.name": "ls"`) expanded into nested
 * objects, so every later stage reads one form. Values are kept as they are; a key that is both a
 * value and an object (`"process": "x"` beside `"process.name"`) is a shape error.
 */
import type { EcsDocument, JsonValue } from '../shared/types.js';
import { isRecord, ShapeError } from './es-message.js';

/** A nested copy of `document`; the same object when it has no dotted key at any depth. */
export function expandDottedKeys(document: EcsDocument): EcsDocument {
  if (!hasDottedKey(document)) return document;

  const expanded: EcsDocument = {};
  for (const [key, value] of Object.entries(document)) {
    const nestedValue = isRecord(value) ? expandDottedKeys(value as EcsDocument) : value;
    setPath(expanded, key.split('.'), nestedValue, key);
  }
  return expanded;
}

function hasDottedKey(document: EcsDocument): boolean {
  for (const [key, value] of Object.entries(document)) {
    if (key.includes('.')) return true;
    if (isRecord(value) && hasDottedKey(value as EcsDocument)) return true;
  }
  return false;
}

function setPath(target: EcsDocument, parts: string[], value: JsonValue, fullKey: string): void {
  const [head, ...rest] = parts;
  if (head === undefined) return;
  const existing = target[head];

  if (rest.length === 0) {
    const bothObjects = isRecord(existing) && isRecord(value);
    if (existing !== undefined && !bothObjects) throw new ShapeError(fullKey, 'a key given once');
    target[head] = bothObjects
      ? mergeObjects(existing as EcsDocument, value as EcsDocument, fullKey)
      : value;
    return;
  }

  if (existing !== undefined && !isRecord(existing)) {
    throw new ShapeError(fullKey, `an object at ${head}, not a value`);
  }
  // A copy, so that objects shared with the input document are never written to.
  const child: EcsDocument = existing === undefined ? {} : { ...(existing as EcsDocument) };
  target[head] = child;
  setPath(child, rest, value, fullKey);
}

function mergeObjects(into: EcsDocument, from: EcsDocument, fullKey: string): EcsDocument {
  const merged: EcsDocument = { ...into };
  for (const [key, value] of Object.entries(from)) {
    setPath(merged, [key], value, `${fullKey}.${key}`);
  }
  return merged;
}
