/**
 * The EQL printer: a syntax tree back to canonical query text. The output uses one spelling per
 * construct (lowercase keywords, double-quoted strings, single spaces) and only the parentheses
 * the precedence ladder of grammar.ebnf needs, so that parseQuery(printQuery(q)) equals q, spans
 * aside, for every tree the parser can build.
 *
 * Approach: each expression has a binding level (its rung on the ladder); an operand whose level
 * is lower than its position requires is wrapped in parentheses. Left-associative operators take
 * their right operand one level higher, so `a - (b - c)` keeps its parentheses.
 */

import type { EventQuery, Expr, FieldRef, Literal, Query, Sequence, SequenceStep } from './ast.js';
import { isKeyword } from './tokens.js';

/** Canonical text for a query; parsing it gives back the same tree. */
export function printQuery(query: Query): string {
  const body =
    query.body.type === 'Sequence' ? printSequence(query.body) : printEventQuery(query.body);
  const pipes = query.pipes.map((pipe) => ` | ${pipe.name} ${pipe.count}`);
  return body + pipes.join('');
}

/** Canonical text for one expression. */
export function printExpression(expr: Expr): string {
  return print(expr, Level.Or);
}

/** Rungs of the precedence ladder, loosest first. */
const enum Level {
  Or = 1,
  And,
  Not,
  Comparison,
  Additive,
  Multiplicative,
  Unary,
  Predicate,
  Primary,
}

function printEventQuery(query: EventQuery): string {
  return `${printCategory(query.category)} where ${printExpression(query.condition)}`;
}

function printCategory(category: string | null): string {
  if (category === null) return 'any';
  return isPlainName(category) ? category : printString(category);
}

function printSequence(sequence: Sequence): string {
  let header = 'sequence';
  if (sequence.by.length > 0) header += ` by ${printList(sequence.by)}`;
  if (sequence.maxspan !== null) {
    header += ` with maxspan=${sequence.maxspan.value}${sequence.maxspan.unit}`;
  }

  const steps = sequence.steps.map((step) => `\n  ${printStep(step)}`);
  const until = sequence.until === null ? '' : `\nuntil ${printStep(sequence.until)}`;
  return header + steps.join('') + until;
}

function printStep(step: SequenceStep): string {
  let text = `${step.missing ? '![' : '['}${printEventQuery(step.query)}]`;
  if (step.by.length > 0) text += ` by ${printList(step.by)}`;
  if (step.runs !== 1) text += ` with runs=${step.runs}`;
  return text;
}

function printList(exprs: Expr[]): string {
  return exprs.map(printExpression).join(', ');
}

function print(expr: Expr, required: Level): string {
  const text = printBare(expr);
  return levelOf(expr) < required ? `(${text})` : text;
}

function levelOf(expr: Expr): Level {
  switch (expr.type) {
    case 'Logical':
      return expr.op === 'or' ? Level.Or : Level.And;
    case 'Not':
      return Level.Not;
    case 'Comparison':
      return Level.Comparison;
    case 'Arithmetic':
      return expr.op === '+' || expr.op === '-' ? Level.Additive : Level.Multiplicative;
    case 'Negate':
      return Level.Unary;
    case 'Match':
    case 'In':
      return Level.Predicate;
    case 'Literal':
      return isNegativeNumber(expr) ? Level.Unary : Level.Primary;
    case 'Field':
    case 'Call':
      return Level.Primary;
  }
}

function printBare(expr: Expr): string {
  switch (expr.type) {
    case 'Logical': {
      const level = levelOf(expr);
      return `${print(expr.left, level)} ${expr.op} ${print(expr.right, level + 1)}`;
    }
    case 'Not':
      return `not ${print(expr.operand, Level.Not)}`;
    case 'Comparison':
      return `${print(expr.left, Level.Additive)} ${expr.op} ${print(expr.right, Level.Additive)}`;
    case 'Arithmetic': {
      const level = levelOf(expr);
      return `${print(expr.left, level)} ${expr.op} ${print(expr.right, level + 1)}`;
    }
    case 'Negate':
      return `-${printNegated(expr.operand)}`;
    case 'Match':
      return printMatch(expr);
    case 'In': {
      const keyword = `${expr.negated ? 'not ' : ''}in${expr.caseInsensitive ? '~' : ''}`;
      return `${print(expr.left, Level.Primary)} ${keyword} (${printList(expr.values)})`;
    }
    case 'Call':
      return `${expr.name}${expr.caseInsensitive ? '~' : ''}(${printList(expr.args)})`;
    case 'Field':
      return printField(expr);
    case 'Literal':
      return printLiteral(expr);
  }
}

/** `-5` would read back as a negative literal, so a negated non-negative number keeps `(…)`. */
function printNegated(operand: Expr): string {
  const foldsOnReparse = operand.type === 'Literal' && typeof operand.value === 'number';
  if (foldsOnReparse && !isNegativeNumber(operand)) return `(${printLiteral(operand)})`;
  return print(operand, Level.Unary);
}

function printMatch(expr: Extract<Expr, { type: 'Match' }>): string {
  const operator = expr.op === ':' ? ':' : `${expr.op}${expr.caseInsensitive ? '~' : ''}`;
  const patterns = expr.patterns.map(printExpression);
  const right = patterns.length === 1 ? patterns[0] : `(${patterns.join(', ')})`;
  return `${print(expr.left, Level.Primary)} ${operator} ${right}`;
}

function printField(field: FieldRef): string {
  const parts = field.path.map((part, index) =>
    isPlainName(part) || (index > 0 && isWord(part)) ? part : printQuotedName(part),
  );
  return (field.optional ? '?' : '') + parts.join('.');
}

function printQuotedName(name: string): string {
  return '`' + name.replaceAll('`', '``') + '`';
}

function printLiteral(literal: Literal): string {
  const { value } = literal;
  if (value === null) return 'null';
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return printString(value);
  if (literal.raw !== undefined) return literal.raw;
  if (!Number.isFinite(value)) throw new RangeError(`EQL has no literal for ${value}`);
  return String(value);
}

function isNegativeNumber(literal: Literal): boolean {
  if (typeof literal.value !== 'number') return false;
  if (literal.raw !== undefined) return literal.raw.startsWith('-');
  return literal.value < 0 || Object.is(literal.value, -0);
}

const STRING_ESCAPES: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
};

/** A double-quoted string; other control characters become `\u{XX}`. */
function printString(value: string): string {
  let text = '"';
  for (const char of value) {
    const escape = STRING_ESCAPES[char];
    if (escape !== undefined) {
      text += escape;
    } else if (char < ' ' || char === '\x7f') {
      text += `\\u{${char.charCodeAt(0).toString(16).padStart(2, '0')}}`;
    } else {
      text += char;
    }
  }
  return text + '"';
}

/** A name that reads back as the same identifier: a word that is not a keyword. */
function isPlainName(name: string): boolean {
  return isWord(name) && !isKeyword(name);
}

function isWord(name: string): boolean {
  return /^[A-Za-z_@][A-Za-z0-9_]*$/.test(name);
}
