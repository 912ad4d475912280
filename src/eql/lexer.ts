/**
 * The EQL lexer: query text to tokens, in one left-to-right pass with at most three characters
 * of lookahead and no regular expressions, so its cost is linear in the text.
 *
 * It follows Elasticsearch's lexical rules: whitespace is space, tab, CR and LF; comments are
 * `// …` and nestable `/* … *\/`; strings are `"…"` with the escapes \b \t \n \f \r \" \'
 * \\ and \u{XX…} (2 to 8 hex digits), or raw `"""…"""` on one line. Single-quoted and
 * `?"…"` strings are rejected with a hint, as Elasticsearch does. Every error is an EqlError
 * with a span.
 *
 * Invariant: line and column are kept in step with the offset; a line ends at LF only (a CR
 * before it counts as a column of the line it ends).
 */

import type { Position } from './ast.js';
import { EQL_SYNTAX, EqlError } from './errors.js';
import { isKeyword, type Token, type TokenKind } from './tokens.js';

const CHAR_TAB = 9;
const CHAR_LF = 10;
const CHAR_CR = 13;
const CHAR_SPACE = 32;
const CHAR_QUOTE = 34;
const CHAR_APOSTROPHE = 39;
const CHAR_BACKQUOTE = 96;
const CHAR_BACKSLASH = 92;

const VALID_ESCAPES = '\\n \\r \\t \\b \\f \\" \\\' \\\\ and \\u{XXXX}';

