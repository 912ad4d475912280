/**
 * JSON lines that keep every integer exact.
 *
 * eslogger prints 64-bit values (inode numbers, device ids) as bare JSON integers, and some exceed
 * 2^53, where `JSON.parse` silently rounds them. Approach: three tiers, cheapest first.
 * 1. A line without a run of 16 or more digits cannot hold an unsafe integer (2^53 has 16
 *    digits), so it goes straight to `JSON.parse`.
 * 2. Otherwise each long digit run that sits where a JSON value may start (after `:`, `,`, `[`
 *    or the line start, spaces and a minus sign allowed) and is a whole unsafe integer is wrapped
 *    in quotes without first finding out whether it lies inside a string, and the result parsed.
 *    This guess is checked by the parser itself: a quote inserted inside a string follows one of
 *    `: , [` or a space (never a backslash, and none of them ends an escape), so it closes that
 *    string, and a digit or minus right after a closed string is a syntax error in every JSON
 *    context. So the guess parses only when every quote it added was outside strings, which makes
 *    it the same text tier 3 would build (a run outside strings that the guess left alone could
 *    not stand where a value goes, so the line would not parse either). Real eslogger lines carry
 *    long inode numbers on almost every line, which is why this tier exists: digit runs are found
 *    by probing every 16th character, far cheaper than a string-aware walk of the whole line.
 *    Tiers 1 and 2 are one pass: with no run to quote, the guess is the line itself. Readers
 *    make the guess for a whole chunk of ASCII lines at once, on its bytes
 *    (`quoteValueLikeIntegersInBytes`, the same quotes line by line), and hand each guessed
 *    line to `parseGuessedJsonLine` with a way to get the line as read.
 * 3. When the guess does not parse (a line with crafted strings, or a bad line), the exact
 *    rewrite walks the line string-aware: each integer token outside a string that is not a safe
 *    integer is wrapped in quotes, and that text decides (parsed, or reported as malformed).
 *    Crafted lines thus cost a second parse, never a wrong value.
 * Safe integers, fractions and exponents stay numbers.
 *
 * Invariant: the value returned is plain JSON (no bigint), so it can flow into ECS documents and
 * `JSON.stringify` unchanged; an integer beyond 2^53 is a decimal string, never a rounded number;
 * a string is never altered, whatever digits, quotes or colons it holds.
 *
 * On a syntax error a small validator walks the line to find the first offending character, so
 * the error names a 1-based column whatever wording V8 uses for its own message.
 */
import { ExecwatchError, type SourceLocation } from '../shared/errors.js';

/** 2^53 has 16 digits: a shorter integer is always safe. */
const UNSAFE_DIGITS_MIN = 16;

/**
 * Parses one JSON line. Integers beyond 2^53 come back as exact decimal strings. Throws an
 * `ExecwatchError` with code `MALFORMED_JSON` and the 1-based column of the first bad character.
 */
export function parseEsloggerLine(line: string): unknown {
  return parseJsonLine(line, {});
}

/** `parseEsloggerLine` with the file and line to put in the error's location. */
export function parseJsonLine(line: string, where: Omit<SourceLocation, 'column'>): unknown {
  return parseGuessedJsonLine(quoteValueLikeIntegers(line), () => line, where);
}

/**
 * `parseJsonLine` for a line whose tier-2 guess was made already (`guessed`, see
 * `quoteValueLikeIntegers` and `quoteValueLikeIntegersInBytes`); `original` gives the line as
 * read, for tier 3 and for error positions.
 */
export function parseGuessedJsonLine(
  guessed: string,
  original: () => string,
  where: Omit<SourceLocation, 'column'>,
): unknown {
  try {
    return JSON.parse(guessed);
  } catch {
    // A guessed quote landed inside a string, or the line is bad: the exact rewrite decides.
  }
  const line = original();
  return parseOrReport(quoteUnsafeIntegers(line), line, where);
}

function parseOrReport(text: string, line: string, where: Omit<SourceLocation, 'column'>): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    const { offset, expected } = locateSyntaxError(line);
    const found = offset < line.length ? `'${line.charAt(offset)}'` : 'end of line';
    throw new ExecwatchError(
      'MALFORMED_JSON',
      `Invalid JSON: expected ${expected}, found ${found}`,
      {
        cause,
        location: { ...where, column: offset + 1 },
      },
    );
  }
}

/**
 * Tiers 1 and 2 of the module comment: the line with every long digit run that stands where a
 * value may start and is a whole unsafe integer wrapped in quotes, whether or not it lies in a
 * string; the line itself when there is none.
 */
