/**
 * Translation of Lucene regular expressions (the dialect of EQL's `regex` and `regex~`) into
 * JavaScript RegExps. Lucene's dialect is not Perl's: the pattern always matches the whole value
 * (no `^`/`$`; those are plain characters), `.` matches any character including a newline, `"…"`
 * quotes a literal run, and Elasticsearch enables the optional operators: `~` complement (of the
 * shortest following expression), `&` intersection, `<n-m>` numeric intervals, `@` any string
 * and `#` the empty language (matches nothing). `\d \D \s \S \w \W` are character-class
 * shorthands; any other escaped character is itself.
 *
 * Grammar (Lucene's precedence, lowest first):
 *   union  := inter ('|' inter)*
 *   inter  := concat ('&' concat)*
 *   concat := repeat*
 *   repeat := compl ('?' | '*' | '+' | '{n}' | '{n,}' | '{n,m}')*
 *   compl  := '~' compl | atom
 *   atom   := char | '\' char | '.' | '@' | '#' | '"' chars '"' | '(' union? ')' | '[' class ']'
 *           | '<' digits '-' digits '>'
 *
 * Complement and intersection have no JavaScript operator. Both are rendered exactly with
 * captures and lookaround: the candidate text `u` is captured, the rest of the value `r` is
 * captured by a lookahead, and a lookbehind steps back over `u` to test, by lookahead, that the
 * operand matches from there followed by exactly `r` to the end, i.e. that it matches `u` whole.
 * Each operator gets its own numbered group names.
 */

/** A pattern that cannot be translated, with the 0-based offset in the pattern text. */
export class RegexTranslationError extends Error {
  readonly offset: number;

  constructor(message: string, offset: number) {
    super(message);
    this.name = 'RegexTranslationError';
    this.offset = offset;
  }
}

/** Largest `<n-m>` interval expanded into alternatives. */
const MAX_INTERVAL_VALUES = 10_000;

/** The JavaScript RegExp source, anchored, for a Lucene pattern; throws RegexTranslationError. */
export function translateLuceneRegex(pattern: string): string {
  const parser = new LuceneRegexParser(pattern);
  const body = parser.parseUnion();
  parser.expectEnd();
  return `^(?:${body})$`;
}

/** A compiled RegExp for a Lucene pattern (`regex~` passes `caseInsensitive`). */
export function compileLuceneRegex(pattern: string, caseInsensitive: boolean): RegExp {
  return new RegExp(translateLuceneRegex(pattern), caseInsensitive ? 'isu' : 'su');
}

const CLASS_SHORTHANDS: Record<string, string> = {
  d: '0-9',
  s: ' \\t\\n\\r\\f\\v',
  w: 'A-Za-z0-9_',
};

const JS_SYNTAX = new Set('^$\\.*+?()[]{}|/');
const JS_CLASS_SYNTAX = new Set('\\]-[^');

class LuceneRegexParser {
  private position = 0;
  private groupCount = 0;
  private readonly chars: string[];

  constructor(pattern: string) {
    this.chars = Array.from(pattern);
  }

  parseUnion(): string {
    const alternatives = [this.parseIntersection()];
    while (this.peek() === '|') {
      this.position++;
      alternatives.push(this.parseIntersection());
    }
    return alternatives.join('|');
  }

  expectEnd(): void {
    if (this.position < this.chars.length) {
      throw new RegexTranslationError(`unexpected '${this.peek()}' in regex`, this.offset());
    }
  }

  /** `A&B`: text matched by B, asserted to be matched whole by A as well. */
  private parseIntersection(): string {
    let source = this.parseConcat();
    while (this.peek() === '&') {
      this.position++;
      const right = this.parseConcat();
      const names = this.groupNames();
      source =
        `(?<${names.text}>${right})(?=(?<${names.rest}>[\\s\\S]*))` +
        `(?<=(?=(?:${source})\\k<${names.rest}>$)\\k<${names.text}>)`;
    }
    return source;
  }

