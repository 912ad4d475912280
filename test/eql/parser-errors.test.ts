import { describe, expect, it } from 'vitest';

import { EqlError } from '../../src/eql/errors.js';
import { parseQuery } from '../../src/eql/parser.js';

function parseError(text: string): EqlError {
  try {
    parseQuery(text);
  } catch (error) {
    if (error instanceof EqlError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(text)} to be rejected`);
}

const P = 'process where';
const AB = '[a where true] [b where true]';

describe('parseQuery rejects malformed queries', () => {
  it.each([
    [`${P} a = 1`, "'=' is not a comparison operator", 1, 17],
    [`${P} a == 1 & b == 2`, "Unexpected character '&'", 1, 22],
    [`${P} a == 1 | b == 2`, "Unknown pipe 'b'", 1, 24],
    [`${P} a == 1 || b == 2`, "Unexpected '||'", 1, 22],
    [`${P} a == 1 && b == 2`, "Unexpected '&&'", 1, 22],
    [`${P} "abc`, 'Unterminated string', 1, 15],
    [`${P} a == "x\\q"`, "Unknown escape sequence '\\q'", 1, 22],
    [`${P} a == 'x'`, 'Single-quoted strings are not supported', 1, 20],
    [`${P} a == 1 b`, "Expected the end of the query or '|', 'and', 'or'", 1, 22],
    [`${P} a == 1)`, "but found ')'", 1, 21],
    ['process a == 1', "Expected 'where' after the event category but found 'a'", 1, 9],
    ['process.name == 1', "Expected 'where' after the event category but found '.'", 1, 8],
    ['where a == 1', "Expected an event category (a name, a quoted string or 'any')", 1, 1],
    ['`process` where true', "Expected an event category (a name, a quoted string or 'any')", 1, 1],
    ['', 'Expected an event category', 1, 1],
    [P, "Expected a field, value or '(' but found the end of the query", 1, 14],
    [`${P} and`, "Expected a field, value or '(' but found 'and'", 1, 15],
    [`${P} a ==`, "Expected a field, value or '(' but found the end of the query", 1, 19],
    [`${P} a == 1 and\n  or b`, "Expected a field, value or '(' but found 'or'", 2, 3],
    [`${P} a < b < c`, 'Comparisons cannot be chained', 1, 21],
    [`${P} x in ()`, "The 'in' list is empty", 1, 20],
    [`${P} x not in~ ()`, "The 'in~' list is empty", 1, 25],
    [`${P} x : ()`, "The ':' list is empty", 1, 19],
    [`${P} x : y`, "Expected a string pattern after ':' but found 'y'", 1, 19],
    [`${P} x like concat("a")`, "Expected a string pattern after 'like'", 1, 22],
    [`${P} x : -1`, "Expected a string pattern after ':' but found '-'", 1, 19],
    [`${P} x in "a"`, "Expected '(' and a list of values after 'in'", 1, 20],
    [`${P} x not like "a"`, "Expected 'in' or 'in~' after 'not' but found 'like'", 1, 21],
    [`${P} x in ("a" "b")`, "Expected ',' or ')' in the value list", 1, 25],
    [`${P} f(a,`, "Expected a field, value or '(' but found the end of the query", 1, 19],
    [`${P} f~ a`, "Expected '(' after the function name 'f~'", 1, 18],
    [`${P} (a == 1`, "Expected ')' to close the parenthesis", 1, 22],
    [`${P} a == ("x", "y")`, "Expected ')' to close the parenthesis but found ','", 1, 24],
    [`${P} x in ("a",)`, "Expected a field, value or '(' but found ')'", 1, 25],
    [`${P} ?1`, "Expected a field name after '?'", 1, 16],
    [`${P} a.`, "Expected a field name after '.'", 1, 17],
    [`${P} 1e999 == 1`, 'The number 1e999 is too large', 1, 15],
    [`${P} a == 1 AND b == 2`, "but found 'AND'", 1, 22],
    ['Process Where true', "Expected 'where' after the event category but found 'Where'", 1, 9],
    [`${P} true | head`, "Expected a count such as 10 after 'head'", 1, 26],
    [`${P} true | head -1`, "Expected a whole number for head but found '-'", 1, 27],
    [`${P} true | tail 1.5`, "Expected a whole number for tail but found '1.5'", 1, 27],
    [`${P} true | head 1e3`, "Expected a whole number for head but found '1e3'", 1, 27],
    [`${P} true | head 9007199254740992`, 'The head value is too large', 1, 27],
    [`${P} true |`, "Expected a pipe name (head or tail) after '|'", 1, 21],
    ['sequence [a where true]', 'A sequence needs at least two steps', 1, 10],
    ['sequence [a where true] [b where true', "Expected ']' to close the sequence step", 1, 38],
    ['sequence a where true', "Expected a sequence step '[category where condition]'", 1, 10],
    [`sequence with maxspan=5 ${AB}`, 'Missing time unit in maxspan', 1, 23],
    [`sequence with maxspan=5x ${AB}`, "Unknown time unit 'x' in maxspan", 1, 24],
    [`sequence with maxspan=5 M ${AB}`, "Unknown time unit 'M' in maxspan", 1, 25],
    [`sequence with maxspan=0s ${AB}`, 'The maxspan value must be at least 1, found 0', 1, 23],
    [`sequence with maxspan=1.5h ${AB}`, 'Expected a positive whole number for maxspan', 1, 23],
    [`sequence with maxspan 5m ${AB}`, "Expected '=' after 'maxspan' but found '5'", 1, 23],
    [`sequence with maxspan==5m ${AB}`, "Expected '=' after 'maxspan' but found '=='", 1, 22],
    [`sequence with span=5m ${AB}`, "Expected 'maxspan' after 'with'", 1, 15],
    [`sequence with maxspan=5m by x ${AB}`, "Expected a sequence step '[' but found 'by'", 1, 26],
    [
      'sequence [a where true] with runs=0 [b where true]',
      'The runs value must be at least 1, found 0',
      1,
      35,
    ],
    [
      'sequence [a where true] with runs=101 [b where true]',
      'The runs value must be at most 100, found 101',
      1,
      35,
    ],
    ['sequence [a where true] with repeat=2 [b where true]', "Expected 'runs' after 'with'", 1, 30],
    [
      'sequence [a where true] ![b where true]',
      "missing-event step '![' needs 'with maxspan'",
      1,
      25,
    ],
    [
      'sequence with maxspan=1m ![a where true] ![b where true]',
      'needs at least one step that is not a missing-event step',
      1,
      26,
    ],
    [
      `sequence ${AB} until ![c where true]`,
      "The 'until' step cannot be a missing-event step",
      1,
      46,
    ],
    [`sequence ${AB} until`, "Expected a sequence step '[category where condition]'", 1, 45],
  ])('rejects %j with "%s" at %i:%i', (text, message, line, column) => {
    const got = parseError(text);

    expect(got.code).toBe('EQL_SYNTAX');
    expect(got.message).toContain(message);
    expect(got.location).toEqual({ line, column });
  });

  it.each([
    ['sample by x [a where true] [b where true]', 'Sample queries are not supported', 1, 1],
    ['join [a where true] [b where true]', 'Join queries are not supported', 1, 1],
    [`${P} descendant of [process where true]`, "Lineage queries ('descendant of')", 1, 15],
    [`${P} true | count`, "The 'count' pipe is not supported", 1, 22],
    [`${P} true | unique process.name`, "The 'unique' pipe is not supported", 1, 22],
    [`${P} process.args[0] == "a"`, 'Array indexes in field names are not supported', 1, 27],
  ])('reports %j as unsupported with "%s" at %i:%i', (text, message, line, column) => {
    const got = parseError(text);

    expect(got.code).toBe('EQL_UNSUPPORTED');
    expect(got.message).toContain(message);
    expect(got.location).toEqual({ line, column });
  });

  it.each([
    ['201 parentheses', `${P} ${'('.repeat(201)}a`, 'nests too deeply (more than 200 levels)', 215],
    ['201 nots', `${P} ${'not '.repeat(201)}a`, 'The query nests too deeply', 815],
    ['201 minus signs', `${P} ${'-'.repeat(201)}a`, 'The query nests too deeply', 215],
    ['1,001 ors', `${P} ${'a or '.repeat(1_000)}a`, 'more than 1000 levels deep', 15],
  ])('reports %s as unsupported with "%s" at 1:%i', (_name, text, message, column) => {
    const got = parseError(text);

    expect(got.code).toBe('EQL_UNSUPPORTED');
    expect(got.message).toContain(message);
    expect(got.location).toEqual({ line: 1, column });
  });

  it.each([
    [`${P} a = 1`, "use '==' (case-sensitive) or ':' (case-insensitive)"],
    [`${P} a == 1 AND b == 2`, "EQL keywords are lowercase: write 'and'"],
    [`${P} a == 1 | b == 2`, "to combine conditions use 'or'; a single '|' starts a pipe"],
    [`sequence with maxspan=5 ${AB}`, 'add a unit: 5s, for example (units: ms, s, m, h, d)'],
    [`sequence with maxspan=5m by x ${AB}`, "write 'sequence by …' before 'with maxspan=…'"],
    [`${P} a == 'x'`, 'enclose strings in double quotes: "…"'],
    [`${P} a == 1)`, undefined],
    ['process wher true', "did you mean 'where'?"],
    [`${P} true | haed 5`, "did you mean 'head'?"],
    [`sequence with maxspam=5m ${AB}`, "did you mean 'maxspan'?"],
    ['sequence [a where true] with run=2', "did you mean 'runs'?"],
    [`${P} a == ("x", "y")`, "to test a value against a list, use 'in (…)'"],
  ])('hints at the fix for %j', (text, want) => {
    const got = parseError(text).hint;

    expect(got).toBe(want);
  });
});

