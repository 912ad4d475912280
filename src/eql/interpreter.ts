/**
 * A plain tree-walking evaluator with the same semantics as the compiler. It exists for two
 * reasons only: as the baseline the benchmark compares the compiled closures against, and as an
 * oracle for differential tests. To be a useful oracle it shares as little as possible with the
 * compiler: field lookup, wildcard matching and list membership are written here again, in the
 * simplest way (split the path per access, backtrack over wildcards, scan lists). It shares the
 * function registry, the value rules of values.ts and the regex translation, which have their
 * own tests.
 */

import type { EventQuery, Expr, Query } from './ast.js';
import { isDecimalLiteral } from './compiler.js';
import { divideNumbers, lookupFunction, moduloNumbers } from './functions.js';
import { compileLuceneRegex } from './lucene-regex.js';
import { firstScalar, isTrue, scalarOrder, toScalar, valuesEqual } from './values.js';

type Document = Readonly<Record<string, unknown>>;

/** Whether `event` matches an event query (category and condition), by walking the AST. */
export function interpretEventQuery(query: EventQuery, event: Document): boolean {
  if (query.category !== null && !interpretCategory(event, query.category)) return false;
  return interpretPredicate(query.condition, event);
}

/** Interprets an event query's whole `Query` node; sequences are not interpreted. */
export function interpretQuery(query: Query, event: Document): boolean {
  if (query.body.type !== 'EventQuery') {
    throw new TypeError('interpretQuery evaluates event queries only');
  }
  return interpretEventQuery(query.body, event);
}

function interpretCategory(event: Document, category: string): boolean {
  const value = lookupField(event, ['event', 'category']);
  return Array.isArray(value) ? value.includes(category) : value === category;
}

/** An expression used as a condition. */
export function interpretPredicate(expr: Expr, event: Document): boolean {
  switch (expr.type) {
    case 'Not':
      return !interpretPredicate(expr.operand, event);
    case 'Logical':
      return expr.op === 'and'
        ? interpretPredicate(expr.left, event) && interpretPredicate(expr.right, event)
        : interpretPredicate(expr.left, event) || interpretPredicate(expr.right, event);
    case 'Comparison': {
      const left = interpretValue(expr.left, event);
      const right = interpretValue(expr.right, event);
      if (expr.op === '==') return valuesEqual(left, right);
      if (expr.op === '!=') return !valuesEqual(left, right);
      return someScalarPair(left, right, (l, r) => orderAccepts(expr.op, scalarOrder(l, r)));
    }
    case 'Match':
      return interpretMatch(expr, event);
    case 'In': {
      const found = interpretIn(expr, event);
      return expr.negated ? !found : found;
    }
    default:
      return isTrue(interpretValue(expr, event));
  }
}

function orderAccepts(op: string, order: number | null): boolean {
  if (order === null) return false;
  if (op === '<') return order < 0;
  if (op === '<=') return order <= 0;
  if (op === '>') return order > 0;
  return order >= 0;
}

function scalarsOf(value: unknown): unknown[] {
  if (!Array.isArray(value)) return [value];
  return value.flatMap(scalarsOf);
}

function someScalarPair(left: unknown, right: unknown, test: (l: unknown, r: unknown) => boolean) {
  return scalarsOf(left).some((l) => scalarsOf(right).some((r) => test(l, r)));
}

function interpretMatch(expr: Extract<Expr, { type: 'Match' }>, event: Document): boolean {
  const insensitive = expr.op === ':' || expr.caseInsensitive;
  const values = scalarsOf(interpretValue(expr.left, event)).filter(
    (value): value is string => typeof value === 'string',
  );
  return expr.patterns.some((patternExpr) => {
    const pattern = String(interpretValue(patternExpr, event));
    if (expr.op === 'regex') {
      const regexp = cachedRegex(pattern, insensitive);
      return values.some((value) => regexp.test(value));
    }
    return values.some((value) =>
      insensitive
        ? wildcardMatches(pattern.toLowerCase(), value.toLowerCase())
        : wildcardMatches(pattern, value),
    );
  });
}

const regexCache = new Map<string, RegExp>();

function cachedRegex(pattern: string, insensitive: boolean): RegExp {
  const cacheKey = `${insensitive ? 'i' : 's'}${pattern}`;
  let regexp = regexCache.get(cacheKey);
  if (regexp === undefined) {
    regexp = compileLuceneRegex(pattern, insensitive);
    regexCache.set(cacheKey, regexp);
  }
  return regexp;
}