export function quoteValueLikeIntegers(line: string): string {
  let result = '';
  let copiedUpTo = 0;

  for (
    let run = nextLongDigitRun(line, 0);
    run !== undefined;
    run = nextLongDigitRun(line, run.end)
  ) {
    const { end } = run;
    const start = line.charCodeAt(run.start - 1) === MINUS ? run.start - 1 : run.start;
    if (!startsValue(line, start) || endsFractionOrExponent(line, end)) continue;

    if (!isUnsafeIntegerText(line, run.start, end)) continue;
    result += `${line.slice(copiedUpTo, start)}"${line.slice(start, end)}"`;
    copiedUpTo = end;
  }
  return copiedUpTo === 0 ? line : result + line.slice(copiedUpTo);
}

/**
 * The next run of at least 16 digits at or after `from` (as [start, end)), found by probing
 * every 16th character: any such run covers a probe, and a probe that hits a digit is widened
 * both ways to its whole run. About a tenth of the cost of a regex scan of every character.
 * Before widening, the characters 8 before and 8 after the probe are looked at: a run of 16
 * that holds the probe holds one of them, so when neither is a digit the probe's run is short
 * (timestamps and small numbers hit probes often, and are passed over this way).
 */
function nextLongDigitRun(line: string, from: number): { start: number; end: number } | undefined {
  const half = UNSAFE_DIGITS_MIN / 2;
  for (let probe = from + UNSAFE_DIGITS_MIN - 1; probe < line.length;) {
    const isShortRun =
      !isDigit(line.charCodeAt(probe)) ||
      (!isDigit(line.charCodeAt(probe - half)) && !isDigit(line.charCodeAt(probe + half)));
    if (isShortRun) {
      probe += UNSAFE_DIGITS_MIN;
      continue;
    }
    let start = probe;
    while (start > from && isDigit(line.charCodeAt(start - 1))) start -= 1;
    let end = probe + 1;
    while (end < line.length && isDigit(line.charCodeAt(end))) end += 1;
    if (end - start >= UNSAFE_DIGITS_MIN) return { start, end };
    // The next run starts after the non-digit at `end`; its 16th character is the next probe.
    probe = end + UNSAFE_DIGITS_MIN;
  }
  return undefined;
}

/**
 * Tiers 1 and 2 for a chunk of whole ASCII lines at once, on its bytes: the chunk with exactly
 * the quotes `quoteValueLikeIntegers` adds to each of its lines (`bytes` itself when there are
 * none). A reader then decodes the chunk once and hands out slices of one string, instead of
 * building and then copying a new string per line; bytes are also cheaper to probe than a slice
 * of a string. A newline ends a line: a value never starts across one.
 */
export function quoteValueLikeIntegersInBytes(bytes: Buffer): Buffer {
  const length = bytes.length;
  const half = UNSAFE_DIGITS_MIN / 2;
  /** [valueStart, end) pairs of the runs to quote, in order. */
  const runs: number[] = [];

  for (let probe = UNSAFE_DIGITS_MIN - 1; probe < length;) {
    const isShortRun =
      !isDigit(bytes[probe] ?? 0) ||
      (!isDigit(bytes[probe - half] ?? 0) &&
        (probe + half >= length || !isDigit(bytes[probe + half] ?? 0)));
    if (isShortRun) {
      probe += UNSAFE_DIGITS_MIN;
      continue;
    }
    let start = probe;
    while (start > 0 && isDigit(bytes[start - 1] ?? 0)) start -= 1;
    let end = probe + 1;
    while (end < length && isDigit(bytes[end] ?? 0)) end += 1;
    if (end - start >= UNSAFE_DIGITS_MIN && isQuotableRun(bytes, start, end)) {
      runs.push(bytes[start - 1] === MINUS ? start - 1 : start, end);
    }
    probe = end + UNSAFE_DIGITS_MIN;
  }
  return runs.length === 0 ? bytes : withQuotes(bytes, runs);
}

/**
 * `bytes` with each [start, end) of `runs` (pairs, in order) between double quotes. The text
 * between runs is copied natively; a run (some 20 digits) by a loop, cheaper than a native call.
 */