  private parseConcat(): string {
    let source = '';
    while (!this.atConcatEnd()) source += this.parseRepeat();
    return source;
  }

  private atConcatEnd(): boolean {
    const next = this.peek();
    return next === undefined || next === '|' || next === '&' || next === ')';
  }

  private parseRepeat(): string {
    let source = this.parseComplement();
    for (;;) {
      const quantifier = this.parseQuantifier();
      if (quantifier === null) return source;
      source = `(?:${source})${quantifier}`;
    }
  }

  private parseQuantifier(): string | null {
    const next = this.peek();
    if (next === '?' || next === '*' || next === '+') {
      this.position++;
      return next;
    }
    if (next !== '{') return null;

    const start = this.offset();
    this.position++;
    const min = this.readDigits();
    if (min === '') throw new RegexTranslationError('expected a repeat count after "{"', start);
    let max: string | null = min;
    if (this.peek() === ',') {
      this.position++;
      max = this.readDigits();
      if (max === '') max = null;
    }
    this.expect('}', start);
    if (max !== null && Number(max) < Number(min)) {
      throw new RegexTranslationError(`repeat range {${min},${max}} is reversed`, start);
    }
    if (max === min) return `{${min}}`;
    return max === null ? `{${min},}` : `{${min},${max}}`;
  }

  /** `~X` (X the shortest following expression): any text that X does not match whole. */
  private parseComplement(): string {
    if (this.peek() !== '~') return this.parseAtom();
    this.position++;
    const operand = this.parseComplement();
    const names = this.groupNames();
    return (
      `(?<${names.text}>[\\s\\S]*?)(?=(?<${names.rest}>[\\s\\S]*))` +
      `(?<!(?=(?:${operand})\\k<${names.rest}>$)\\k<${names.text}>)`
    );
  }

  private groupNames(): { text: string; rest: string } {
    this.groupCount++;
    return { text: `t${this.groupCount}`, rest: `r${this.groupCount}` };
  }

  private parseAtom(): string {
    const start = this.offset();
    const char = this.next();
    switch (char) {
      case undefined:
        throw new RegexTranslationError('the regex ends where an expression was expected', start);
      case '.':
        return '[\\s\\S]';
      case '@':
        return '[\\s\\S]*';
      case '#':
        return '(?!)';
      case '"':
        return this.parseQuoted(start);
      case '(':
        return this.parseGroup(start);
      case '[':
        return this.parseClass(start);
      case '<':
        return this.parseInterval(start);
      case '\\':
        return this.parseEscape(start);
      case '*':
      case '+':
      case '?':
      case '{':
        throw new RegexTranslationError(`'${char}' has nothing to repeat`, start);
      default:
        return escapeChar(char);
    }
  }

  private parseQuoted(start: number): string {
    let source = '';
    for (;;) {
      const char = this.next();
      if (char === undefined) throw new RegexTranslationError('unterminated "…" in regex', start);
      if (char === '"') return `(?:${source})`;
      source += escapeChar(char);
    }
  }

  private parseGroup(start: number): string {
    if (this.peek() === ')') {
      this.position++;
      return '(?:)';
    }
    const inner = this.parseUnion();
    this.expect(')', start);
    return `(?:${inner})`;
  }

  private parseClass(start: number): string {
    let negated = false;
    if (this.peek() === '^') {
      negated = true;
      this.position++;
    }
    let body = '';
    let first = true;
    for (;;) {
      const char = this.peek();
      if (char === undefined) throw new RegexTranslationError("unterminated '[' in regex", start);
      if (char === ']' && !first) break;
      body += this.parseClassRange(start);
      first = false;
    }
    this.position++;
    return negated ? `[^${body}]` : `[${body}]`;
  }

  private parseClassRange(classStart: number): string {
    const low = this.parseClassChar(classStart);
    const canRange = this.peek() === '-' && this.chars[this.position + 1] !== ']';
    if (!canRange || low.shorthand) return low.source;

    const dashAt = this.offset();
    this.position++;
    const high = this.parseClassChar(classStart);
    if (high.shorthand || (high.codePoint ?? 0) < (low.codePoint ?? 0)) {
      throw new RegexTranslationError('invalid character range in regex class', dashAt);
    }
    return `${low.source}-${high.source}`;
  }

