/**
 * The EQL parser: tokens to the syntax tree of ast.ts, by recursive descent with one method per
 * rule of grammar.ebnf (read the grammar first; the method names follow it). The vocabulary is
 * small: `peek` looks at the next token, `eat` takes it if it is of a kind, `expect` takes it or
 * fails with "expected X but found Y".
 *
 * It builds exactly what Elasticsearch's grammar builds, including its quirks: a predicate
 * (`:`, `like`, `in`, …) binds to a single primary, so `a + b : "x"` is `a + (b : "x")`;
 * comparisons do not chain; `not` binds tighter than `and`. A minus sign directly before a number
 * is folded into a negative Literal.
 *
 * Invariant: every node's span runs from its first token's start to its last token's end.
 * Errors are EqlErrors: EQL_SYNTAX for malformed text, EQL_UNSUPPORTED for well-formed EQL that
 * is not run here (samples, joins, lineage, pipes other than head and tail).
 */

import type {
  ArithmeticOp,
  ComparisonOp,
  EventQuery,
  Expr,
  FieldRef,
  Literal,
  MatchOp,
  Pipe,
  Position,
  Query,
  Sequence,
  SequenceStep,
  Span,
  TimeUnit,
} from './ast.js';
import { EQL_SYNTAX, EQL_UNSUPPORTED, EqlError } from './errors.js';
import { tokenize } from './lexer.js';
import { describeToken, isKeyword, type Token, type TokenKind } from './tokens.js';

/** Parses a whole query: an event query or a sequence, then pipes. Throws EqlError. */
export function parseQuery(text: string): Query {
  return new Parser(text).parseStatement();
}

/** Parses one condition expression, as it appears after `where`. Throws EqlError. */
export function parseExpression(text: string): Expr {
  return new Parser(text).parseSingleExpression();
}

const TIME_UNIT_MS: Record<TimeUnit, number> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

const MAX_RUNS = 100;
const POSITIVE = { min: 1, max: Number.MAX_SAFE_INTEGER };
const NON_NEGATIVE = { min: 0, max: Number.MAX_SAFE_INTEGER };

/**
 * How deep parentheses, `not` and unary signs may nest. Recursive descent uses the call stack;
 * this bound turns a pathological query into an EqlError instead of a stack overflow, and keeps
 * every tree shallow enough for the recursive checker, compiler and printer.
 */
const MAX_NESTING = 200;

/**
 * How deep a finished expression tree may be. A chain of N `or` (or `+`, …) is a left spine
 * N nodes deep, which the later recursive stages would walk on the call stack.
 */
const MAX_TREE_DEPTH = 1_000;

const COMPARISON_OPS: ReadonlySet<TokenKind> = new Set(['==', '!=', '<', '<=', '>', '>=']);

const MATCH_OPS: Partial<Record<TokenKind, { op: MatchOp; caseInsensitive: boolean }>> = {
  ':': { op: ':', caseInsensitive: true },
  like: { op: 'like', caseInsensitive: false },
  'like~': { op: 'like', caseInsensitive: true },
  regex: { op: 'regex', caseInsensitive: false },
  'regex~': { op: 'regex', caseInsensitive: true },
};

/** Pipes of Endgame EQL that Elasticsearch does not run. */
const UNSUPPORTED_PIPES: ReadonlySet<string> = new Set([
  'count',
  'filter',
  'sort',
  'unique',
  'unique_count',
  'window',
]);

const EXPRESSION_START = "a field, value or '('";

class Parser {
  private readonly tokens: Token[];
  private index = 0;
  private depth = 0;

  constructor(private readonly text: string) {
    this.tokens = tokenize(text);
  }

  // ---- vocabulary --------------------------------------------------------------------------

  private peek(ahead = 0): Token {
    const last = this.tokens.length - 1;
    return this.tokens[Math.min(this.index + ahead, last)]!;
  }

