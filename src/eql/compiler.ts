/**
 * The compiler: turns a checked AST into closures, once, so that evaluating an event walks no
 * tree and parses nothing. Everything that depends only on the query is done here: field paths
 * are planned, wildcard and regex patterns are compiled, case-insensitive patterns are
 * lower-cased, literal lists become Sets, and a comparison of a field with a literal gets a
 * specialized closure that allocates nothing per event.
 *
 * Semantics (shared with the interpreter, see values.ts): predicates are two-valued; a
 * comparison involving a missing value is false, so its negation (`!=`, `not`, `not in`) is
 * true; `x == null` tests for absence; predicates over multi-valued fields hold when any
 * element satisfies them; functions and arithmetic propagate null. Closures never throw on
 * event data.
 */

import type { ArithmeticOp, ComparisonOp, EventQuery, Expr, Literal } from './ast.js';
import { hasCategory, compileFieldReader } from './fields.js';
import { divideNumbers, lookupFunction, moduloNumbers, type FunctionSpec } from './functions.js';
import { compileLuceneRegex } from './lucene-regex.js';
import {
  firstScalar,
  isMissing,
  isTrue,
  scalarOrder,
  toScalar,
  valuesCompare,
  valuesEqual,
} from './values.js';
import { compileWildcard, hasWildcard, toLowerCached, type StringMatcher } from './wildcard.js';

/** Any document; field access copes with anything. */
export type EventDocument = Readonly<Record<string, unknown>>;
/** A compiled condition. */
export type Predicate = (event: EventDocument) => boolean;
/** A compiled value expression. */
export type Evaluator = (event: EventDocument) => unknown;

/**
 * Compiles `category where condition` into one predicate (category test first). The predicate
 * never throws: the only failure event data can cause is a stack overflow on absurdly deep
 * nested arrays, and such an event simply does not match.
 */
export function compileEventQuery(query: EventQuery): Predicate {
  const condition = compilePredicate(query.condition);
  const category = query.category;
  const matches: Predicate =
    category === null ? condition : (event) => hasCategory(event, category) && condition(event);
  return (event) => {
    try {
      return matches(event);
    } catch {
      return false;
    }
  };
}

/** Compiles an expression used as a condition. */
export function compilePredicate(expr: Expr): Predicate {
  switch (expr.type) {
    case 'Literal': {
      const value = isTrue(expr.value);
      return () => value;
    }
    case 'Not': {
      const operand = compilePredicate(expr.operand);
      return (event) => !operand(event);
    }
    case 'Logical':
      return compileLogical(expr.op, compilePredicate(expr.left), compilePredicate(expr.right));
    case 'Comparison':
      return compileComparison(expr.op, expr.left, expr.right);
    case 'Match':
      return compileMatch(expr);
    case 'In':
      return compileIn(expr);
    default: {
      const value = compileValue(expr);
      return (event) => isTrue(value(event));
    }
  }
}

function compileLogical(op: 'and' | 'or', left: Predicate, right: Predicate): Predicate {
  if (op === 'and') return (event) => left(event) && right(event);
  return (event) => left(event) || right(event);
}

