/**
 * Shared, frozen sub-objects of process fields: `{id}` of users and groups, `code_signature`,
 * `hash`, `tty`, `group_leader` and the executable path with its name are the same few values
 * for most processes, so each distinct value is built once and reused by every image that has it.
 *
 * Why: the process table keeps the fields of tens of thousands of images, and every object they
 * hold is copied by the garbage collector when it survives; sharing the small repeated objects
 * roughly halves what each entry holds. Frozen, so a consumer that tried to change an event's
 * shared part would fail loudly instead of silently changing other events (documents are never
 * changed after normalization; this makes that rule enforced for the shared parts).
 *
 * Bounds: each cache starts over past `MAX_SHARED_PARTS` values (signing ids, cdhashes and paths
 * come from whatever binaries run, so their variety has no bound of its own).
 */
import type { EcsDocument } from '../shared/types.js';

const MAX_SHARED_PARTS = 4096;

/**
 * A bounded map from a key to one frozen document. Callers write `parts.find(key) ??
 * parts.add(key, built)`: the document is built only when missing, and no callback is allocated
 * per lookup (this runs several times per event).
 */
export class SharedParts<Key, Part extends EcsDocument = EcsDocument> {
  private readonly byKey = new Map<Key, Part>();

  /** The shared document for `key`, if there is one. */
  find(key: Key): Part | undefined {
    return this.byKey.get(key);
  }

  /** Freezes `part` and shares it under `key` (the cache starts over when full); returns it. */
  add(key: Key, part: Part): Part {
    const frozen = deepFreeze(part);
    if (this.byKey.size >= MAX_SHARED_PARTS) this.byKey.clear();
    this.byKey.set(key, frozen);
    return frozen;
  }
}

function deepFreeze<Part extends EcsDocument>(document: Part): Part {
  for (const value of Object.values(document)) {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) deepFreeze(value);
  }
  return Object.freeze(document);
}