  private at(kind: TokenKind): boolean {
    return this.peek().kind === kind;
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'eof') this.index += 1;
    return token;
  }

  private eat(kind: TokenKind): Token | undefined {
    return this.at(kind) ? this.next() : undefined;
  }

  private expect(kind: TokenKind, what: string = `'${kind}'`, hint?: string): Token {
    const token = this.eat(kind);
    if (token !== undefined) return token;
    return this.failExpected(what, hint);
  }

  /** The end of the last token taken. */
  private get lastEnd(): Position {
    return this.tokens[Math.max(0, this.index - 1)]!.end;
  }

  private spanFrom(start: Position): Span {
    return { start, end: this.lastEnd };
  }

  private fail(message: string, span: Span, hint?: string, code = EQL_SYNTAX): never {
    throw new EqlError(code, message, span, this.text, hint);
  }

  private failExpected(what: string, hint?: string): never {
    const found = this.peek();
    this.fail(
      `Expected ${what} but found ${describeToken(found)}`,
      tokenSpan(found),
      hint ?? hintFor(found),
    );
  }

  // ---- statements --------------------------------------------------------------------------

  parseStatement(): Query {
    const start = this.peek().start;
    const body = this.parseQueryBody();
    const pipes: Pipe[] = [];
    while (this.at('|')) pipes.push(this.parsePipe());
    this.expectEnd(pipes.length > 0 ? "'|'" : "'|', 'and', 'or' or an operator");
    return { type: 'Query', body, pipes, span: this.spanFrom(start) };
  }

  parseSingleExpression(): Expr {
    const expr = this.parseExpression();
    this.expectEnd("'and', 'or' or an operator");
    return expr;
  }

  private expectEnd(what: string): void {
    if (this.at('eof')) return;
    this.failExpected(`the end of the query or ${what}`);
  }

  private parseQueryBody(): EventQuery | Sequence {
    const token = this.peek();
    if (token.kind === 'sequence') return this.parseSequence();
    if (token.kind === 'sample') {
      this.fail('Sample queries are not supported', tokenSpan(token), undefined, EQL_UNSUPPORTED);
    }
    if (token.kind === 'join') {
      this.fail(
        'Join queries are not supported by Elasticsearch EQL',
        tokenSpan(token),
        'use a sequence with by keys',
        EQL_UNSUPPORTED,
      );
    }
    return this.parseEventFilter();
  }

  /** eventFilter := ('any' | name | string) 'where' expression */
  private parseEventFilter(): EventQuery {
    const first = this.peek();
    const category = this.parseCategory();
    const categorySpan = tokenSpan(first);
    this.expect('where', "'where' after the event category", whereHint(this.peek()));
    const condition = this.parseExpression();
    return {
      type: 'EventQuery',
      category,
      categorySpan,
      condition,
      span: this.spanFrom(first.start),
    };
  }

  private parseCategory(): string | null {
    const token = this.peek();
    if (token.kind === 'any') {
      this.next();
      return null;
    }
    if (token.kind === 'identifier' || token.kind === 'string') {
      this.next();
      return token.value;
    }
    const hint =
      token.kind === 'quotedIdentifier'
        ? 'quote event categories with double quotes: "my-category"'
        : hintFor(token);
    return this.failExpected("an event category (a name, a quoted string or 'any')", hint);
  }

  // ---- sequences ---------------------------------------------------------------------------

  /**
   * sequence := 'sequence' [joinKeys] [sequenceParams] step step* ['until' step]
   * where the steps, counting `with runs`, number at least two.
   */
  private parseSequence(): Sequence {
    const start = this.expect('sequence').start;
    const by = this.at('by') ? this.parseJoinKeys() : [];
    const maxspan = this.at('with') ? this.parseMaxspan() : null;
    if (maxspan !== null && this.at('by')) {
      this.fail(
        "Expected a sequence step '[' but found 'by'",
        tokenSpan(this.peek()),
        "write 'sequence by …' before 'with maxspan=…'",
      );
    }

    const steps: SequenceStep[] = [];
    do {
      steps.push(this.parseSequenceStep());
    } while (this.at('[') || this.at('!['));
    const until = this.parseUntil();

    const sequence: Sequence = {
      type: 'Sequence',
      by,
      maxspan,
      steps,
      until,
      span: this.spanFrom(start),
    };
    this.checkSequenceShape(sequence);
    return sequence;
  }

  /** joinKeys := 'by' expression (',' expression)* */
  private parseJoinKeys(): Expr[] {
    this.expect('by');
    const keys = [this.parseExpression()];
    while (this.eat(',')) keys.push(this.parseExpression());
    return keys;
  }

  /** sequenceParams := 'with' 'maxspan' '=' INTEGER unit */
  private parseMaxspan(): NonNullable<Sequence['maxspan']> {
    this.expect('with');
    this.expect('maxspan', "'maxspan' after 'with'", didYouMean(this.peek(), ['maxspan']));
    this.expectAssign('maxspan');

    const number = this.peek();
    const value = this.parseWholeNumber('maxspan', 'a duration such as 5m', POSITIVE);
    const unitToken = this.peek();
    if (unitToken.kind !== 'identifier') {
      this.fail(
        'Missing time unit in maxspan',
        { start: number.start, end: number.end },
        `add a unit: ${number.text}s, for example (units: ms, s, m, h, d)`,
      );
    }
    if (!isTimeUnit(unitToken.value)) {
      this.fail(
        `Unknown time unit '${unitToken.value}' in maxspan`,
        tokenSpan(unitToken),
        'use one of ms, s, m, h, d',
      );
    }
    this.next();
    const unit = unitToken.value;
    const span = { start: number.start, end: unitToken.end };
    return { value, unit, ms: value * TIME_UNIT_MS[unit], span };
  }

  private expectAssign(option: string): void {
    const token = this.peek();
    if (token.kind === '==' || token.kind === ':') {
      this.fail(
        `Expected '=' after '${option}' but found '${token.text}'`,
        tokenSpan(token),
        `write ${option}=…`,
      );
    }
    this.expect('=', `'=' after '${option}'`);
  }

  /** A whole number in `range` for maxspan, runs, head and tail. */
  private parseWholeNumber(what: string, example: string, range: { min: number; max: number }) {
    const token = this.peek();
    if (token.kind === '-' || token.kind === 'decimal') {
      const kind = range.min > 0 ? 'positive whole number' : 'whole number';
      const found = describeToken(token);
      this.fail(`Expected a ${kind} for ${what} but found ${found}`, tokenSpan(token));
    }
    this.expect('integer', `${example} after '${what}'`);

    const value = Number(token.value);
    if (value < range.min) {
      this.fail(
        `The ${what} value must be at least ${range.min}, found ${token.text}`,
        tokenSpan(token),
      );
    }
    if (value > range.max) {
      const limit =
        range.max === Number.MAX_SAFE_INTEGER ? 'is too large' : `must be at most ${range.max}`;
      this.fail(`The ${what} value ${limit}, found ${token.text}`, tokenSpan(token));
    }
    return value;
  }

  /** step := ('[' | '![') eventFilter ']' [joinKeys] ['with' 'runs' '=' INTEGER] */
  private parseSequenceStep(): SequenceStep {
    const open = this.peek();
    if (open.kind !== '[' && open.kind !== '![') {
      this.failExpected("a sequence step '[category where condition]'");
    }
    this.next();
    const query = this.parseEventFilter();
    this.expect(']', "']' to close the sequence step");
    const by = this.at('by') ? this.parseJoinKeys() : [];
    const runs = this.at('with') ? this.parseRuns() : 1;
    return {
      type: 'SequenceStep',
      query,
      by,
      runs,
      missing: open.kind === '![',
      span: this.spanFrom(open.start),
    };
  }

  private parseRuns(): number {
    this.expect('with');
    const key = this.peek();
    if (key.kind !== 'identifier' || key.value !== 'runs') {
      this.failExpected(
        "'runs' after 'with'",
        key.kind === 'maxspan'
          ? "'with maxspan' goes right after 'sequence [by …]'"
          : didYouMean(key, ['runs']),
      );
    }
    this.next();
    this.expectAssign('runs');
    return this.parseWholeNumber('runs', 'a count such as 3', { min: 1, max: MAX_RUNS });
  }

  private parseUntil(): SequenceStep | null {
    const keyword = this.eat('until');
    if (keyword === undefined) return null;
    if (this.at('![')) {
      this.fail("The 'until' step cannot be a missing-event step '!['", tokenSpan(this.peek()));
    }
    return this.parseSequenceStep();
  }

  /** Rules on the steps as a whole, positioned at the step that breaks them. */
  private checkSequenceShape(sequence: Sequence): void {
    const totalRuns = sequence.steps.reduce((sum, step) => sum + step.runs, 0);
    const first = sequence.steps[0]!;
    if (totalRuns < 2) {
      this.fail(
        'A sequence needs at least two steps',
        first.span,
        'add another [category where condition] step, or use an event query',
      );
    }
    if (sequence.steps.every((step) => step.missing)) {
      this.fail('A sequence needs at least one step that is not a missing-event step', first.span);
    }
    const missing = sequence.steps.find((step) => step.missing);
    if (missing !== undefined && sequence.maxspan === null) {
      this.fail(
        "A sequence with a missing-event step '![' needs 'with maxspan'",
        missing.span,
        'write: sequence with maxspan=5m …',
      );
    }
  }

  // ---- pipes -------------------------------------------------------------------------------

  /** pipe := '|' ('head' | 'tail') INTEGER */
  private parsePipe(): Pipe {
    const bar = this.expect('|');
    const name = this.peek();
    if (name.kind !== 'identifier') {
      const hint = name.kind === '|' ? "use 'or' to combine conditions" : undefined;
      this.failExpected("a pipe name (head or tail) after '|'", hint);
    }
    if (name.value !== 'head' && name.value !== 'tail') this.failUnknownPipe(name);
    this.next();
    // Elasticsearch takes 0 here: `| head 0` returns nothing.
    const count = this.parseWholeNumber(name.value, 'a count such as 10', NON_NEGATIVE);
    return { type: 'Pipe', name: name.value, count, span: this.spanFrom(bar.start) };
  }

  private failUnknownPipe(name: Token): never {
    const known = UNSUPPORTED_PIPES.has(name.value);
    const what = known
      ? `The '${name.value}' pipe is not supported`
      : `Unknown pipe '${name.value}'`;
    this.fail(
      `${what}; Elasticsearch EQL supports head and tail`,
      tokenSpan(name),
      known
        ? undefined
        : (didYouMean(name, ['head', 'tail']) ??
            "to combine conditions use 'or'; a single '|' starts a pipe"),
      known ? EQL_UNSUPPORTED : EQL_SYNTAX,
    );
  }

  // ---- expressions: the precedence ladder, loosest first -------------------------------------

  /** expression := orExpression */
  private parseExpression(): Expr {
    const isTopLevel = this.depth === 0;
    const expr = this.nested(() => this.parseOr());
    if (isTopLevel) this.checkTreeDepth(expr);
    return expr;
  }

  /** Long chains (`a or b or …`) make deep left spines; see MAX_TREE_DEPTH. */
  private checkTreeDepth(root: Expr): void {
    if (!isDeeperThan(root, MAX_TREE_DEPTH)) return;
    this.fail(
      `The condition is too large: its syntax tree is more than ${MAX_TREE_DEPTH} levels deep`,
      root.span,
      "list many values with 'in (…)' or ':' (…) instead of chaining 'or'",
      EQL_UNSUPPORTED,
    );
  }

  private nested<T>(parse: () => T): T {
    if (this.depth >= MAX_NESTING) {
      const message = `The query nests too deeply (more than ${MAX_NESTING} levels)`;
      this.fail(message, tokenSpan(this.peek()), undefined, EQL_UNSUPPORTED);
    }
    this.depth += 1;
    try {
      return parse();
    } finally {
      this.depth -= 1;
    }
  }

  /** orExpression := andExpression ('or' andExpression)* */
  private parseOr(): Expr {
    let left = this.parseAnd();
    while (this.eat('or')) {
      const right = this.parseAnd();
      left = { type: 'Logical', op: 'or', left, right, span: join(left, right) };
    }
    return left;
  }

  /** andExpression := notExpression ('and' notExpression)* */
  private parseAnd(): Expr {
    let left = this.parseNot();
    while (this.eat('and')) {
      const right = this.parseNot();
      left = { type: 'Logical', op: 'and', left, right, span: join(left, right) };
    }
    return left;
  }

  /** notExpression := 'not' notExpression | comparison */
  private parseNot(): Expr {
    const keyword = this.eat('not');
    if (keyword === undefined) return this.parseComparison();
    const operand = this.nested(() => this.parseNot());
    return { type: 'Not', operand, span: { start: keyword.start, end: operand.span.end } };
  }

  /** comparison := additive [('==' | '!=' | '<' | '<=' | '>' | '>=') additive] */
  private parseComparison(): Expr {
    const left = this.parseAdditive();
    this.rejectAssignment();
    if (!COMPARISON_OPS.has(this.peek().kind)) return left;

    const op = this.next().kind as ComparisonOp;
    const right = this.parseAdditive();
    this.rejectAssignment();
    const chained = this.peek();
    if (COMPARISON_OPS.has(chained.kind)) {
      this.fail(
        `Comparisons cannot be chained: found '${chained.text}' after a comparison`,
        tokenSpan(chained),
        "join comparisons with 'and': a < b and b < c",
      );
    }
    return { type: 'Comparison', op, left, right, span: join(left, right) };
  }

  private rejectAssignment(): void {
    const token = this.peek();
    if (token.kind !== '=') return;
    this.fail(
      "'=' is not a comparison operator",
      tokenSpan(token),
      "use '==' (case-sensitive) or ':' (case-insensitive)",
    );
  }

  /** additive := multiplicative (('+' | '-') multiplicative)* */
  private parseAdditive(): Expr {
    let left = this.parseMultiplicative();
    while (this.at('+') || this.at('-')) {
      const op = this.next().kind as ArithmeticOp;
      const right = this.parseMultiplicative();
      left = { type: 'Arithmetic', op, left, right, span: join(left, right) };
    }
    return left;
  }

  /** multiplicative := unary (('*' | '/' | '%') unary)* */
  private parseMultiplicative(): Expr {
    let left = this.parseUnary();
    while (this.at('*') || this.at('/') || this.at('%')) {
      const op = this.next().kind as ArithmeticOp;
      const right = this.parseUnary();
      left = { type: 'Arithmetic', op, left, right, span: join(left, right) };
    }
    return left;
  }

  /** unary := ('-' | '+') unary | predicated; '-' before a number folds into the Literal. */
  private parseUnary(): Expr {
    const sign = this.peek();
    if (sign.kind !== '-' && sign.kind !== '+') return this.parsePredicated();
    this.next();

    const numberAhead = this.at('integer') || this.at('decimal');
    const operand = this.nested(() => this.parseUnary());
    const span = { start: sign.start, end: operand.span.end };
    if (sign.kind === '+') return numberAhead ? { ...operand, span } : operand;

    const isBareNumber = numberAhead && operand.type === 'Literal';
    if (isBareNumber && typeof operand.value === 'number') {
      return negativeLiteral(operand, span);
    }
    return { type: 'Negate', operand, span };
  }

  /** predicated := primary [predicate] */
  private parsePredicated(): Expr {
    const left = this.parsePrimary();
    const token = this.peek();
    if (token.kind === 'not') return this.parseNotIn(left);
    if (token.kind === 'in' || token.kind === 'in~') return this.parseIn(left, false);
    const match = MATCH_OPS[token.kind];
    if (match !== undefined) return this.parseMatch(left, match.op, match.caseInsensitive);
    return left;
  }

  /** predicate := 'not' ('in' | 'in~') list */
  private parseNotIn(left: Expr): Expr {
    this.expect('not');
    const next = this.peek();
    if (next.kind !== 'in' && next.kind !== 'in~') {
      this.fail(
        `Expected 'in' or 'in~' after 'not' but found ${describeToken(next)}`,
        tokenSpan(next),
        "to negate a condition, put 'not' before it: not x == 1",
      );
    }
    return this.parseIn(left, true);
  }

  /** predicate := ('in' | 'in~') '(' expression (',' expression)* ')' */
  private parseIn(left: Expr, negated: boolean): Expr {
    const keyword = this.next();
    const open = this.peek();
    this.expect('(', `'(' and a list of values after '${keyword.text}'`, 'write: x in ("a", "b")');
    if (this.at(')')) {
      this.fail(
        `The '${keyword.text}' list is empty`,
        { start: open.start, end: this.peek().end },
        'list at least one value',
      );
    }
    const values = [this.parseExpression()];
    while (this.eat(',')) values.push(this.parseExpression());
    this.expect(')', "',' or ')' in the value list");
    return {
      type: 'In',
      caseInsensitive: keyword.kind === 'in~',
      negated,
      left,
      values,
      span: { start: left.span.start, end: this.lastEnd },
    };
  }

  /** predicate := (':' | 'like' | 'like~' | 'regex' | 'regex~') (constant | '(' constants ')') */
  private parseMatch(left: Expr, op: MatchOp, caseInsensitive: boolean): Expr {
    const operator = this.next();
    const patterns: Expr[] = [];
    const open = this.eat('(');
    if (open !== undefined) {
      if (this.at(')')) {
        const span = { start: open.start, end: this.peek().end };
        this.fail(`The '${operator.text}' list is empty`, span, 'list at least one pattern');
      }
      patterns.push(this.parsePattern(operator));
      while (this.eat(',')) patterns.push(this.parsePattern(operator));
      this.expect(')', "',' or ')' in the pattern list");
    } else {
      patterns.push(this.parsePattern(operator));
    }
    const span = { start: left.span.start, end: this.lastEnd };
    return { type: 'Match', op, caseInsensitive, left, patterns, span };
  }

  /** A pattern is a constant: Elasticsearch does not match against fields or expressions. */
  private parsePattern(operator: Token): Literal {
    const literal = this.parseConstant();
    if (literal !== undefined) return literal;
    const found = this.peek();
    const isValue =
      found.kind === 'identifier' || found.kind === 'quotedIdentifier' || found.kind === '?';
    return this.failExpected(
      `a string pattern after '${operator.text}'`,
      isValue
        ? 'the right side of a match must be a constant, not a field or function'
        : hintFor(found),
    );
  }

  /** primary := constant | call | field | '(' expression ')' */
  private parsePrimary(): Expr {
    const constant = this.parseConstant();
    if (constant !== undefined) return constant;

    const token = this.peek();
    switch (token.kind) {
      case 'identifier':
        if (this.peek(1).kind === '(') return this.parseCall();
        if (this.peek(1).kind === 'of') return this.failLineage(token);
        return this.parseField(false);
      case 'tildeIdentifier':
        return this.parseCall();
      case 'quotedIdentifier':
        return this.parseField(false);
      case '?':
        return this.parseOptionalField();
      case '(':
        return this.parseParenthesized();
      default:
        return this.failExpected(EXPRESSION_START);
    }
  }

  private parseParenthesized(): Expr {
    this.expect('(');
    const inner = this.parseExpression();
    const listHint = this.at(',') ? "to test a value against a list, use 'in (…)'" : undefined;
    this.expect(')', "')' to close the parenthesis", listHint);
    return inner;
  }

  private failLineage(token: Token): never {
    this.fail(
      `Lineage queries ('${token.text} of') are not supported by Elasticsearch EQL`,
      { start: token.start, end: this.peek(1).end },
      undefined,
      EQL_UNSUPPORTED,
    );
  }

  /** constant := 'null' | 'true' | 'false' | INTEGER | DECIMAL | STRING */
  private parseConstant(): Literal | undefined {
    const token = this.peek();
    switch (token.kind) {
      case 'null':
        this.next();
        return literal(null, token);
      case 'true':
      case 'false':
        this.next();
        return literal(token.kind === 'true', token);
      case 'string':
        this.next();
        return literal(token.value, token);
      case 'integer':
      case 'decimal':
        this.next();
        return this.numberLiteral(token);
      default:
        return undefined;
    }
  }

  private numberLiteral(token: Token): Literal {
    const value = Number(token.text);
    if (!Number.isFinite(value)) {
      this.fail(`The number ${token.text} is too large`, tokenSpan(token));
    }
    return { type: 'Literal', value, raw: token.text, span: tokenSpan(token) };
  }

  /** call := (NAME | NAME~) '(' [expression (',' expression)*] ')' */
  private parseCall(): Expr {
    const name = this.next();
    this.expect('(', `'(' after the function name '${name.text}'`);
    const args: Expr[] = [];
    if (!this.at(')')) {
      args.push(this.parseExpression());
      while (this.eat(',')) args.push(this.parseExpression());
    }
    this.expect(')', "',' or ')' in the argument list");
    return {
      type: 'Call',
      name: name.value,
      caseInsensitive: name.kind === 'tildeIdentifier',
      args,
      span: this.spanFrom(name.start),
    };
  }

  private parseOptionalField(): FieldRef {
    const mark = this.expect('?');
    const next = this.peek();
    if (next.kind !== 'identifier' && next.kind !== 'quotedIdentifier') {
      this.failExpected("a field name after '?'");
    }
    const field = this.parseField(true);
    return { ...field, span: { start: mark.start, end: field.span.end } };
  }

  /**
   * field := name ('.' name)*, where a name is a word or a backquoted name. Keywords are
   * accepted after a dot (`event.sequence`), where nothing else could be meant.
   */
  private parseField(optional: boolean): FieldRef {
    const first = this.next();
    const path = [first.value];
    while (this.at('.')) {
      this.next();
      path.push(this.parseFieldPart());
    }
    if (this.at('[') && this.peek(1).kind === 'integer') {
      this.fail(
        'Array indexes in field names are not supported',
        { start: this.peek().start, end: this.peek(2).end },
        'match any element instead: arrays match when any element does',
        EQL_UNSUPPORTED,
      );
    }
    return { type: 'Field', path, optional, span: this.spanFrom(first.start) };
  }

  private parseFieldPart(): string {
    const token = this.peek();
    const isWord = token.kind === 'identifier' || isKeyword(token.kind);
    if (isWord || token.kind === 'quotedIdentifier') {
      this.next();
      return token.value;
    }
    const hint =
      token.kind === 'integer' || token.kind === 'decimal'
        ? 'quote field names that start with a digit: `6field`'
        : undefined;
    return this.failExpected("a field name after '.'", hint);
  }
}

