/**
 * An index of rules by what an event must look like for them to match: its `event.category`, its
 * lower-cased `process.name`, `event.type` and `event.action`, from the hints the EQL compiler
 * derives from each query (null hints: anything). Rules are bucketed by category and by exact
 * process name (or name prefix), so looking an event up visits only the buckets for its
 * categories and names; the type and action hints then drop the rules the event cannot fire
 * (an `end` event never runs a rule that requires `event.type == "start"`). The per-event cost
 * grows with the rules that can fire, not with all rules loaded.
 *
 * The index only narrows: every candidate is still evaluated in full. A rule the hints leave
 * out can never match the event; a rule they keep may or may not.
 *
 * Events repeat the same few (categories, names, types, actions) tuples, so each tuple's
 * candidate list is remembered (the cache starts over past `MAX_CACHED_LOOKUPS` tuples, a bound
 * against floods of distinct names); callers get a shared array and must not change it.
 */
import { passesValueHint, type EventFacts, type PrefilterHints } from '../eql/index.js';
import type { EcsDocument } from '../shared/types.js';

interface NameBuckets {
  byName: Map<string, number[]>;
  /** Rules that require a name starting with `prefix`. */
  byPrefix: { prefix: string; ruleIndex: number }[];
  anyName: number[];
}

export interface RuleIndex {
  /**
   * Indices (into the rule list given at build time) of the rules that may match, ascending.
   * The array is shared between events with the same facts: read it only.
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
    for (const buckets of categoryBuckets) addToBuckets(buckets, hint, ruleIndex);
  });

  const lookup = (facts: EventFacts): number[] => {
    const found: number[] = [];
    visit(anyCategory, facts.processNames, found);
    for (const category of facts.categories) {
      const buckets = byCategory.get(category);
      if (buckets !== undefined) visit(buckets, facts.processNames, found);
    }
    return dedupeSorted(found).filter((ruleIndex) => {
      const hint = hints[ruleIndex];
      return (
        hint !== undefined &&
        passesValueHint(hint.eventTypes, facts.eventTypes) &&
        passesValueHint(hint.eventActions, facts.eventActions)
      );
    });
  };

  const byKey = new Map<string, readonly number[]>();
  const bySingles = new SinglesCache();
  return {
    candidates(event) {
      const singles = singlesOf(event);
      if (singles !== undefined) {
        return bySingles.get(singles) ?? bySingles.set(singles, lookup(factsOf(event)));
      }

      const key = lookupKey(event);
      const cached = byKey.get(key);
      if (cached !== undefined) return cached;
      const found = lookup(factsOf(event));
      if (byKey.size >= MAX_CACHED_LOOKUPS) byKey.clear();
      byKey.set(key, found);
      return found;
    },
  };
}

/** The four hinted fields of an event that has one string in each (nearly every event). */
type Singles = readonly [category: string, type: string, action: string, name: string];

function singlesOf(event: EcsDocument): Singles | undefined {
  const category = singleString(fieldOf(event, 'event', 'category'));
  const type = singleString(fieldOf(event, 'event', 'type'));
  const action = singleString(fieldOf(event, 'event', 'action'));
  const name = singleString(fieldOf(event, 'process', 'name'));
  const isSingles =
    category !== undefined && type !== undefined && action !== undefined && name !== undefined;
  return isSingles ? [category, type, action, name] : undefined;
}

/** A string, or the one string of a one-element array: both are the same facts. */
function singleString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  const isSingle = Array.isArray(value) && value.length === 1 && typeof value[0] === 'string';
  return isSingle ? (value[0] as string) : undefined;
}

/**
 * Candidates by the four single strings, in maps nested by field: no key string is built per
 * event, and the strings themselves come from the normalizer's shared values, whose hashes V8
 * keeps. Bounded like the key cache: past `MAX_CACHED_LOOKUPS` entries it starts over.
 */
class SinglesCache {
  private readonly root = new Map<string, Map<string, Map<string, Map<string, number[]>>>>();
  private size = 0;

  get([category, type, action, name]: Singles): readonly number[] | undefined {
    return this.root.get(category)?.get(type)?.get(action)?.get(name);
  }

