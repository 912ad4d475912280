/**
 * The EQL syntax tree. The parser builds it, the checker validates it, the printer turns it back
 * into text (print → parse gives the same tree, spans aside), and the compiler turns it into
 * closures. Every node carries the span of source text it came from, so any later stage can
 * point at it with a caret.
 */

/** A place in the query text: 0-based offset, 1-based line and column. */
export interface Position {
  offset: number;
  line: number;
  column: number;
}

/** A half-open range of query text: `start` is the first character, `end` one past the last. */
export interface Span {
  start: Position;
  end: Position;
}

export type Literal = {
  type: 'Literal';
  /** Integers beyond 2^53 keep their digits in `raw`; `value` is then the nearest double. */
  value: string | number | boolean | null;
  /**
   * The source text of a numeric literal, sign included (`-1.50`, `1e3`, `9007199254740993`):
   * tells integers from decimals (`4 / x` divides as integers, `4.0 / x` does not) and keeps
   * the digits of integers beyond 2^53. Absent for strings, booleans and null.
   */
  raw?: string;
  span: Span;
};

export type FieldRef = {
  type: 'Field';
  /** `process.parent.name` → ['process', 'parent', 'name']; a backquoted part stays whole. */
  path: string[];
  /** `?field`: a field that may be absent from the schema (no check), still null when missing. */
  optional: boolean;
  span: Span;
};

export type Not = { type: 'Not'; operand: Expr; span: Span };

export type Logical = { type: 'Logical'; op: 'and' | 'or'; left: Expr; right: Expr; span: Span };

export type ComparisonOp = '==' | '!=' | '<' | '<=' | '>' | '>=';
export type Comparison = {
  type: 'Comparison';
  op: ComparisonOp;
  left: Expr;
  right: Expr;
  span: Span;
};

/**
 * `:` (always case-insensitive), `like`, `like~`, `regex`, `regex~`, each with one pattern or a
 * parenthesized list; the match is true when any pattern matches.
 */
export type MatchOp = ':' | 'like' | 'regex';
export type Match = {
  type: 'Match';
  op: MatchOp;
  caseInsensitive: boolean;
  left: Expr;
  patterns: Expr[];
  span: Span;
};

/** `in`, `in~`, `not in`, `not in~`. */
export type In = {
  type: 'In';
  caseInsensitive: boolean;
  negated: boolean;
  left: Expr;
  values: Expr[];
  span: Span;
};

export type ArithmeticOp = '+' | '-' | '*' | '/' | '%';
export type Arithmetic = {
  type: 'Arithmetic';
  op: ArithmeticOp;
  left: Expr;
  right: Expr;
  span: Span;
};

/** Unary minus on a non-literal (a negative literal is folded into a Literal). */
export type Negate = { type: 'Negate'; operand: Expr; span: Span };

export type Call = {
  type: 'Call';
  /** The name as written; the registry looks it up case-insensitively. */
  name: string;
  /** `func~(…)`. */
  caseInsensitive: boolean;
  args: Expr[];
  span: Span;
};

export type Expr =
  Literal | FieldRef | Not | Logical | Comparison | Match | In | Arithmetic | Negate | Call;

/** `category where condition`; `category` is null for `any`. */
export type EventQuery = {
  type: 'EventQuery';
  category: string | null;
  categorySpan: Span;
  condition: Expr;
  span: Span;
};

export type SequenceStep = {
  type: 'SequenceStep';
  query: EventQuery;
  /** Per-step `by` keys, appended after the sequence-level ones. */
  by: Expr[];
  /** `with runs=N`: the step repeats N times in a row (1 when absent). */
  runs: number;
  /** `![ … ]`: a missing-event step. */
  missing: boolean;
  span: Span;
};

export type TimeUnit = 'ms' | 's' | 'm' | 'h' | 'd';

export type Sequence = {
  type: 'Sequence';
  by: Expr[];
  maxspan: { value: number; unit: TimeUnit; ms: number; span: Span } | null;
  steps: SequenceStep[];
  until: SequenceStep | null;
  span: Span;
};

export type Pipe = { type: 'Pipe'; name: 'head' | 'tail'; count: number; span: Span };

export type Query = {
  type: 'Query';
  body: EventQuery | Sequence;
  pipes: Pipe[];
  span: Span;
};