function tokenSpan(token: Token): Span {
  return { start: token.start, end: token.end };
}

function join(left: Expr, right: Expr): Span {
  return { start: left.span.start, end: right.span.end };
}

function literal(value: Literal['value'], token: Token): Literal {
  return { type: 'Literal', value, span: tokenSpan(token) };
}

function negativeLiteral(operand: Literal, span: Span): Literal {
  const value = -(operand.value as number);
  return { type: 'Literal', value, raw: `-${operand.raw ?? String(operand.value)}`, span };
}

function isTimeUnit(unit: string): unit is TimeUnit {
  return Object.hasOwn(TIME_UNIT_MS, unit);
}

/** A hint for common slips, judged from the token found where something else was expected. */
function hintFor(token: Token): string | undefined {
  if (token.kind === 'identifier' && isKeyword(token.value.toLowerCase())) {
    return `EQL keywords are lowercase: write '${token.value.toLowerCase()}'`;
  }
  if (token.kind === '=') return "use '==' (case-sensitive) or ':' (case-insensitive)";
  return undefined;
}

function whereHint(token: Token): string | undefined {
  if (token.kind === '.') {
    return 'quote categories with dots or dashes in double quotes: "my.category"';
  }
  return (
    hintFor(token) ??
    didYouMean(token, ['where']) ??
    'an event query reads: category where condition'
  );
}