function withQuotes(bytes: Buffer, runs: readonly number[]): Buffer {
  // Two quotes per run: the result is longer by the length of `runs`.
  const quoted = Buffer.allocUnsafe(bytes.length + runs.length);
  let copiedUpTo = 0;
  let written = 0;
  for (let index = 0; index < runs.length; index += 2) {
    const start = runs[index] ?? 0;
    const end = runs[index + 1] ?? 0;
    quoted.set(bytes.subarray(copiedUpTo, start), written);
    written += start - copiedUpTo;
    quoted[written++] = QUOTE;
    for (let at = start; at < end; at += 1) quoted[written++] = bytes[at] ?? 0;
    quoted[written++] = QUOTE;
    copiedUpTo = end;
  }
  quoted.set(bytes.subarray(copiedUpTo), written);
  return quoted;
}

const QUOTE = 0x22;

/** `quoteValueLikeIntegers`'s test of one run of 16 or more digits, bytes[start, end), on bytes. */
function isQuotableRun(bytes: Buffer, start: number, end: number): boolean {
  const valueStart = bytes[start - 1] === MINUS ? start - 1 : start;
  let index = valueStart - 1;
  while (index >= 0 && isInLineSpace(bytes[index] ?? 0)) index -= 1;
  const before = index < 0 ? NEWLINE : (bytes[index] ?? 0);
  const startsValue = before === NEWLINE || before === 0x3a || before === 0x2c || before === 0x5b;
  const after = bytes[end];
  const endsFraction = after === 0x2e || after === 0x65 || after === 0x45;
  if (!startsValue || endsFraction || bytes[start] === ZERO) return false;

  const digits = end - start;
  if (digits !== MAX_SAFE_DIGITS.length) return digits > MAX_SAFE_DIGITS.length;
  return bytes.toString('latin1', start, end) > MAX_SAFE_DIGITS;
}

/** JSON whitespace other than the newline, which ends a line here. */
function isInLineSpace(char: number): boolean {
  return char === 0x20 || char === 0x09 || char === 0x0d;
}

const NEWLINE = 0x0a;

/** `Number.MAX_SAFE_INTEGER` in decimal: 16 digits. */
const MAX_SAFE_DIGITS = String(Number.MAX_SAFE_INTEGER);

/**
 * Whether the digits line[start, end) (a run of at least 16, sign excluded) are an integer
 * beyond 2^53 - 1, by length and then by text, without converting them. A run with a leading
 * zero is no JSON number: it is left for the parser to reject.
 */
function isUnsafeIntegerText(line: string, start: number, end: number): boolean {
  if (line.charCodeAt(start) === ZERO) return false;
  const length = end - start;
  if (length !== MAX_SAFE_DIGITS.length) return length > MAX_SAFE_DIGITS.length;
  return line.slice(start, end) > MAX_SAFE_DIGITS;
}

const ZERO = 0x30;

function isDigit(char: number): boolean {
  return char >= 0x30 && char <= 0x39;
}

const MINUS = 0x2d;

/**
 * Whether a JSON value may begin at `start`: after `:`, `,`, `[` or the line start (spaces
 * skipped).
 */
function startsValue(line: string, start: number): boolean {
  let index = start - 1;
  while (index >= 0 && isJsonSpace(line.charCodeAt(index))) index -= 1;
  if (index < 0) return true;
  const char = line.charCodeAt(index);
  return char === 0x3a || char === 0x2c || char === 0x5b;
}

function isJsonSpace(char: number): boolean {
  return char === 0x20 || char === 0x09 || char === 0x0a || char === 0x0d;
}

function endsFractionOrExponent(line: string, end: number): boolean {
  const char = line.charCodeAt(end);
  return char === 0x2e || char === 0x65 || char === 0x45;
}

/**
 * Wraps in quotes every integer token (outside strings) that is not a safe integer. Two sticky
 * regexes do the walking natively: one skips everything that cannot start a long integer
 * (whole strings, short numbers, punctuation), the other takes the long digit run found there.
 */
function quoteUnsafeIntegers(line: string): string {
  let result = '';
  let copiedUpTo = 0;
  let index = 0;

  while (index < line.length) {
    SKIP_TO_LONG_INTEGER.lastIndex = index;
    SKIP_TO_LONG_INTEGER.exec(line);
    LONG_INTEGER_HERE.lastIndex = SKIP_TO_LONG_INTEGER.lastIndex;
    const match = LONG_INTEGER_HERE.exec(line);
    if (match === null) break;

    const start = match.index;
    const end = start + match[0].length;
    const digitsStart = line.charCodeAt(start) === MINUS ? start + 1 : start;
    if (isWholeInteger(line, start, end) && isUnsafeIntegerText(line, digitsStart, end)) {
      result += `${line.slice(copiedUpTo, start)}"${match[0]}"`;
      copiedUpTo = end;
    }
    index = end;
  }
  return copiedUpTo === 0 ? line : result + line.slice(copiedUpTo);
}

