import { describe, expect, it } from 'vitest';

import { EqlError } from '../../src/eql/errors.js';
import { tokenize } from '../../src/eql/lexer.js';

function kinds(text: string): string[] {
  return tokenize(text).map((token) => token.kind);
}

function onlyToken(text: string) {
  const tokens = tokenize(text);
  expect(tokens).toHaveLength(2);
  return tokens[0]!;
}

function lexError(text: string): EqlError {
  try {
    tokenize(text);
  } catch (error) {
    if (error instanceof EqlError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(text)} to be rejected`);
}

describe('tokenize', () => {
  it('splits an event query into keywords, names, operators and strings', () => {
    const got = kinds('process where process.name : "a*" and not x in~ (1)');

    const want = [
      'identifier',
      'where',
      'identifier',
      '.',
      'identifier',
      ':',
      'string',
      'and',
      'not',
      'identifier',
      'in~',
      '(',
      'integer',
      ')',
      'eof',
    ];
    expect(got).toEqual(want);
  });

  it.each([
    ['==', '=='],
    ['!=', '!='],
    ['<=', '<='],
    ['>=', '>='],
    ['<', '<'],
    ['>', '>'],
    ['=', '='],
    ['![', '!['],
    ['like~', 'like~'],
    ['regex~', 'regex~'],
    ['in~', 'in~'],
    ['endsWith~', 'tildeIdentifier'],
    ['AND', 'identifier'],
    ['@timestamp', 'identifier'],
    ['_id', 'identifier'],
    ['sample', 'sample'],
    ['`a b`', 'quotedIdentifier'],
  ])('reads %s as one %s token', (text, want) => {
    const got = onlyToken(text).kind;

    expect(got).toBe(want);
  });

  it.each([
    ['"plain"', 'plain'],
    ['"a\\"b"', 'a"b'],
    ['"back\\\\slash"', 'back\\slash'],
    ['"\\n\\r\\t\\b\\f"', '\n\r\t\b\f'],
    ['"it\\\'s"', "it's"],
    ['"\\u{41}\\u{200f}\\u{0001F600}"', 'A\u200f\u{1F600}'],
    ['""', ''],
    ['"""raw \\d+ "quoted" text"""', 'raw \\d+ "quoted" text'],
    ['"""ends in quotes"""""', 'ends in quotes""'],
    ['""""""', ''],
    ['"C:\\\\Windows\\\\*"', 'C:\\Windows\\*'],
  ])('decodes the string %s', (text, want) => {
    const got = onlyToken(text);

    expect(got.kind).toBe('string');
    expect(got.value).toBe(want);
  });

  it.each([
    ['12', 'integer'],
    ['1.5', 'decimal'],
    ['1.', 'decimal'],
    ['.5', 'decimal'],
    ['1e5', 'decimal'],
    ['1.5E-3', 'decimal'],
    ['2e+10', 'decimal'],
  ])('reads the number %s as %s', (text, want) => {
    const got = onlyToken(text);

    expect(got.kind).toBe(want);
    expect(got.value).toBe(text);
  });

  it('stops a number before an exponent marker with no digits (5m is 5 then m)', () => {
    const got = tokenize('5m 1e').map((token) => token.text);

    expect(got).toEqual(['5', 'm', '1', 'e', '']);
  });

  it('undoubles backquotes in a quoted field name', () => {
    const got = onlyToken('`my``field`').value;

    expect(got).toBe('my`field');
  });

  it('skips line comments and nested block comments', () => {
    const got = kinds('a // trailing\n/* outer /* inner */ still outer */ b');

    expect(got).toEqual(['identifier', 'identifier', 'eof']);
  });

  it('tracks line and column across lines, comments and multi-line field names', () => {
    const tokens = tokenize('a\n  /* x\n */ `p\nq` b');

    const got = tokens.map((token) => [token.text, token.start.line, token.start.column]);

    const want = [
      ['a', 1, 1],
      ['`p\nq`', 3, 5],
      ['b', 4, 4],
      ['', 4, 5],
    ];
    expect(got).toEqual(want);
  });

  it('gives each token a half-open offset range', () => {
    const token = tokenize('  "ab"')[0]!;

    const got = [token.start.offset, token.end.offset];

    expect(got).toEqual([2, 6]);
  });

  it.each([
    ['"abc', 'Unterminated string', 1, 1],
    ['x == "abc\n"', 'Unterminated string', 1, 6],
    ['"""abc', 'Unterminated raw string', 1, 1],
    ['"""a\nb"""', 'Unterminated raw string', 1, 1],
    ['"a\\xb"', "Unknown escape sequence '\\x'", 1, 3],
    ['\n  "\\d"', "Unknown escape sequence '\\d'", 2, 4],
    ['"\\u0041"', "expected '{' after '\\u'", 1, 2],
    ['"\\u{4}"', 'expected 2 to 8 hex digits', 1, 2],
    ['"\\u{123456789}"', 'expected 2 to 8 hex digits', 1, 2],
    ['"\\u{}"', 'expected 2 to 8 hex digits', 1, 2],
    ['"\\u{110000}"', 'U+110000 is not a character', 1, 2],
    ['"\\u{D800}"', 'U+D800 is not a character', 1, 2],
    ["'abc'", 'Single-quoted strings are not supported', 1, 1],
    ['?"abc"', "'?\"' strings are not supported", 1, 1],
    ["?'abc'", "'?'' strings are not supported", 1, 1],
    ['a && b', "Unexpected '&&'", 1, 3],
    ['a || b', "Unexpected '||'", 1, 3],
    ['a & b', "Unexpected character '&'", 1, 3],
    ['! a', "Unexpected character '!'", 1, 1],
    ['a ~ b', "Unexpected character '~'", 1, 3],
    ['$x', "Unexpected character '$'", 1, 1],
    ['a\n\n  #', "Unexpected character '#'", 3, 3],
    ['/* open', 'Unterminated comment', 1, 1],
    ['`open', 'Unterminated field name', 1, 1],
    ['``', 'Empty field name', 1, 1],
    ['a\u00a0b', "Unexpected character '\u00a0'", 1, 2],
    ['a \u{1F600}', "Unexpected character '\u{1F600}'", 1, 3],
  ])('rejects %j with "%s" at %i:%i', (text, message, line, column) => {
    const got = lexError(text);

    expect(got.code).toBe('EQL_SYNTAX');
    expect(got.message).toContain(message);
    expect(got.location).toEqual({ line, column });
  });

  it('hints at the operator meant by && and ||', () => {
    const got = [lexError('a && b').hint, lexError('a || b').hint];

    expect(got).toEqual(["use 'and'", "use 'or'"]);
  });

  it('lexes a long query in linear time', () => {
    const clause = 'process.name : ("a*", "b") and ';
    const text = 'process where ' + clause.repeat(20_000) + 'true';

    const startMs = performance.now();
    const got = tokenize(text).length;
    const elapsedMs = performance.now() - startMs;

    expect(got).toBe(2 + 10 * 20_000 + 2);
    expect(elapsedMs).toBeLessThan(2_000);
  });
});