describe('EqlError.render', () => {
  it('prints the location, the source line and a caret under the span', () => {
    const error = parseError('process where\n  process.name = "sh"');

    const got = error.render();

    const want = [
      "2:16: '=' is not a comparison operator",
      '  process.name = "sh"',
      '               ^',
      "hint: use '==' (case-sensitive) or ':' (case-insensitive)",
    ].join('\n');
    expect(got).toBe(want);
  });

  it('underlines a multi-character span with tildes and keeps tabs aligned', () => {
    const error = parseError('process where\ta == 1 and\tb == "x\\q"');

    const got = error.render();

    const want = [
      "1:33: Unknown escape sequence '\\q' in string",
      'process where\ta == 1 and\tb == "x\\q"',
      '             \t          \t       ^~',
      'hint: EQL accepts \\n \\r \\t \\b \\f \\" \\\' \\\\ and \\u{XXXX}; for a literal ' +
        'backslash write \\\\ or use a raw string """…"""',
    ].join('\n');
    expect(got).toBe(want);
  });

  it('points one caret past the end when the query stops early', () => {
    const got = parseError('process where a ==').render();

    const want = [
      "1:19: Expected a field, value or '(' but found the end of the query",
      'process where a ==',
      '                  ^',
    ].join('\n');
    expect(got).toBe(want);
  });

  it('underlines only the first line of a span that crosses lines', () => {
    const got = parseError('sequence\n  [a where true] ![b\n where true]').render();

    const want = [
      "2:18: A sequence with a missing-event step '![' needs 'with maxspan'",
      '  [a where true] ![b',
      '                 ^~~',
      'hint: write: sequence with maxspan=5m …',
    ].join('\n');
    expect(got).toBe(want);
  });
});

describe('EqlError.withSource', () => {
  it('moves the location into the rule file and names the file', () => {
    const error = parseError('process where a = 1');

    const got = error.withSource('rules/smb.toml', 41, 9);

    expect(got).toBeInstanceOf(EqlError);
    expect(got.location).toEqual({ file: 'rules/smb.toml', line: 42, column: 26 });
    expect(got.render().split('\n')[0]).toBe(
      "rules/smb.toml:42:26: '=' is not a comparison operator",
    );
    expect(got.describe()).toBe("rules/smb.toml:42:26: '=' is not a comparison operator");
  });

  it('adds the column offset only on the query first line', () => {
    const error = parseError('process where\n  a = 1');

    const got = error.withSource('rule.toml', 10, 9).location;

    expect(got).toEqual({ file: 'rule.toml', line: 12, column: 5 });
  });

  it('keeps the code, span and hint', () => {
    const error = parseError('process where a = 1');

    const got = error.withSource('rule.toml', 0);

    expect([got.code, got.span, got.hint]).toEqual([error.code, error.span, error.hint]);
  });
});