/** `did you mean 'x'?` when the token is a word one or two edits away from a candidate. */
function didYouMean(token: Token, candidates: readonly string[]): string | undefined {
  if (token.kind !== 'identifier') return undefined;
  const word = token.value.toLowerCase();
  const maxEdits = word.length >= 4 ? 2 : 1;
  const near = candidates.find((candidate) => editDistance(word, candidate) <= maxEdits);
  return near === undefined ? undefined : `did you mean '${near}'?`;
}

/** Levenshtein distance, for typo hints on short words. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** Whether any path from `root` has more than `maxDepth` nodes; walks with an explicit stack. */
function isDeeperThan(root: Expr, maxDepth: number): boolean {
  const stack: Array<[Expr, number]> = [[root, 1]];
  for (let entry = stack.pop(); entry !== undefined; entry = stack.pop()) {
    const [node, depth] = entry;
    if (depth > maxDepth) return true;
    for (const child of childrenOf(node)) stack.push([child, depth + 1]);
  }
  return false;
}

function childrenOf(node: Expr): Expr[] {
  switch (node.type) {
    case 'Literal':
    case 'Field':
      return [];
    case 'Not':
    case 'Negate':
      return [node.operand];
    case 'Logical':
    case 'Comparison':
    case 'Arithmetic':
      return [node.left, node.right];
    case 'Match':
      return [node.left, ...node.patterns];
    case 'In':
      return [node.left, ...node.values];
    case 'Call':
      return node.args;
  }
}
