/**
 * An index of rules by what an event must look like for them to match: its `event.category` and
 * its lowercased `process.name`, from the hints the EQL compiler derives from each query (null
 * hints: anything). Looking an event up visits only the buckets for its categories and name,
 * so the per-event cost grows with the rules that can fire, not with all rules loaded.
 *
 * The index only narrows: every candidate is still evaluated in full. A rule the hints leave
 * out can never match the event; a rule they keep may or may not.
 *
 * Events repeat the same few (categories, name) pairs, so each pair's merged candidate list is
 * remembered (the cache starts over past `MAX_CACHED_LOOKUPS` pairs, a bound against floods of
 * distinct names); callers get a shared array and must not change it.
 */
import type { PrefilterHints } from '../eql/index.js';
import type { EcsDocument } from '../shared/types.js';

interface NameBuckets {
  byName: Map<string, number[]>;
  anyName: number[];
}

export interface RuleIndex {
  /**
   * Indices (into the rule list given at build time) of the rules that may match, ascending.
   * The array is shared between events with the same categories and name: read it only.
   */
  candidates(event: EcsDocument): readonly number[];
}

const MAX_CACHED_LOOKUPS = 4096;

/** Builds the index over the rules' hints, in rule order. */
export function buildRuleIndex(hints: readonly PrefilterHints[]): RuleIndex {
  const byCategory = new Map<string, NameBuckets>();
  const anyCategory = createBuckets();

  hints.forEach((hint, ruleIndex) => {
    const categoryBuckets =
      hint.categories === null
        ? [anyCategory]
        : hint.categories.map((category) => bucketsFor(byCategory, category));
    for (const buckets of categoryBuckets) addToBuckets(buckets, hint.processNames, ruleIndex);
  });

  const lookup = (categories: readonly string[], names: readonly string[]): number[] => {
    const found: number[] = [];
    visit(anyCategory, names, found);
    for (const category of categories) {
      const buckets = byCategory.get(category);
      if (buckets !== undefined) visit(buckets, names, found);
    }
    return dedupeSorted(found);
  };

  const cache = new Map<string, readonly number[]>();
  return {
    candidates(event) {
      const categories = categoriesOf(event);
      const names = processNamesOf(event);
      const key = lookupKey(categories, names);
      const cached = cache.get(key);
      if (cached !== undefined) return cached;

      const found = lookup(categories, names);
      if (cache.size >= MAX_CACHED_LOOKUPS) cache.clear();
      cache.set(key, found);
      return found;
    },
  };
}

/** An unambiguous key for a (categories, names) pair: every part is prefixed by its length. */
function lookupKey(categories: readonly string[], names: readonly string[]): string {
  let key = `${categories.length}`;
  for (const category of categories) key += `|${category.length}:${category}`;
  for (const name of names) key += `|${name.length}:${name}`;
  return key;
}

function createBuckets(): NameBuckets {
  return { byName: new Map(), anyName: [] };
}

function bucketsFor(byCategory: Map<string, NameBuckets>, category: string): NameBuckets {
  let buckets = byCategory.get(category);
  if (buckets === undefined) {
    buckets = createBuckets();
    byCategory.set(category, buckets);
  }
  return buckets;
}

function addToBuckets(
  buckets: NameBuckets,
  processNames: readonly string[] | null,
  ruleIndex: number,
): void {
  if (processNames === null) {
    buckets.anyName.push(ruleIndex);
    return;
  }
  for (const name of new Set(processNames)) {
    const list = buckets.byName.get(name);
    if (list === undefined) buckets.byName.set(name, [ruleIndex]);
    else list.push(ruleIndex);
  }
}

function visit(buckets: NameBuckets, names: readonly string[], found: number[]): void {
  for (const index of buckets.anyName) found.push(index);
  for (const name of names) {
    const named = buckets.byName.get(name);
    if (named !== undefined) for (const index of named) found.push(index);
  }
}

function dedupeSorted(found: number[]): number[] {
  if (found.length < 2) return found;
  found.sort((a, b) => a - b);
  return found.filter((index, position) => position === 0 || found[position - 1] !== index);
}

/** `event.category` values, from nested or dotted documents. */
function categoriesOf(event: EcsDocument): string[] {
  const nested = event.event;
  const value =
    nested !== null && typeof nested === 'object' && !Array.isArray(nested)
      ? nested.category
      : event['event.category'];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  return [];
}

/** Lowercased `process.name` values (an array field gives several). */
function processNamesOf(event: EcsDocument): string[] {
  const nested = event.process;
  const value =
    nested !== null && typeof nested === 'object' && !Array.isArray(nested)
      ? nested.name
      : event['process.name'];
  if (typeof value === 'string') return [value.toLowerCase()];
  if (!Array.isArray(value)) return [];
  return value
    .filter((item): item is string => typeof item === 'string')
    .map((item) => item.toLowerCase());
}