/** Splits `text` into tokens, ending with one `eof` token. Throws EqlError on bad input. */
export function tokenize(text: string): Token[] {
  return new Lexer(text).run();
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function isLetter(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

function isIdentifierPart(code: number): boolean {
  return isLetter(code) || isDigit(code) || code === 95;
}

function isHexDigit(code: number): boolean {
  return isDigit(code) || (code >= 65 && code <= 70) || (code >= 97 && code <= 102);
}

class Lexer {
  private pos = 0;
  private line = 1;
  private lineStart = 0;
  private readonly tokens: Token[] = [];

  constructor(private readonly text: string) {}

  run(): Token[] {
    for (;;) {
      this.skipTrivia();
      if (this.pos >= this.text.length) break;
      this.tokens.push(this.readToken());
    }
    const end = this.position(this.pos);
    this.tokens.push({ kind: 'eof', value: '', text: '', start: end, end });
    return this.tokens;
  }

  private position(offset: number): Position {
    return { offset, line: this.line, column: offset - this.lineStart + 1 };
  }

  private code(offset: number): number {
    return this.text.charCodeAt(offset);
  }

  private fail(message: string, startOffset: number, endOffset: number, hint?: string): never {
    const span = { start: this.position(startOffset), end: this.position(endOffset) };
    throw new EqlError(EQL_SYNTAX, message, span, this.text, hint);
  }

  private newlineAt(offset: number): void {
    this.line += 1;
    this.lineStart = offset + 1;
  }

  private skipTrivia(): void {
    for (;;) {
      const code = this.code(this.pos);
      if (code === CHAR_SPACE || code === CHAR_TAB || code === CHAR_CR) {
        this.pos += 1;
      } else if (code === CHAR_LF) {
        this.newlineAt(this.pos);
        this.pos += 1;
      } else if (code === 47 && this.code(this.pos + 1) === 47) {
        this.skipLineComment();
      } else if (code === 47 && this.code(this.pos + 1) === 42) {
        this.skipBlockComment();
      } else {
        return;
      }
    }
  }

  private skipLineComment(): void {
    const end = this.text.indexOf('\n', this.pos);
    this.pos = end === -1 ? this.text.length : end;
  }

  /** Block comments nest, as in Elasticsearch's grammar. */
  private skipBlockComment(): void {
    const start = this.pos;
    const startPosition = this.position(start);
    let depth = 0;
    while (this.pos < this.text.length) {
      const code = this.code(this.pos);
      const next = this.code(this.pos + 1);
      if (code === 47 && next === 42) {
        depth += 1;
        this.pos += 2;
      } else if (code === 42 && next === 47) {
        depth -= 1;
        this.pos += 2;
        if (depth === 0) return;
      } else {
        if (code === CHAR_LF) this.newlineAt(this.pos);
        this.pos += 1;
      }
    }
    const openerEnd = { ...startPosition, offset: start + 2, column: startPosition.column + 2 };
    const span = { start: startPosition, end: openerEnd };
    const message = "Unterminated comment: '/*' has no closing '*/'";
    throw new EqlError(EQL_SYNTAX, message, span, this.text);
  }

  private readToken(): Token {
    const code = this.code(this.pos);
    if (isLetter(code) || code === 95 || code === 64) return this.readWord();
    if (isDigit(code)) return this.readNumber();
    if (code === 46 && isDigit(this.code(this.pos + 1))) return this.readNumber();
    if (code === CHAR_QUOTE) return this.readString();
    if (code === CHAR_BACKQUOTE) return this.readQuotedIdentifier();
    if (code === CHAR_APOSTROPHE) return this.rejectSingleQuotes(this.pos);
    return this.readPunctuation();
  }

  private token(kind: TokenKind, start: number, value?: string): Token {
    const text = this.text.slice(start, this.pos);
    const startPosition = { offset: start, line: this.line, column: start - this.lineStart + 1 };
    return { kind, value: value ?? text, text, start: startPosition, end: this.position(this.pos) };
  }

  /** Identifiers and keywords; a `~` right after a word makes `in~` or a function name `f~`. */
  private readWord(): Token {
    const start = this.pos;
    const startsWithLetter = isLetter(this.code(start));
    this.pos += 1;
    while (isIdentifierPart(this.code(this.pos))) this.pos += 1;
    const word = this.text.slice(start, this.pos);

    if (this.code(this.pos) === 126 && startsWithLetter) {
      this.pos += 1;
      if (word === 'in' || word === 'like' || word === 'regex') {
        return this.token(`${word}~`, start);
      }
      return this.token('tildeIdentifier', start, word);
    }
    return this.token(isKeyword(word) ? word : 'identifier', start, word);
  }

  /** `12`, `1.5`, `1.`, `.5`, `1e5`, `1.5E-3`; a sign is the parser's business. */
  private readNumber(): Token {
    const start = this.pos;
    let decimal = false;
    while (isDigit(this.code(this.pos))) this.pos += 1;

    if (this.code(this.pos) === 46) {
      decimal = true;
      this.pos += 1;
      while (isDigit(this.code(this.pos))) this.pos += 1;
    }

    const exponentLength = this.exponentLengthAt(this.pos);
    if (exponentLength > 0) {
      decimal = true;
      this.pos += exponentLength;
    }
    return this.token(decimal ? 'decimal' : 'integer', start);
  }

  /** The length of `e`, optional sign and digits at `offset`, or 0 if there is no exponent. */
  private exponentLengthAt(offset: number): number {
    const code = this.code(offset);
    if (code !== 101 && code !== 69) return 0;

    let end = offset + 1;
    const sign = this.code(end);
    if (sign === 43 || sign === 45) end += 1;
    if (!isDigit(this.code(end))) return 0;
    while (isDigit(this.code(end))) end += 1;
    return end - offset;
  }

  private readString(): Token {
    const isRaw = this.code(this.pos + 1) === CHAR_QUOTE && this.code(this.pos + 2) === CHAR_QUOTE;
    return isRaw ? this.readRawString() : this.readEscapedString();
  }

  /**
   * `"""…"""`: no escapes, no line breaks. Up to two quotes right after the closing `"""`
   * belong to the text, so `"""say "hi""""` is `say "hi"`.
   */
  private readRawString(): Token {
    const start = this.pos;
    const bodyStart = start + 3;
    let index = bodyStart;
    for (;;) {
      const code = this.code(index);
      if (index >= this.text.length || code === CHAR_LF || code === CHAR_CR) {
        this.fail(
          'Unterminated raw string: expected \'"""\' before the end of the line',
          start,
          index,
          'raw strings cannot span lines; write line breaks as \\n in a "…" string',
        );
      }
      if (code === CHAR_QUOTE && this.text.startsWith('"""', index)) break;
      index += 1;
    }

    let bodyEnd = index;
    while (bodyEnd < index + 2 && this.code(bodyEnd + 3) === CHAR_QUOTE) bodyEnd += 1;
    this.pos = bodyEnd + 3;
    return this.token('string', start, this.text.slice(bodyStart, bodyEnd));
  }

  private readEscapedString(): Token {
    const start = this.pos;
    let value = '';
    let chunkStart = start + 1;
    this.pos = chunkStart;
    for (;;) {
      const code = this.code(this.pos);
      if (code === CHAR_QUOTE) break;
      if (this.pos >= this.text.length || code === CHAR_LF || code === CHAR_CR) {
        this.failUnterminatedString(start);
      }
      if (code === CHAR_BACKSLASH) {
        value += this.text.slice(chunkStart, this.pos) + this.readEscape();
        chunkStart = this.pos;
      } else {
        this.pos += 1;
      }
    }
    value += this.text.slice(chunkStart, this.pos);
    this.pos += 1;
    return this.token('string', start, value);
  }

  private failUnterminatedString(start: number): never {
    const atEnd = this.pos >= this.text.length;
    this.fail(
      "Unterminated string: expected a closing '\"' before the end of the " +
        (atEnd ? 'query' : 'line'),
      start,
      this.pos,
      atEnd ? undefined : 'strings cannot span lines; write a line break as \\n',
    );
  }

  /** Reads the escape at `this.pos` (a backslash) and returns the character it stands for. */
  private readEscape(): string {
    const start = this.pos;
    const letter = this.text[start + 1];
    this.pos += 2;
    switch (letter) {
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      case 'b':
        return '\b';
      case 'f':
        return '\f';
      case '"':
        return '"';
      case "'":
        return "'";
      case '\\':
        return '\\';
      case 'u':
        return this.readUnicodeEscape(start);
      default:
        return this.failUnknownEscape(start, letter);
    }
  }

  private failUnknownEscape(start: number, letter: string | undefined): never {
    const atLineEnd = letter === undefined || letter === '\n' || letter === '\r';
    if (atLineEnd) this.failUnterminatedString(start);
    this.fail(
      `Unknown escape sequence '\\${letter}' in string`,
      start,
      start + 2,
      `EQL accepts ${VALID_ESCAPES}; for a literal backslash write \\\\ ` +
        'or use a raw string """…"""',
    );
  }

  /** `\u{XX}` to `\u{XXXXXXXX}`: 2 to 8 hex digits naming a Unicode scalar value. */
  private readUnicodeEscape(start: number): string {
    if (this.code(this.pos) !== 123) {
      this.fail(
        "Invalid unicode escape: expected '{' after '\\u'",
        start,
        this.pos,
        'write unicode escapes as \\u{XXXX} with 2 to 8 hex digits',
      );
    }
    const digitsStart = this.pos + 1;
    let end = digitsStart;
    while (isHexDigit(this.code(end))) end += 1;
    const digits = this.text.slice(digitsStart, end);

    if (this.code(end) !== 125 || digits.length < 2 || digits.length > 8) {
      const closeAt = this.code(end) === 125 ? end + 1 : end;
      this.fail(
        `Invalid unicode escape: expected 2 to 8 hex digits between '\\u{' and '}'`,
        start,
        closeAt,
        'write unicode escapes as \\u{XXXX}, for example \\u{200F}',
      );
    }
    this.pos = end + 1;

    const codePoint = Number.parseInt(digits, 16);
    const isSurrogate = codePoint >= 0xd800 && codePoint <= 0xdfff;
    if (codePoint > 0x10ffff || isSurrogate) {
      this.fail(`Invalid unicode escape: U+${digits} is not a character`, start, this.pos);
    }
    return String.fromCodePoint(codePoint);
  }

  /** `` `my field` ``: any characters but a backquote, which is written twice. */
  private readQuotedIdentifier(): Token {
    const start = this.pos;
    let value = '';
    let chunkStart = start + 1;
    this.pos = chunkStart;
    for (;;) {
      if (this.pos >= this.text.length) {
        this.fail("Unterminated field name: expected a closing '`'", start, start + 1);
      }
      const code = this.code(this.pos);
      if (code === CHAR_BACKQUOTE && this.code(this.pos + 1) === CHAR_BACKQUOTE) {
        value += this.text.slice(chunkStart, this.pos + 1);
        this.pos += 2;
        chunkStart = this.pos;
      } else if (code === CHAR_BACKQUOTE) {
        break;
      } else {
        if (code === CHAR_LF) this.newlineAt(this.pos);
        this.pos += 1;
      }
    }
    value += this.text.slice(chunkStart, this.pos);
    this.pos += 1;
    if (value === '') this.fail('Empty field name: `` names no field', start, this.pos);
    return this.tokenSpanningLines('quotedIdentifier', start, value);
  }

  /** A token whose text may contain line breaks: its start is found by counting back. */
  private tokenSpanningLines(kind: TokenKind, start: number, value: string): Token {
    const text = this.text.slice(start, this.pos);
    const breaks = countLineBreaks(text);
    const startLine = this.line - breaks;
    const startLineStart = breaks === 0 ? this.lineStart : this.text.lastIndexOf('\n', start) + 1;
    const startPosition = { offset: start, line: startLine, column: start - startLineStart + 1 };
    return { kind, value, text, start: startPosition, end: this.position(this.pos) };
  }

  private rejectSingleQuotes(start: number): never {
    const close = this.text.indexOf("'", start + 1);
    const lineEnd = this.text.indexOf('\n', start);
    const closedOnLine = close !== -1 && (lineEnd === -1 || close < lineEnd);
    this.fail(
      'Single-quoted strings are not supported',
      start,
      closedOnLine ? close + 1 : start + 1,
      'enclose strings in double quotes: "…"',
    );
  }

  private readPunctuation(): Token {
    const start = this.pos;
    const code = this.code(start);
    const next = this.code(start + 1);
    const two = this.text.slice(start, start + 2);

    switch (two) {
      case '==':
      case '!=':
      case '<=':
      case '>=':
      case '![':
        this.pos += 2;
        return this.token(two, start);
      case '&&':
      case '||':
        this.fail(`Unexpected '${two}'`, start, start + 2, `use '${two === '&&' ? 'and' : 'or'}'`);
    }

    if (code === 63 && (next === CHAR_QUOTE || next === CHAR_APOSTROPHE)) {
      this.fail(
        `'?${this.text[start + 1]}' strings are not supported`,
        start,
        start + 2,
        'write raw strings in triple double quotes: """…"""',
      );
    }

    const single = this.text[start] ?? '';
    if (':=<>+-*/%.,[]()|?'.includes(single)) {
      this.pos += 1;
      return this.token(single as TokenKind, start);
    }
    return this.failUnexpectedCharacter(start, single);
  }

  private failUnexpectedCharacter(start: number, char: string): never {
    const width = (this.text.codePointAt(start) ?? 0) > 0xffff ? 2 : 1;
    const shown = this.text.slice(start, start + width);
    const hints: Record<string, string> = {
      '&': "use 'and'",
      '!': "use 'not' to negate a condition, '!=' to compare, or '![' for a missing-event step",
      '~': "'~' goes right after a function name or in/like/regex, with no space: like~",
      $: 'variables are not supported',
    };
    this.fail(`Unexpected character '${shown}'`, start, start + width, hints[char]);
  }
}

function countLineBreaks(text: string): number {
  let count = 0;
  for (let index = text.indexOf('\n'); index !== -1; index = text.indexOf('\n', index + 1)) {
    count += 1;
  }
  return count;
}
