/**
 * Semantic checks: each rejected query names the problem, points at the right line and column,
 * and gives a hint where one is known. Accepted queries of the same shapes pass.
 */
import { describe, expect, it } from 'vitest';

import { compileQuery, EqlError } from '../../src/eql/index.js';

function compileError(query: string): EqlError {
  try {
    compileQuery(query);
  } catch (error) {
    if (error instanceof EqlError) return error;
    throw error;
  }
  throw new Error(`expected an EqlError for: ${query}`);
}

describe('EQL semantic checks', () => {
  it.each([
    {
      query: 'process where statsWith(process.name, "a")',
      message: "Unknown function 'statsWith'",
      at: [1, 15],
      hint: "did you mean 'startsWith'?",
    },
    {
      query: 'process where stringcontain(process.name, "a")',
      message: "Unknown function 'stringcontain'",
      at: [1, 15],
      hint: "did you mean 'stringContains'?",
    },
    {
      query: 'process where frobnicate(process.name)',
      message: "Unknown function 'frobnicate'",
      at: [1, 15],
      hint: undefined,
    },
    {
      query: 'process where length~(process.name) == 3',
      message: "Function 'length' has no case-insensitive form 'length~'",
      at: [1, 15],
      hint: "write length(…) without '~'",
    },
    {
      query: 'process where add~(1, 2) == 3',
      message: "Function 'add' has no case-insensitive form 'add~'",
      at: [1, 15],
      hint: "write add(…) without '~'",
    },
    {
      query: 'process where startsWith(process.name)',
      message: "Function 'startsWith' takes 2 arguments, found 1",
      at: [1, 15],
      hint: 'startsWith(source, substring)',
    },
    {
      query: 'process where length(process.name, "x") == 1',
      message: "Function 'length' takes 1 argument, found 2",
      at: [1, 36],
      hint: 'length(string)',
    },
    {
      query: 'process where between(process.name, "a")',
      message: "Function 'between' takes 3 to 4 arguments, found 2",
      at: [1, 15],
      hint: 'between(source, left, right, greedy)',
    },
    {
      query: 'process where cidrMatch(source.ip)',
      message: "Function 'cidrMatch' takes at least 2 arguments, found 1",
      at: [1, 15],
      hint: 'cidrMatch(ip, cidr)',
    },
    {
      query: 'process where startsWith(process.name, 1)',
      message: "Argument 2 ('substring') of 'startsWith' must be a string, found a number 1",
      at: [1, 40],
      hint: undefined,
    },
    {
      query: 'process where add(process.pid, "1") == 2',
      message: "Argument 2 ('right') of 'add' must be a number, found a string",
      at: [1, 32],
      hint: undefined,
    },
    {
      query: 'process where substring(process.name, 1.5) == "x"',
      message: "Argument 2 ('start') of 'substring' must be an integer, found a number 1.5",
      at: [1, 39],
      hint: undefined,
    },
    {
      query: 'process where between(process.name, "a", "b", process.x) == "x"',
      message: "Argument 4 ('greedy') of 'between' must be a literal value",
      at: [1, 47],
      hint: undefined,
    },
    {
      query: 'process where number(process.pid, process.base) == 1',
      message: "Argument 2 ('base') of 'number' must be a literal value",
      at: [1, 35],
      hint: undefined,
    },
    {
      query: 'network where cidrMatch(source.ip, "10.0.0.0/33")',
      message: '"10.0.0.0/33" is not a CIDR block such as "10.0.0.0/8"',
      at: [1, 36],
      hint: undefined,
    },
    {
      query: 'process where length(startsWith(process.name, "a")) == 1',
      message: "Argument 1 ('string') of 'length' must be a string, found a boolean",
      at: [1, 22],
      hint: undefined,
    },
    {
      query: 'process where process.name regex "a(b"',
      message: `Cannot use regex "a(b": expected ')' to close the expression (at character 2)`,
      at: [1, 34],
      hint: undefined,
    },
    {
      query: 'process where process.name regex~ ("ok", "[z-a]")',
      message: 'Cannot use regex "[z-a]": invalid character range in regex class (at character 3)',
      at: [1, 42],
      hint: undefined,
    },
    {
      query: 'process where process.name regex "x{3,1}"',
      message: 'Cannot use regex "x{3,1}": repeat range {3,1} is reversed (at character 2)',
      at: [1, 34],
      hint: undefined,
    },
    {
      query: 'process where process.name like 5',
      message: "'like' needs string literal patterns, found a number",
      at: [1, 33],
      hint: undefined,
    },
    {
      // As in Elasticsearch's grammar, the predicate binds to the primary: pid + (1 : "1*").
      query: 'process where process.pid + 1 : "1*"',
      message: "':' compares strings, but its left side is a number",
      at: [1, 29],
      hint: undefined,
    },
    {
      query: 'process where length(process.name) like~ "1*"',
      message: "'like~' compares strings, but its left side is a number",
      at: [1, 15],
      hint: undefined,
    },
    {
      query: 'process where 1 == "1"',
      message: 'Cannot compare a number with a string',
      at: [1, 15],
      hint: undefined,
    },
    {
      query: 'process where length(process.name) < "5"',
      message: 'Cannot compare a number with a string',
      at: [1, 15],
      hint: undefined,
    },
    {
      query: 'process where process.parent.name == process.name',
      message: 'Comparing a field with another field is not supported',
      at: [1, 15],
      hint: 'compare each field with a literal value instead',
    },
    {
      query: 'process where process.name in ("a", process.parent.name)',
      message: 'Comparing a field with another field is not supported',
      at: [1, 15],
      hint: 'list literal values only',
    },
    {
      query: 'process where process.pid in (1, "2")',
      message: 'A list mixes number and string values',
      at: [1, 34],
      hint: undefined,
    },
    {
      query: 'process where "a" + 1 == 2',
      message: 'Arithmetic needs numbers, found a string',
      at: [1, 15],
      hint: undefined,
    },
    {
      query: 'process where "yes"',
      message: 'A condition must be boolean, found a string',
      at: [1, 15],
      hint: undefined,
    },
    {
      query: 'process where true and 5',
      message: 'A condition must be boolean, found a number',
      at: [1, 24],
      hint: undefined,
    },
    {
      query: 'sequence by user.name\n  [process where true] by process.pid\n  [network where true]',
      message: 'Inconsistent number of join keys: expected 2 but this step has 1',
      at: [3, 3],
      hint: 'every step must join on as many keys as the first one',
    },
    {
      query: 'sequence\n  [process where true]\n  [network where startsWith(a)]',
      message: "Function 'startsWith' takes 2 arguments, found 1",
      at: [3, 18],
      hint: 'startsWith(source, substring)',
    },
  ])('rejects $query', ({ query, message, at, hint }) => {
    const got = compileError(query);

    expect(got.message).toBe(message);
    expect([got.span.start.line, got.span.start.column]).toEqual(at);
    expect(got.hint).toBe(hint);
    expect(got.code).toMatch(/^EQL_(SEMANTIC|UNSUPPORTED)$/);
  });

  it.each([
    'process where STARTSWITH~(process.name, "a")',
    'process where between~(process.name, "a", "b", true) == ""',
    'process where concat(process.name, 1, true, null) == "x"',
    'process where number("ff", 16) == 255 and number(process.pid, null) == 1',
    'process where substring(process.name, -2) == "fs" and indexOf(process.name, "a", 1) == 2',
    'network where cidrMatch(source.ip, "10.0.0.0/8", "2001:db8::/32", "192.168.1.1")',
    'process where process.name regex~ ("a~b", "@&~(x.*)", "n<1-20>", "\\\\d+")',
    'process where process.pid in (1, 2, null) and process.name : ("a*", "b")',
    'process where ?process.missing != null and length(process.name) > 3',
    'sequence by user.name [process where true] by process.pid [network where true] by source.port',
  ])('accepts %s', (query) => {
    const got = compileQuery(query);

    expect(got.source).toBe(query);
  });

  it('renders the source line with a caret under the offending span', () => {
    const got = compileError('process where endsWith(process.name, 5)').render();

    expect(got).toBe(
      [
        "1:38: Argument 2 ('substring') of 'endsWith' must be a string, found a number 5",
        'process where endsWith(process.name, 5)',
        '                                     ^',
      ].join('\n'),
    );
  });
});