/** Backtracking wildcard match over code points: `*` any run, `?` one character. */
export function wildcardMatches(pattern: string, value: string): boolean {
  const p = Array.from(pattern);
  const v = Array.from(value);
  const memo = new Map<number, boolean>();
  const match = (pi: number, vi: number): boolean => {
    const memoKey = pi * (v.length + 1) + vi;
    const known = memo.get(memoKey);
    if (known !== undefined) return known;
    let result: boolean;
    if (pi === p.length) result = vi === v.length;
    else if (p[pi] === '*') result = match(pi + 1, vi) || (vi < v.length && match(pi, vi + 1));
    else if (vi === v.length) result = false;
    else result = (p[pi] === '?' || p[pi] === v[vi]) && match(pi + 1, vi + 1);
    memo.set(memoKey, result);
    return result;
  };
  return match(0, 0);
}

function interpretIn(expr: Extract<Expr, { type: 'In' }>, event: Document): boolean {
  const left = interpretValue(expr.left, event);
  return expr.values.some((item) => {
    const right = interpretValue(item, event);
    if (!expr.caseInsensitive) return valuesEqual(left, right);
    return valuesEqual(lower(left), lower(right));
  });
}

function lower(value: unknown): unknown {
  if (typeof value === 'string') return value.toLowerCase();
  return Array.isArray(value) ? value.map(lower) : value;
}

/** An expression used as a value. */
export function interpretValue(expr: Expr, event: Document): unknown {
  switch (expr.type) {
    case 'Literal':
      return expr.value;
    case 'Field':
      return lookupField(event, expr.path);
    case 'Negate': {
      const value = firstScalar(interpretValue(expr.operand, event));
      return typeof value === 'number' ? -value : null;
    }
    case 'Arithmetic':
      return interpretArithmetic(expr, event);
    case 'Call':
      return interpretCall(expr, event);
    default:
      return interpretPredicate(expr, event);
  }
}

function interpretArithmetic(expr: Extract<Expr, { type: 'Arithmetic' }>, event: Document) {
  const a = firstScalar(interpretValue(expr.left, event));
  const b = firstScalar(interpretValue(expr.right, event));
  if (typeof a !== 'number' || typeof b !== 'number') return null;
  let result: number | null;
  if (expr.op === '+') result = a + b;
  else if (expr.op === '-') result = a - b;
  else if (expr.op === '*') result = a * b;
  else if (expr.op === '/') {
    result = divideNumbers(a, b, isDecimalLiteral(expr.left) || isDecimalLiteral(expr.right));
  } else result = moduloNumbers(a, b);
  return result === null || !Number.isFinite(result) ? null : result;
}

function interpretCall(expr: Extract<Expr, { type: 'Call' }>, event: Document): unknown {
  const spec = lookupFunction(expr.name);
  if (spec === undefined) return null;
  const options = {
    caseInsensitive: expr.caseInsensitive,
    floatLiteral: expr.args.some(isDecimalLiteral),
  };
  const values = expr.args.map((arg) => interpretValue(arg, event));
  const rest = values.slice(1).map(firstScalar);
  const source = values[0];
  if (Array.isArray(source)) {
    return scalarsOf(source).map((element) => spec.evaluate([toScalar(element), ...rest], options));
  }
  return spec.evaluate([toScalar(source), ...rest], options);
}

/**
 * Field lookup the simple way: at each level try every dotted spelling of the remaining path,
 * shortest first, and descend into arrays by collecting from each element.
 */
export function lookupField(node: unknown, path: readonly string[]): unknown {
  if (path.length === 0) return node;
  if (Array.isArray(node)) {
    const found = node
      .map((element) => lookupField(element, path))
      .filter((value) => value !== undefined && value !== null);
    const flat = found.flatMap((value) => (Array.isArray(value) ? value : [value]));
    return flat.length === 0 ? undefined : flat;
  }
  if (node === null || typeof node !== 'object') return undefined;

  for (let take = 1; take <= path.length; take++) {
    const key = path.slice(0, take).join('.');
    if (!Object.prototype.hasOwnProperty.call(node, key)) continue;
    const found = lookupField((node as Record<string, unknown>)[key], path.slice(take));
    if (found !== undefined) return found;
  }
  return undefined;
}
