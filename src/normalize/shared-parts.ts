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

/** A bounded map from a key to one frozen document, built on first use. */
export class SharedParts<Key, Part extends EcsDocument = EcsDocument> {
  private readonly byKey = new Map<Key, Part>();

  /** The shared document for `key`, from `build` the first time (or after the cache restarts). */
  get(key: Key, build: () => Part): Part {
    const known = this.byKey.get(key);
    if (known !== undefined) return known;

    const part = deepFreeze(build());
    if (this.byKey.size >= MAX_SHARED_PARTS) this.byKey.clear();
    this.byKey.set(key, part);
    return part;
  }
}

function deepFreeze<Part extends EcsDocument>(document: Part): Part {
  for (const value of Object.values(document)) {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) deepFreeze(value);
  }
  return Object.freeze(document);
}