  set([category, type, action, name]: Singles, found: number[]): readonly number[] {
    if (this.size >= MAX_CACHED_LOOKUPS) {
      this.root.clear();
      this.size = 0;
    }
    const byType = getOrAdd(this.root, category, () => new Map());
    const byAction = getOrAdd(byType, type, () => new Map());
    getOrAdd(byAction, action, () => new Map()).set(name, found);
    this.size += 1;
    return found;
  }
}

function getOrAdd<Key, Value>(map: Map<Key, Value>, key: Key, create: () => Value): Value {
  let value = map.get(key);
  if (value === undefined) {
    value = create();
    map.set(key, value);
  }
  return value;
}

function createBuckets(): NameBuckets {
  return { byName: new Map(), byPrefix: [], anyName: [] };
}

function bucketsFor(byCategory: Map<string, NameBuckets>, category: string): NameBuckets {
  let buckets = byCategory.get(category);
  if (buckets === undefined) {
    buckets = createBuckets();
    byCategory.set(category, buckets);
  }
  return buckets;
}

function addToBuckets(buckets: NameBuckets, hint: PrefilterHints, ruleIndex: number): void {
  const names = hint.processNames;
  if (names === null) {
    buckets.anyName.push(ruleIndex);
    return;
  }
  for (const name of new Set(names.exact)) {
    const list = buckets.byName.get(name);
    if (list === undefined) buckets.byName.set(name, [ruleIndex]);
    else list.push(ruleIndex);
  }
  for (const prefix of new Set(names.prefixes)) buckets.byPrefix.push({ prefix, ruleIndex });
}

function visit(buckets: NameBuckets, names: readonly string[], found: number[]): void {
  for (const index of buckets.anyName) found.push(index);
  for (const name of names) {
    const named = buckets.byName.get(name);
    if (named !== undefined) for (const index of named) found.push(index);
    for (const { prefix, ruleIndex } of buckets.byPrefix) {
      if (name.startsWith(prefix)) found.push(ruleIndex);
    }
  }
}

function dedupeSorted(found: number[]): number[] {
  if (found.length < 2) return found;
  found.sort((a, b) => a - b);
  return found.filter((index, position) => position === 0 || found[position - 1] !== index);
}

/** The hinted fields of an event, from nested or dotted documents, lower-cased but categories. */
function factsOf(event: EcsDocument): EventFacts {
  return {
    categories: stringsOf(fieldOf(event, 'event', 'category')),
    processNames: lowerCased(stringsOf(fieldOf(event, 'process', 'name'))),
    eventTypes: lowerCased(stringsOf(fieldOf(event, 'event', 'type'))),
    eventActions: lowerCased(stringsOf(fieldOf(event, 'event', 'action'))),
  };
}

/**
 * An unambiguous key for an event's hinted fields, built from their raw values (two spellings
 * of one name are two keys with the same candidates): every string is prefixed by its length and
 * every field by its kind and count.
 */
function lookupKey(event: EcsDocument): string {
  return (
    keyPart(fieldOf(event, 'event', 'category')) +
    keyPart(fieldOf(event, 'process', 'name')) +
    keyPart(fieldOf(event, 'event', 'type')) +
    keyPart(fieldOf(event, 'event', 'action'))
  );
}

function keyPart(value: unknown): string {
  if (typeof value === 'string') return `s${value.length}:${value}`;
  if (!Array.isArray(value)) return '-';
  let part = `a${value.length}`;
  for (const item of value) part += typeof item === 'string' ? `|${item.length}:${item}` : '|-';
  return part;
}

/** `document[outer][inner]`, or the dotted key `outer.inner`. */
function fieldOf(document: EcsDocument, outer: string, inner: string): unknown {
  const nested = document[outer];
  if (nested !== null && typeof nested === 'object' && !Array.isArray(nested)) {
    return nested[inner];
  }
  return document[`${outer}.${inner}`];
}

function stringsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (!Array.isArray(value)) return [];
  return value.filter((item): item is string => typeof item === 'string');
}

function lowerCased(values: string[]): string[] {
  return values.map((value) => value.toLowerCase());
}
