/**
 * Prefilter hints: what an event must look like for a query to possibly use it, derived from the
 * AST so the detection engine can index rules by event category and process name and run only
 * the rules an event can fire.
 *
 * Invariant: the hints over-approximate. An event the query could match (or, for a sequence, could
 * use in any step, missing step or `until`) always passes: it has one of the `categories` (unless
 * null) and a lower-cased `process.name` value in `processNames` (unless null). A hint is only
 * derived from a condition that every match requires: a top-level conjunct (through `and`, or on
 * both sides of an `or`) that compares `process.name` with literal strings by `==`, `:`, `like`,
 * `like~`, `in` or `in~`, without wildcards. Anything else gives null (no restriction).
 */

import type { EventQuery, Expr, Query } from './ast.js';
import { hasWildcard } from './wildcard.js';

export interface PrefilterHints {
  /** Event categories the query can match; null when `any` appears. */
  categories: readonly string[] | null;
  /** Lower-cased `process.name` values the query requires; null when it requires none. */
  processNames: readonly string[] | null;
}

/** Derives the hints of a parsed query. */
export function derivePrefilterHints(query: Query): PrefilterHints {
  const eventQueries: EventQuery[] =
    query.body.type === 'EventQuery'
      ? [query.body]
      : [...query.body.steps, ...(query.body.until === null ? [] : [query.body.until])].map(
          (step) => step.query,
        );

  return {
    categories: unionOrNull(eventQueries.map((event) => event.category)),
    processNames: unionListsOrNull(eventQueries.map((event) => requiredNames(event.condition))),
  };
}

function unionOrNull(values: readonly (string | null)[]): string[] | null {
  if (values.some((value) => value === null)) return null;
  return [...new Set(values as string[])];
}

function unionListsOrNull(lists: readonly (string[] | null)[]): string[] | null {
  if (lists.some((list) => list === null)) return null;
  return [...new Set(lists.flat() as string[])];
}

/** The process names a condition requires (lower-cased), or null when it requires none. */
export function requiredNames(condition: Expr): string[] | null {
  switch (condition.type) {
    case 'Logical': {
      const left = requiredNames(condition.left);
      const right = requiredNames(condition.right);
      if (condition.op === 'or')
        return left === null || right === null ? null : [...left, ...right];
      if (left === null) return right;
      if (right === null) return left;
      return left.length <= right.length ? left : right;
    }
    case 'Comparison':
      if (condition.op !== '==') return null;
      return (
        namesFromLiterals(condition.left, [condition.right]) ??
        namesFromLiterals(condition.right, [condition.left])
      );
    case 'Match':
      if (condition.op === 'regex') return null;
      return namesFromLiterals(condition.left, condition.patterns);
    case 'In':
      return condition.negated ? null : namesFromLiterals(condition.left, condition.values);
    default:
      return null;
  }
}

function namesFromLiterals(field: Expr, values: readonly Expr[]): string[] | null {
  if (!isProcessName(field)) return null;
  const names: string[] = [];
  for (const value of values) {
    if (value.type !== 'Literal' || typeof value.value !== 'string') return null;
    if (hasWildcard(value.value)) return null;
    names.push(value.value.toLowerCase());
  }
  return names;
}

function isProcessName(expr: Expr): boolean {
  return (
    expr.type === 'Field' &&
    expr.path.length === 2 &&
    expr.path[0] === 'process' &&
    expr.path[1] === 'name'
  );
}

/**
 * True when an event passes the hints: the engine-side half of the contract, exported so tests
 * and the detection engine share one definition.
 */
export function passesHints(
  hints: PrefilterHints,
  eventCategories: readonly string[],
  eventProcessNames: readonly string[],
): boolean {
  if (hints.categories !== null && !eventCategories.some((c) => hints.categories?.includes(c))) {
    return false;
  }
  if (hints.processNames === null) return true;
  return eventProcessNames.some((name) => hints.processNames?.includes(name.toLowerCase()));
}