/** Compiles an expression used as a value. */
export function compileValue(expr: Expr): Evaluator {
  switch (expr.type) {
    case 'Literal': {
      const value = expr.value;
      return () => value;
    }
    case 'Field':
      return compileFieldReader(expr.path);
    case 'Arithmetic':
      return compileArithmetic(expr);
    case 'Negate': {
      const operand = compileValue(expr.operand);
      return (event) => {
        const value = firstScalar(operand(event));
        return typeof value === 'number' ? -value : null;
      };
    }
    case 'Call':
      return compileCall(expr);
    default: {
      const predicate = compilePredicate(expr);
      return (event) => predicate(event);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Comparisons

const ORDER_TESTS: Record<Exclude<ComparisonOp, '==' | '!='>, (order: -1 | 0 | 1) => boolean> = {
  '<': (order) => order < 0,
  '<=': (order) => order <= 0,
  '>': (order) => order > 0,
  '>=': (order) => order >= 0,
};

const MIRRORED: Record<ComparisonOp, ComparisonOp> = {
  '==': '==',
  '!=': '!=',
  '<': '>',
  '<=': '>=',
  '>': '<',
  '>=': '<=',
};

function compileComparison(op: ComparisonOp, left: Expr, right: Expr): Predicate {
  if (left.type === 'Literal' && right.type !== 'Literal') {
    return compileComparison(MIRRORED[op], right, left);
  }
  if (right.type === 'Literal') return compileAgainstLiteral(op, compileValue(left), right.value);

  const leftValue = compileValue(left);
  const rightValue = compileValue(right);
  if (op === '==') return (event) => valuesEqual(leftValue(event), rightValue(event));
  if (op === '!=') return (event) => !valuesEqual(leftValue(event), rightValue(event));
  const accept = ORDER_TESTS[op];
  return (event) => valuesCompare(leftValue(event), rightValue(event), accept);
}

function compileAgainstLiteral(op: ComparisonOp, value: Evaluator, literal: Literal['value']) {
  if (op === '==' || op === '!=') {
    const equals = compileEqualsLiteral(value, literal);
    return op === '==' ? equals : (event: EventDocument) => !equals(event);
  }
  const accept = ORDER_TESTS[op];
  return (event: EventDocument) => {
    const got = value(event);
    if (!Array.isArray(got)) {
      const order = scalarOrder(got, literal);
      return order !== null && accept(order);
    }
    return valuesCompare(got, literal, accept);
  };
}

function compileEqualsLiteral(value: Evaluator, literal: Literal['value']): Predicate {
  if (literal === null) return (event) => isMissing(value(event));
  return (event) => {
    const got = value(event);
    if (got === literal) return true;
    return Array.isArray(got) && containsScalar(got, literal);
  };
}

function containsScalar(values: readonly unknown[], wanted: unknown): boolean {
  for (const element of values) {
    if (element === wanted) return true;
    if (Array.isArray(element) && containsScalar(element, wanted)) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// `:`, like, regex

function compileMatch(expr: Extract<Expr, { type: 'Match' }>): Predicate {
  const value = compileValue(expr.left);
  const patterns = expr.patterns.map((pattern) => String(literalValue(pattern)));
  const caseInsensitive = expr.op === ':' || expr.caseInsensitive;
  const test =
    expr.op === 'regex'
      ? compileRegexList(patterns, caseInsensitive)
      : compileWildcardList(patterns, caseInsensitive);
  const testText: StringMatcher = caseInsensitive ? (text) => test(toLowerCached(text)) : test;

  return (event) => {
    const got = value(event);
    if (typeof got === 'string') return testText(got);
    return Array.isArray(got) && anyString(got, testText);
  };
}

function anyString(values: readonly unknown[], test: StringMatcher): boolean {
  for (const element of values) {
    if (typeof element === 'string' && test(element)) return true;
    if (Array.isArray(element) && anyString(element, test)) return true;
  }
  return false;
}

/** One matcher for a list of wildcard patterns: a Set for the exact ones, then the rest. */
function compileWildcardList(patterns: readonly string[], caseInsensitive: boolean): StringMatcher {
  const exact = new Set<string>();
  const matchers: StringMatcher[] = [];
  for (const pattern of patterns) {
    if (hasWildcard(pattern)) matchers.push(compileWildcard(pattern, caseInsensitive));
    else exact.add(caseInsensitive ? pattern.toLowerCase() : pattern);
  }
  if (matchers.length === 0) return (text) => exact.has(text);
  if (exact.size === 0 && matchers.length === 1) return matchers[0] as StringMatcher;
  return (text) => {
    if (exact.has(text)) return true;
    for (const matcher of matchers) {
      if (matcher(text)) return true;
    }
    return false;
  };
}

/**
 * Regexes test the value as written; `regex~` compiles with the `i` flag. The caller
 * lower-cases the value for `regex~`, which the `i` flag makes harmless.
 */
function compileRegexList(patterns: readonly string[], caseInsensitive: boolean): StringMatcher {
  const regexps = patterns.map((pattern) => compileLuceneRegex(pattern, caseInsensitive));
  return (text) => {
    for (const regexp of regexps) {
      if (regexp.test(text)) return true;
    }
    return false;
  };
}

function literalValue(expr: Expr): Literal['value'] {
  return expr.type === 'Literal' ? expr.value : null;
}

// ---------------------------------------------------------------------------------------------
// in, in~, not in

function compileIn(expr: Extract<Expr, { type: 'In' }>): Predicate {
  const value = compileValue(expr.left);
  const allLiterals = expr.values.every((item) => item.type === 'Literal');
  const contains = allLiterals
    ? compileLiteralSet(expr.values.map(literalValue), expr.caseInsensitive)
    : compileDynamicList(expr.values.map(compileValue), expr.caseInsensitive);

  if (expr.negated) return (event) => !contains(value(event), event);
  return (event) => contains(value(event), event);
}

type Membership = (value: unknown, event: EventDocument) => boolean;

function compileLiteralSet(values: readonly Literal['value'][], caseInsensitive: boolean) {
  const members = new Set<unknown>();
  let hasNull = false;
  for (const value of values) {
    if (value === null) hasNull = true;
    else members.add(caseInsensitive && typeof value === 'string' ? value.toLowerCase() : value);
  }
  const has = (scalar: unknown) =>
    members.has(caseInsensitive && typeof scalar === 'string' ? toLowerCached(scalar) : scalar);

  const membership: Membership = (value) => {
    if (isMissing(value)) return hasNull;
    if (!Array.isArray(value)) return has(value);
    return anyElement(value, has);
  };
  return membership;
}

function compileDynamicList(items: readonly Evaluator[], caseInsensitive: boolean): Membership {
  return (value, event) =>
    items.some((item) => {
      const candidate = item(event);
      if (!caseInsensitive) return valuesEqual(value, candidate);
      return valuesEqual(lowerStrings(value), lowerStrings(candidate));
    });
}

function anyElement(values: readonly unknown[], test: (scalar: unknown) => boolean): boolean {
  for (const element of values) {
    if (Array.isArray(element) ? anyElement(element, test) : test(element)) return true;
  }
  return false;
}

function lowerStrings(value: unknown): unknown {
  if (typeof value === 'string') return value.toLowerCase();
  return Array.isArray(value) ? value.map(lowerStrings) : value;
}

// ---------------------------------------------------------------------------------------------
// Arithmetic and functions

/** True when the literal was written with a fraction or exponent (`4.0`, `1e3`). */
export function isDecimalLiteral(expr: Expr): boolean {
  return expr.type === 'Literal' && typeof expr.raw === 'string' && /[.eE]/.test(expr.raw);
}

function compileArithmetic(expr: Extract<Expr, { type: 'Arithmetic' }>): Evaluator {
  const left = compileValue(expr.left);
  const right = compileValue(expr.right);
  const floatLiteral = isDecimalLiteral(expr.left) || isDecimalLiteral(expr.right);
  const apply = ARITHMETIC[expr.op];
  return (event) => {
    const a = firstScalar(left(event));
    const b = firstScalar(right(event));
    if (typeof a !== 'number' || typeof b !== 'number') return null;
    const result = apply(a, b, floatLiteral);
    return result === null || !Number.isFinite(result) ? null : result;
  };
}

const ARITHMETIC: Record<ArithmeticOp, (a: number, b: number, float: boolean) => number | null> = {
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': divideNumbers,
  '%': moduloNumbers,
};

function compileCall(call: Extract<Expr, { type: 'Call' }>): Evaluator {
  const spec = lookupFunction(call.name);
  if (spec === undefined) return () => null;
  const args = call.args.map(compileValue);
  const options = {
    caseInsensitive: call.caseInsensitive,
    floatLiteral: call.args.some(isDecimalLiteral),
  };
  // One argument array per call site, refilled per event: a call site cannot be re-entered
  // while its arguments are evaluated, and no function keeps its arguments.
  const values: unknown[] = new Array<unknown>(args.length);
  return (event) => evaluateCall(spec, args, values, options, event);
}

/**
 * Calls a function on one event. A multi-valued first argument (the source) is spread: the
 * result is then the list of results per element, so a predicate over it holds for any element.
 * Later arguments take their first value.
 */
function evaluateCall(
  spec: FunctionSpec,
  args: readonly Evaluator[],
  values: unknown[],
  options: { caseInsensitive: boolean; floatLiteral: boolean },
  event: EventDocument,
): unknown {
  for (let index = 1; index < args.length; index++) {
    values[index] = firstScalar((args[index] as Evaluator)(event));
  }
  const source = args.length > 0 ? (args[0] as Evaluator)(event) : undefined;
  if (!Array.isArray(source)) {
    values[0] = toScalar(source);
    return spec.evaluate(values, options);
  }
  return flatScalars(source).map((element) => {
    values[0] = element;
    return spec.evaluate(values, options);
  });
}

function flatScalars(values: readonly unknown[]): unknown[] {
  const flat: unknown[] = [];
  for (const element of values) {
    if (Array.isArray(element)) flat.push(...flatScalars(element));
    else flat.push(toScalar(element));
  }
  return flat;
}
