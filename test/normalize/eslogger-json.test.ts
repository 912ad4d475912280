import { readFileSync } from 'node:fs';

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { parseEsloggerLine, parseJsonLine } from '../../src/normalize/index.js';
import { ExecwatchError } from '../../src/shared/errors.js';

function thrownBy(action: () => unknown): ExecwatchError {
  try {
    action();
  } catch (error) {
    if (error instanceof ExecwatchError) return error;
    throw error;
  }
  throw new Error('expected an ExecwatchError, nothing was thrown');
}

/** `got` equals `want`, where `want`'s rounded unsafe integers may be exact strings in `got`. */
function agreesWithJsonParse(got: unknown, want: unknown): boolean {
  if (typeof want === 'number' && typeof got === 'string') {
    return Number.isInteger(want) && !Number.isSafeInteger(want) && Number(got) === want;
  }
  if (Array.isArray(want)) {
    return (
      Array.isArray(got) &&
      got.length === want.length &&
      want.every((item, index) => agreesWithJsonParse(got[index], item))
    );
  }
  if (typeof want === 'object' && want !== null) {
    if (typeof got !== 'object' || got === null) return false;
    const gotRecord = got as Record<string, unknown>;
    const wantRecord = want as Record<string, unknown>;
    const keys = Object.keys(wantRecord);
    return (
      keys.length === Object.keys(gotRecord).length &&
      keys.every((key) => agreesWithJsonParse(gotRecord[key], wantRecord[key]))
    );
  }
  return Object.is(got, want);
}

