/**
 * Semantic checks run on a parsed query before it is compiled: everything Elasticsearch rejects
 * at query time that the grammar cannot see. A rule that fails here fails at load, with the span
 * of the offending node, so no check has to happen per event.
 *
 * Checked: unknown functions (with the nearest known name as a hint), argument counts, argument
 * types that are visible without data (literals, function results, arithmetic, predicates),
 * arguments that must be literals, `~` on a function with no case-insensitive form, patterns of
 * `:`/`like`/`regex` that are not string literals or (for regex) cannot be translated, comparisons
 * between values of different known types or between two fields, conditions that cannot be
 * boolean, invalid CIDR blocks, and sequences whose steps join on different numbers of keys.
 *
 * Types are inferred coarsely: a field is `unknown` (any type), so checks only fire on what is
 * certain.
 */

import type { Call, EventQuery, Expr, Query, Sequence, Span } from './ast.js';
import { EQL_SEMANTIC, EQL_UNSUPPORTED, EqlError } from './errors.js';
import {
  lookupFunction,
  nearestFunctionName,
  paramAt,
  parseCidr,
  type ArgKind,
  type FunctionSpec,
} from './functions.js';
import { RegexTranslationError, translateLuceneRegex } from './lucene-regex.js';

/** A static type; `unknown` for fields, whose type depends on the data. */
export type StaticType = 'string' | 'number' | 'boolean' | 'null' | 'unknown';

/** Throws the first semantic error in `query` as a positioned EqlError. */
export function checkQuery(query: Query, sourceText: string): void {
  const checker = new Checker(sourceText);
  if (query.body.type === 'EventQuery') checker.checkEventQuery(query.body);
  else checker.checkSequence(query.body);
}

class Checker {
  constructor(private readonly sourceText: string) {}

  checkEventQuery(query: EventQuery): void {
    this.checkCondition(query.condition);
  }

  checkSequence(sequence: Sequence): void {
    const steps = sequence.until === null ? sequence.steps : [...sequence.steps, sequence.until];
    for (const key of sequence.by) this.typeOf(key);

    const keyCount = (steps[0]?.by.length ?? 0) + sequence.by.length;
    for (const step of steps) {
      this.checkEventQuery(step.query);
      for (const key of step.by) this.typeOf(key);
      const count = step.by.length + sequence.by.length;
      if (count !== keyCount) {
        this.fail(
          `Inconsistent number of join keys: expected ${keyCount} but this step has ${count}`,
          step.span,
          'every step must join on as many keys as the first one',
        );
      }
    }
  }

  private checkCondition(condition: Expr): void {
    const type = this.typeOf(condition);
    if (type === 'boolean' || type === 'unknown' || type === 'null') return;
    this.fail(`A condition must be boolean, found a ${type}`, condition.span);
  }

  /** Checks `expr` and its children, returning its static type. */
  private typeOf(expr: Expr): StaticType {
    switch (expr.type) {
      case 'Literal':
        return expr.value === null ? 'null' : (typeof expr.value as StaticType);
      case 'Field':
        return 'unknown';
      case 'Not':
        this.checkCondition(expr.operand);
        return 'boolean';
      case 'Logical':
        this.checkCondition(expr.left);
        this.checkCondition(expr.right);
        return 'boolean';
      case 'Comparison':
        this.checkComparison(expr.left, expr.right, expr.span);
        return 'boolean';
      case 'Match':
        this.checkMatch(expr);
        return 'boolean';
      case 'In':
        this.checkIn(expr.left, expr.values, expr.span);
        return 'boolean';
      case 'Arithmetic':
        this.expectNumber(expr.left);
        this.expectNumber(expr.right);
        return 'number';
      case 'Negate':
        this.expectNumber(expr.operand);
        return 'number';
      case 'Call':
        return this.checkCall(expr);
    }
  }

  private checkComparison(left: Expr, right: Expr, span: Span): void {
    const leftType = this.typeOf(left);
    const rightType = this.typeOf(right);
    if (containsField(left) && containsField(right)) {
      this.fail(
        'Comparing a field with another field is not supported',
        span,
        'compare each field with a literal value instead',
        EQL_UNSUPPORTED,
      );
    }
    if (isIncompatible(leftType, rightType)) {
      this.fail(`Cannot compare a ${leftType} with a ${rightType}`, span);
    }
  }

  private checkMatch(expr: Extract<Expr, { type: 'Match' }>): void {
    const leftType = this.typeOf(expr.left);
    const operator = expr.op === ':' ? ':' : `${expr.op}${expr.caseInsensitive ? '~' : ''}`;
    if (leftType === 'number' || leftType === 'boolean') {
      this.fail(
        `'${operator}' compares strings, but its left side is a ${leftType}`,
        expr.left.span,
      );
    }

    for (const pattern of expr.patterns) {
      if (pattern.type !== 'Literal' || typeof pattern.value !== 'string') {
        const found = pattern.type === 'Literal' ? `a ${this.typeOf(pattern)}` : 'an expression';
        this.fail(`'${operator}' needs string literal patterns, found ${found}`, pattern.span);
      }
      if (expr.op === 'regex') this.checkRegex(pattern.value, pattern.span);
    }
  }

  private checkRegex(pattern: string, span: Span): void {
    try {
      translateLuceneRegex(pattern);
    } catch (error) {
      if (!(error instanceof RegexTranslationError)) throw error;
      this.fail(
        `Cannot use regex "${pattern}": ${error.message} (at character ${error.offset + 1})`,
        span,
      );
    }
  }