  private parseClassChar(classStart: number): {
    source: string;
    codePoint: number | null;
    shorthand: boolean;
  } {
    const start = this.offset();
    const char = this.next();
    if (char === undefined)
      throw new RegexTranslationError("unterminated '[' in regex", classStart);
    if (char !== '\\') {
      return {
        source: escapeClassChar(char),
        codePoint: char.codePointAt(0) ?? 0,
        shorthand: false,
      };
    }

    const escaped = this.next();
    if (escaped === undefined) throw new RegexTranslationError('the regex ends after "\\"', start);
    const shorthand = CLASS_SHORTHANDS[escaped];
    if (shorthand !== undefined) return { source: shorthand, codePoint: null, shorthand: true };
    if ('DSW'.includes(escaped)) {
      throw new RegexTranslationError(`'\\${escaped}' cannot be used inside a class`, start);
    }
    const codePoint = escaped.codePointAt(0) ?? 0;
    return { source: escapeClassChar(escaped), codePoint, shorthand: false };
  }

  private parseEscape(start: number): string {
    const escaped = this.next();
    if (escaped === undefined) throw new RegexTranslationError('the regex ends after "\\"', start);
    const shorthand = CLASS_SHORTHANDS[escaped];
    if (shorthand !== undefined) return `[${shorthand}]`;
    const negated = CLASS_SHORTHANDS[escaped.toLowerCase()];
    if (negated !== undefined && 'DSW'.includes(escaped)) return `[^${negated}]`;
    return escapeChar(escaped);
  }

  /** `<n-m>`: a decimal number in the range; equal-width bounds fix the number of digits. */
  private parseInterval(start: number): string {
    const low = this.readDigits();
    if (low === '' || this.next() !== '-') {
      throw new RegexTranslationError("expected '<min-max>' numeric interval", start);
    }
    const high = this.readDigits();
    if (high === '')
      throw new RegexTranslationError("expected '<min-max>' numeric interval", start);
    this.expect('>', start);

    const [min, max] = [Number(low), Number(high)].sort((a, b) => a - b) as [number, number];
    if (max - min + 1 > MAX_INTERVAL_VALUES) {
      throw new RegexTranslationError(
        `numeric interval <${low}-${high}> is wider than ${MAX_INTERVAL_VALUES} values`,
        start,
      );
    }
    const width = low.length === high.length ? low.length : 0;
    const values: string[] = [];
    for (let value = max; value >= min; value--) {
      values.push(width > 0 ? String(value).padStart(width, '0') : String(value));
    }
    return width > 0 ? `(?:${values.join('|')})` : `0*(?:${values.join('|')})`;
  }

  private readDigits(): string {
    let digits = '';
    while (/^[0-9]$/.test(this.peek() ?? '')) digits += this.next();
    return digits;
  }

  private expect(char: string, start: number): void {
    if (this.next() !== char) {
      throw new RegexTranslationError(`expected '${char}' to close the expression`, start);
    }
  }

  private peek(): string | undefined {
    return this.chars[this.position];
  }

  private next(): string | undefined {
    const char = this.chars[this.position];
    if (char !== undefined) this.position++;
    return char;
  }

  /** The UTF-16 offset of the current code point, for error positions in the pattern text. */
  private offset(): number {
    return this.offsetOf(this.position);
  }

  private offsetOf(index: number): number {
    let offset = 0;
    for (let i = 0; i < index; i++) offset += (this.chars[i] ?? '').length;
    return offset;
  }
}

function escapeChar(char: string): string {
  return JS_SYNTAX.has(char) ? `\\${char}` : char;
}

function escapeClassChar(char: string): string {
  return JS_CLASS_SYNTAX.has(char) ? `\\${char}` : char;
}
