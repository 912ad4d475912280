/**
 * Span-free EQL syntax trees for tests: factories that read like the query they stand for, and
 * `stripSpans` to compare a parsed tree with one built here.
 */

import type { ArithmeticOp, ComparisonOp, MatchOp } from '../../src/eql/ast.js';

/** A deep copy of `node` without `span` and `categorySpan` keys, anywhere. */
export function stripSpans(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(stripSpans);
  if (node === null || typeof node !== 'object') return node;

  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'span' || key === 'categorySpan') continue;
    copy[key] = stripSpans(value);
  }
  return copy;
}

/** An expression node as `stripSpans` leaves it. */
type Node = Record<string, unknown>;

export function str(value: string): Node {
  return { type: 'Literal', value };
}

/** A number literal as written, e.g. num('-1.5'). */
export function num(raw: string): Node {
  return { type: 'Literal', value: Number(raw), raw };
}

export function bool(value: boolean): Node {
  return { type: 'Literal', value };
}

export function nil(): Node {
  return { type: 'Literal', value: null };
}

/** field('process.name') or field(['my field', 'x']); optional for `?field`. */
export function field(path: string | string[], optional = false): Node {
  return { type: 'Field', path: typeof path === 'string' ? path.split('.') : path, optional };
}

export function and(left: Node, right: Node): Node {
  return { type: 'Logical', op: 'and', left, right };
}

export function or(left: Node, right: Node): Node {
  return { type: 'Logical', op: 'or', left, right };
}

export function not(operand: Node): Node {
  return { type: 'Not', operand };
}

export function cmp(left: Node, op: ComparisonOp, right: Node): Node {
  return { type: 'Comparison', op, left, right };
}

export function arith(left: Node, op: ArithmeticOp, right: Node): Node {
  return { type: 'Arithmetic', op, left, right };
}

export function neg(operand: Node): Node {
  return { type: 'Negate', operand };
}

export function match(left: Node, op: MatchOp, patterns: Node[], caseInsensitive = false): Node {
  return { type: 'Match', op, caseInsensitive: op === ':' || caseInsensitive, left, patterns };
}

export function inList(
  left: Node,
  values: Node[],
  options: { negated?: boolean; caseInsensitive?: boolean } = {},
): Node {
  const { negated = false, caseInsensitive = false } = options;
  return { type: 'In', caseInsensitive, negated, left, values };
}

export function call(name: string, args: Node[], caseInsensitive = false): Node {
  return { type: 'Call', name, caseInsensitive, args };
}