describe('parseEsloggerLine', () => {
  it('keeps the 64-bit inode of a real macOS 15 exit message exact', () => {
    const line = readFileSync('test/fixtures/eslogger/v9/exit.jsonl', 'utf8').trim();

    const got = parseEsloggerLine(line) as {
      process: { executable: { stat: { st_ino: unknown } } };
    };

    expect(got.process.executable.stat.st_ino).toBe('1152921500312525701');
  });

  it.each([
    ['{"n":9007199254740992}', '9007199254740992'],
    ['{"n":9007199254740993}', '9007199254740993'],
    ['{"n":99999999999999999}', '99999999999999999'],
    ['{"n":-9007199254740993}', '-9007199254740993'],
    ['{"n":18446744073709551615}', '18446744073709551615'],
    ['[1152921500312342574,1]', ['1152921500312342574', 1]],
    ['[9007199254740993]', ['9007199254740993']],
    ['[1,-12345678901234567890]', [1, '-12345678901234567890']],
  ])('turns the unsafe integer in %s into its exact decimal string', (line, want) => {
    const got = parseEsloggerLine(line) as { n?: unknown } | unknown[];

    expect(Array.isArray(got) ? got : got.n).toEqual(want);
  });

  it.each([
    ['{"n":9007199254740991}', { n: 9_007_199_254_740_991 }],
    ['{"n":-9007199254740991}', { n: -9_007_199_254_740_991 }],
    ['{"n":1000000000000000}', { n: 1_000_000_000_000_000 }],
    ['{"n":1234567890123456.5}', { n: 1_234_567_890_123_456.5 }],
    ['{"n":12345678901234567e3}', { n: 12_345_678_901_234_567e3 }],
    ['{"s":"12345678901234567890"}', { s: '12345678901234567890' }],
    ['{"s":"a \\" 12345678901234567890 \\\\"}', { s: 'a " 12345678901234567890 \\' }],
    ['{"path":"\\/bin\\/zsh","n":42}', { path: '/bin/zsh', n: 42 }],
  ])('reads %s as JSON.parse would', (line, want) => {
    const got = parseEsloggerLine(line);

    expect(got).toEqual(want);
  });

  it.each([
    ['{"a":1,}', 8, "expected a double-quoted property name, found '}'"],
    ['{"a":tru}', 6, "expected a value, found 't'"],
    ['{"a":1', 7, "expected ',' or '}', found end of line"],
    ['{"a" 1}', 6, "expected ':', found '1'"],
    ['[1 2]', 4, "expected ',' or ']', found '2'"],
    ['{"a":"\\x"}', 8, "expected a valid escape sequence, found 'x'"],
    ['{"a":-}', 6, "expected a number, found '-'"],
    ['{"a":1} x', 9, "expected end of line, found 'x'"],
    ['{"n":00000000000000001234}', 7, "expected ',' or '}', found '0'"],
    ['{"n":-09007199254740993}', 8, "expected ',' or '}', found '9'"],
    ['{"event":{"exe', 15, 'expected a closing quote, found end of line'],
    ['', 1, 'expected a value, found end of line'],
  ])('rejects %s at column %i: %s', (line, column, message) => {
    const got = thrownBy(() => parseEsloggerLine(line));

    expect([got.code, got.location?.column, got.message]).toEqual([
      'MALFORMED_JSON',
      column,
      `Invalid JSON: ${message}`,
    ]);
  });

  it('stays linear on a long string of escapes before an unsafe integer', () => {
    const line = `{"s":"${'\\\\'.repeat(200_000)}\\"x","n":12345678901234567890}`;

    const got = parseEsloggerLine(line) as { s: string; n: unknown };

    expect([got.s.length, got.n]).toEqual([200_002, '12345678901234567890']);
  });

  it('positions errors on lines that took the exact-integer path', () => {
    const got = thrownBy(() => parseEsloggerLine('{"ino":1152921500312525701,}'));

    expect(got.location?.column).toBe(28);
  });

  it('puts the file and line it is given into the error location', () => {
    const got = thrownBy(() => parseJsonLine('{"a":', { file: 'rec.jsonl', line: 7 }));

    expect(got.describe()).toBe('rec.jsonl:7:6: Invalid JSON: expected a value, found end of line');
  });

  it('agrees with JSON.parse on any JSON, except that unsafe integers are exact strings', () => {
    fc.assert(
      fc.property(fc.json(), (text) => {
        expect(agreesWithJsonParse(parseEsloggerLine(text), JSON.parse(text))).toBe(true);
      }),
    );
  });

  it('keeps every unsafe integer exact among arbitrary strings', () => {
    const unsafe = fc.bigInt({ min: 2n ** 53n + 1n, max: 2n ** 64n });
    fc.assert(
      fc.property(fc.string(), unsafe, fc.array(fc.string()), (key, big, strings) => {
        const text = JSON.stringify({ [key]: strings, big: 0, tail: strings }).replace(
          '"big":0',
          `"big":${big}`,
        );

        const got = parseEsloggerLine(text) as Record<string, unknown>;

        expect([got['big'], got['tail']]).toEqual([String(big), strings]);
      }),
    );
  });

  it.each([
    ['{"s":"a:12345678901234567890,"}', { s: 'a:12345678901234567890,' }],
    [
      '{"s":"x: -12345678901234567890 y","n":12345678901234567890}',
      { s: 'x: -12345678901234567890 y', n: '12345678901234567890' },
    ],
    ['{"s":"[12345678901234567890]"}', { s: '[12345678901234567890]' }],
    ['{"s":"\\",12345678901234567890,\\""}', { s: '",12345678901234567890,"' }],
    [
      '{"a":[ 12345678901234567890 , -12345678901234567891 ]}',
      { a: ['12345678901234567890', '-12345678901234567891'] },
    ],
    [
      '{"12345678901234567890":12345678901234567891}',
      { '12345678901234567890': '12345678901234567891' },
    ],
  ])('never alters a string whose digits stand where a value could: %s', (line, want) => {
    const got = parseEsloggerLine(line);

    expect(got).toEqual(want);
  });

  it('finds every unsafe integer whatever its length, position and the spacing around it', () => {
    const integer = fc.oneof(
      fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }),
      fc.bigInt({ min: -(10n ** 17n), max: 10n ** 17n }),
      fc.integer(),
    );
    const space = fc.constantFrom('', ' ', '\t', '\r\n', '  ');
    fc.assert(
      fc.property(fc.array(fc.tuple(space, integer, space)), (items) => {
        const text = `[${items.map(([before, n, after]) => `${before}${n}${after}`).join(',')}]`;

        const got = parseEsloggerLine(text);

        const want = items.map(([, n]) => {
          const value = BigInt(n);
          const isSafe =
            value <= BigInt(Number.MAX_SAFE_INTEGER) && -value <= BigInt(Number.MAX_SAFE_INTEGER);
          return isSafe ? Number(value) : String(value);
        });
        expect(got).toEqual(want);
      }),
      { numRuns: 1000 },
    );
  });

  it('keeps crafted strings intact and every unsafe integer exact, wherever the digits sit', () => {
    const piece = fc.oneof(
      fc.constantFrom(':', ',', '[', ']', '{', '}', '"', '\\', '-', ' ', '\t', '\n', 'e', '.'),
      fc.bigInt({ min: 10n ** 15n, max: 2n ** 70n }).map(String),
      fc.string({ maxLength: 3 }),
    );
    const crafted = fc.array(piece, { maxLength: 12 }).map((pieces) => pieces.join(''));
    const unsafe = fc.bigInt({ min: 2n ** 53n + 1n, max: 2n ** 64n });
    fc.assert(
      fc.property(fc.array(fc.tuple(crafted, crafted, unsafe), { maxLength: 4 }), (entries) => {
        const values: string[] = [];
        const text = `{${entries
          .map(([key, value, big], index) => {
            values.push(String(big));
            return `${JSON.stringify(`${index}${key}`)}:[${JSON.stringify(value)}, ${big}]`;
          })
          .join(',')}}`;

        const got = parseEsloggerLine(text) as Record<string, unknown>;

        const want = Object.fromEntries(
          entries.map(([key, value], index) => [`${index}${key}`, [value, values[index]]]),
        );
        expect(got).toEqual(want);
      }),
      { numRuns: 2000 },
    );
  });
});