  private checkIn(left: Expr, values: readonly Expr[], span: Span): void {
    const leftType = this.typeOf(left);
    if (containsField(left) && values.some(containsField)) {
      this.fail(
        'Comparing a field with another field is not supported',
        span,
        'list literal values only',
        EQL_UNSUPPORTED,
      );
    }
    let listType: StaticType = 'unknown';
    for (const value of values) {
      const type = this.typeOf(value);
      if (isIncompatible(leftType, type)) {
        this.fail(`Cannot look up a ${type} in a list compared with a ${leftType}`, value.span);
      }
      if (isIncompatible(listType, type)) {
        this.fail(`A list mixes ${listType} and ${type} values`, value.span);
      }
      if (type !== 'null' && type !== 'unknown') listType = type;
    }
  }

  private expectNumber(expr: Expr): void {
    const type = this.typeOf(expr);
    if (type === 'string' || type === 'boolean') {
      this.fail(`Arithmetic needs numbers, found a ${type}`, expr.span);
    }
  }

  private checkCall(call: Call): StaticType {
    const spec = lookupFunction(call.name);
    const nameSpan = spanOfName(call);
    if (spec === undefined) {
      const nearest = nearestFunctionName(call.name);
      const hint = nearest === null ? undefined : `did you mean '${nearest}'?`;
      this.fail(`Unknown function '${call.name}'`, nameSpan, hint);
    }
    if (call.caseInsensitive && !spec.hasInsensitiveForm) {
      this.fail(
        `Function '${spec.name}' has no case-insensitive form '${spec.name}~'`,
        nameSpan,
        `write ${spec.name}(…) without '~'`,
      );
    }
    this.checkArity(call, spec, nameSpan);
    call.args.forEach((arg, index) => this.checkArgument(spec, arg, index));
    return spec.returns;
  }

  private checkArity(call: Call, spec: FunctionSpec, nameSpan: Span): void {
    const count = call.args.length;
    if (count >= spec.minArgs && count <= spec.maxArgs) return;

    let expected: string;
    if (spec.maxArgs === Infinity) expected = `at least ${spec.minArgs}`;
    else if (spec.minArgs === spec.maxArgs) expected = String(spec.minArgs);
    else expected = `${spec.minArgs} to ${spec.maxArgs}`;
    const noun = expected === '1' ? 'argument' : 'arguments';
    this.fail(
      `Function '${spec.name}' takes ${expected} ${noun}, found ${count}`,
      count > spec.maxArgs ? (call.args[spec.maxArgs]?.span ?? call.span) : nameSpan,
      `${spec.name}(${spec.params.map((param) => param.name).join(', ')})`,
    );
  }

  private checkArgument(spec: FunctionSpec, arg: Expr, index: number): void {
    const param = paramAt(spec, index);
    const type = this.typeOf(arg);
    if (param === undefined) return;

    const position = `Argument ${index + 1} ('${param.name}') of '${spec.name}'`;
    if (param.literalOnly === true && arg.type !== 'Literal') {
      this.fail(`${position} must be a literal value`, arg.span);
    }
    if (!acceptsType(param.kind, type, arg)) {
      const shown = arg.type === 'Literal' && arg.raw !== undefined ? `${type} ${arg.raw}` : type;
      this.fail(`${position} must be ${describeKind(param.kind)}, found a ${shown}`, arg.span);
    }
    if (spec.name === 'cidrMatch' && index > 0 && arg.type === 'Literal') {
      if (typeof arg.value === 'string' && parseCidr(arg.value) === null) {
        this.fail(`"${arg.value}" is not a CIDR block such as "10.0.0.0/8"`, arg.span);
      }
    }
  }

  private fail(message: string, span: Span, hint?: string, code = EQL_SEMANTIC): never {
    throw new EqlError(code, message, span, this.sourceText, hint);
  }
}

function isIncompatible(left: StaticType, right: StaticType): boolean {
  const known = (type: StaticType) => type !== 'unknown' && type !== 'null';
  return known(left) && known(right) && left !== right;
}

function acceptsType(kind: ArgKind, type: StaticType, arg: Expr): boolean {
  if (kind === 'any' || type === 'unknown' || type === 'null') return true;
  if (kind === 'integer') {
    if (type !== 'number') return false;
    return arg.type !== 'Literal' || arg.raw === undefined || /^[+-]?\d+$/.test(arg.raw);
  }
  return kind === type;
}

function describeKind(kind: ArgKind): string {
  return kind === 'integer' ? 'an integer' : `a ${kind}`;
}

function containsField(expr: Expr): boolean {
  switch (expr.type) {
    case 'Field':
      return true;
    case 'Literal':
      return false;
    case 'Not':
    case 'Negate':
      return containsField(expr.operand);
    case 'Call':
      return expr.args.some(containsField);
    case 'Match':
    case 'In':
      return containsField(expr.left);
    default:
      return containsField(expr.left) || containsField(expr.right);
  }
}

/** The span of a call's name (the call span starts with it). */
function spanOfName(call: Call): Span {
  const length = call.name.length + (call.caseInsensitive ? 1 : 0);
  const { start } = call.span;
  return { start, end: { ...start, offset: start.offset + length, column: start.column + length } };
}
