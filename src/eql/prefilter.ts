/**
 * Prefilter hints: what an event must look like for a query to possibly use it, derived from the
 * AST so the detection engine can index rules by event category, process name, event type and
 * event action, and run only the rules an event can fire.
 *
 * Invariant: the hints over-approximate. An event the query could match (or, for a sequence, could
 * use in any step, missing step or `until`) always passes: it has one of the `categories` (unless
 * null), and for each of `process.name`, `event.type` and `event.action` whose hint is not null,
 * a lower-cased value that equals one of the hint's `exact` values or starts with one of its
 * `prefixes`. A hint is only derived from a condition that every match requires: a top-level
 * conjunct (through `and`, or on both sides of an `or`) that compares the field with literal
 * strings by `==`, `:`, `like`, `like~`, `in` or `in~`. A pattern whose only wildcard is one
 * trailing `*` gives a prefix; any other wildcard gives null (no restriction), as does anything
 * else.
 */

import type { EventQuery, Expr, Query } from './ast.js';
import { hasWildcard } from './wildcard.js';

/** Lower-cased values a field must have: one of `exact`, or one starting with a prefix. */
export interface ValueHint {
  exact: readonly string[];
  prefixes: readonly string[];
}

export interface PrefilterHints {
  /** Event categories the query can match; null when `any` appears. */
  categories: readonly string[] | null;
  /** The `process.name` values the query requires; null when it requires none. */
  processNames: ValueHint | null;
  /** The `event.type` values the query requires; null when it requires none. */
  eventTypes: ValueHint | null;
  /** The `event.action` values the query requires; null when it requires none. */
  eventActions: ValueHint | null;
}

/** What the engine reads from an event to test it against hints, every string lower-cased. */
export interface EventFacts {
  categories: readonly string[];
  processNames: readonly string[];
  eventTypes: readonly string[];
  eventActions: readonly string[];
}

const HINTED_FIELDS = {
  processNames: ['process', 'name'],
  eventTypes: ['event', 'type'],
  eventActions: ['event', 'action'],
} as const;

/** Derives the hints of a parsed query. */
export function derivePrefilterHints(query: Query): PrefilterHints {
  const eventQueries: EventQuery[] =
    query.body.type === 'EventQuery'
      ? [query.body]
      : [...query.body.steps, ...(query.body.until === null ? [] : [query.body.until])].map(
          (step) => step.query,
        );
  const hintFor = (field: readonly string[]) =>
    unionHintsOrNull(eventQueries.map((event) => requiredValues(event.condition, field)));

  return {
    categories: unionOrNull(eventQueries.map((event) => event.category)),
    processNames: hintFor(HINTED_FIELDS.processNames),
    eventTypes: hintFor(HINTED_FIELDS.eventTypes),
    eventActions: hintFor(HINTED_FIELDS.eventActions),
  };
}

function unionOrNull(values: readonly (string | null)[]): string[] | null {
  if (values.some((value) => value === null)) return null;
  return [...new Set(values as string[])];
}

function unionHintsOrNull(hints: readonly (ValueHint | null)[]): ValueHint | null {
  if (hints.some((hint) => hint === null)) return null;
  return (hints as ValueHint[]).reduce(union, { exact: [], prefixes: [] });
}

function union(left: ValueHint, right: ValueHint): ValueHint {
  return {
    exact: [...new Set([...left.exact, ...right.exact])],
    prefixes: [...new Set([...left.prefixes, ...right.prefixes])],
  };
}

function size(hint: ValueHint): number {
  return hint.exact.length + hint.prefixes.length;
}

/**
 * The values of `field` a condition requires (lower-cased), or null when it requires none. Of
 * two required conjuncts the one with fewer alternatives is kept.
 */
export function requiredValues(condition: Expr, field: readonly string[]): ValueHint | null {
  switch (condition.type) {
    case 'Logical': {
      const left = requiredValues(condition.left, field);
      const right = requiredValues(condition.right, field);
      if (condition.op === 'or') return left === null || right === null ? null : union(left, right);
      if (left === null) return right;
      if (right === null) return left;
      return size(left) <= size(right) ? left : right;
    }
    case 'Comparison':
      if (condition.op !== '==') return null;
      return (
        exactValues(condition.left, [condition.right], field) ??
        exactValues(condition.right, [condition.left], field)
      );
    case 'Match':
      if (condition.op === 'regex') return null;
      return patternValues(condition.left, condition.patterns, field);
    case 'In':
      return condition.negated ? null : exactValues(condition.left, condition.values, field);
    default:
      return null;
  }
}

/** `==` and `in`: the literals are values, a `*` in them is a plain character. */
function exactValues(
  left: Expr,
  values: readonly Expr[],
  field: readonly string[],
): ValueHint | null {
  if (!isField(left, field)) return null;
  const exact: string[] = [];
  for (const value of values) {
    if (value.type !== 'Literal' || typeof value.value !== 'string') return null;
    exact.push(value.value.toLowerCase());
  }
  return { exact, prefixes: [] };
}

/** `:` and `like`: a pattern is a value, a prefix (`abc*`), or no restriction. */
function patternValues(
  left: Expr,
  patterns: readonly Expr[],
  field: readonly string[],
): ValueHint | null {
  if (!isField(left, field)) return null;
  const exact: string[] = [];
  const prefixes: string[] = [];
  for (const pattern of patterns) {
    if (pattern.type !== 'Literal' || typeof pattern.value !== 'string') return null;
    const text = pattern.value.toLowerCase();
    if (!hasWildcard(text)) {
      exact.push(text);
      continue;
    }
    const prefix = text.slice(0, -1);
    if (!text.endsWith('*') || prefix === '' || hasWildcard(prefix)) return null;
    prefixes.push(prefix);
  }
  return { exact, prefixes };
}

function isField(expr: Expr, field: readonly string[]): boolean {
  return (
    expr.type === 'Field' &&
    expr.path.length === field.length &&
    expr.path.every((part, index) => part === field[index])
  );
}

/** Whether one of `values` (lower-cased) satisfies `hint`; a null hint takes anything. */
export function passesValueHint(hint: ValueHint | null, values: readonly string[]): boolean {
  if (hint === null) return true;
  return values.some(
    (value) =>
      hint.exact.includes(value) || hint.prefixes.some((prefix) => value.startsWith(prefix)),
  );
}

/**
 * True when an event passes the hints: the engine-side half of the contract, exported so tests
 * and the detection engine share one definition.
 */
export function passesHints(hints: PrefilterHints, event: EventFacts): boolean {
  if (hints.categories !== null && !event.categories.some((c) => hints.categories?.includes(c))) {
    return false;
  }
  return (
    passesValueHint(hints.processNames, event.processNames) &&
    passesValueHint(hints.eventTypes, event.eventTypes) &&
    passesValueHint(hints.eventActions, event.eventActions)
  );
}