/** Strings, punctuation, numbers of at most 15 digits, and a lone minus sign. */
const SKIP_TO_LONG_INTEGER = /(?:[^"\d-]+|"[^"\\]*(?:\\.[^"\\]*)*"|-?\d{1,15}(?!\d)|-(?!\d))*/y;
const LONG_INTEGER_HERE = /-?\d{16,}/y;

/** Whether line[start, end) is a whole integer token, not part of a fraction or exponent. */
function isWholeInteger(line: string, start: number, end: number): boolean {
  const before = line.charAt(start - 1);
  const after = line.charAt(end);
  return !/[\d.eE+-]/.test(before) && !/[.eE]/.test(after);
}

/** Where a strict JSON reading of `text` first fails (0-based offset) and what it expected. */
export function locateSyntaxError(text: string): { offset: number; expected: string } {
  const walker = new JsonWalker(text);
  try {
    walker.skipSpace();
    walker.value();
    walker.skipSpace();
    if (walker.offset < text.length) walker.fail('end of line');
    return { offset: text.length, expected: 'valid JSON' };
  } catch (error) {
    if (error instanceof WalkFailure) return { offset: error.offset, expected: error.expected };
    throw error;
  }
}

class WalkFailure {
  constructor(
    readonly offset: number,
    readonly expected: string,
  ) {}
}

const JSON_NUMBER = /-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?/y;

/** A recursive-descent JSON validator: used only to position errors, never on the fast path. */
class JsonWalker {
  offset = 0;

  constructor(private readonly text: string) {}

  fail(expected: string): never {
    throw new WalkFailure(this.offset, expected);
  }

  skipSpace(): void {
    while (/[ \t\r\n]/.test(this.text.charAt(this.offset))) this.offset += 1;
  }

  value(): void {
    const char = this.text.charAt(this.offset);
    if (char === '{') return this.object();
    if (char === '[') return this.array();
    if (char === '"') return this.string();
    if (char === '-' || /[0-9]/.test(char)) return this.number();
    for (const word of ['true', 'false', 'null']) {
      if (this.text.startsWith(word, this.offset)) {
        this.offset += word.length;
        return;
      }
    }
    this.fail('a value');
  }

  object(): void {
    this.offset += 1;
    this.skipSpace();
    if (this.eat('}')) return;
    for (;;) {
      if (this.text.charAt(this.offset) !== '"') this.fail('a double-quoted property name');
      this.string();
      this.skipSpace();
      if (!this.eat(':')) this.fail("':'");
      this.skipSpace();
      this.value();
      this.skipSpace();
      if (this.eat('}')) return;
      if (!this.eat(',')) this.fail("',' or '}'");
      this.skipSpace();
    }
  }

  array(): void {
    this.offset += 1;
    this.skipSpace();
    if (this.eat(']')) return;
    for (;;) {
      this.value();
      this.skipSpace();
      if (this.eat(']')) return;
      if (!this.eat(',')) this.fail("',' or ']'");
      this.skipSpace();
    }
  }

  string(): void {
    this.offset += 1;
    for (;;) {
      const char = this.text.charAt(this.offset);
      if (char === '') this.fail('a closing quote');
      if (char === '"') {
        this.offset += 1;
        return;
      }
      if (char === '\\') this.escape();
      else if (char < ' ') this.fail('an escaped control character');
      else this.offset += 1;
    }
  }

  escape(): void {
    this.offset += 1;
    const char = this.text.charAt(this.offset);
    if ('"\\/bfnrt'.includes(char) && char !== '') {
      this.offset += 1;
      return;
    }
    if (
      char === 'u' &&
      /^[0-9a-fA-F]{4}$/.test(this.text.slice(this.offset + 1, this.offset + 5))
    ) {
      this.offset += 5;
      return;
    }
    this.fail('a valid escape sequence');
  }

  number(): void {
    JSON_NUMBER.lastIndex = this.offset;
    const match = JSON_NUMBER.exec(this.text);
    if (match === null) this.fail('a number');
    this.offset += match[0].length;
  }

  eat(char: string): boolean {
    if (this.text.charAt(this.offset) !== char) return false;
    this.offset += 1;
    return true;
  }
}
