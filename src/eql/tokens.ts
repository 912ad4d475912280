/**
 * The EQL token vocabulary, as Elasticsearch's EQL grammar defines it. Keywords are lowercase and
 * case-sensitive (`AND` is a field name, not an operator); `in~`, `like~` and `regex~` are single
 * tokens, and so is a function name written with its `~` (`endsWith~`).
 */

import type { Position } from './ast.js';

export const KEYWORDS = [
  'and',
  'any',
  'by',
  'false',
  'in',
  'join',
  'like',
  'maxspan',
  'not',
  'null',
  'of',
  'or',
  'regex',
  'sample',
  'sequence',
  'true',
  'until',
  'where',
  'with',
] as const;

export type Keyword = (typeof KEYWORDS)[number];

/** Keywords that take a `~` suffix to become case-insensitive. */
export type TildeKeyword = 'in~' | 'like~' | 'regex~';

export type Punctuation =
  | ':'
  | '='
  | '=='
  | '!='
  | '<'
  | '<='
  | '>'
  | '>='
  | '+'
  | '-'
  | '*'
  | '/'
  | '%'
  | '.'
  | ','
  | '['
  | ']'
  | '('
  | ')'
  | '|'
  | '?'
  | '![';

export type TokenKind =
  /** A plain name: `process`, `@timestamp`, `endsWith`. `value` is the name. */
  | 'identifier'
  /** A function name with its case-insensitivity mark, `endsWith~`. `value` omits the `~`. */
  | 'tildeIdentifier'
  /** A backquoted name, `` `my field` ``. `value` is the name with ``` `` ``` undoubled. */
  | 'quotedIdentifier'
  /** `"…"` or `"""…"""`. `value` is the decoded text. */
  | 'string'
  /** Digits only. `value` is the source text. */
  | 'integer'
  /** A number with a point or an exponent. `value` is the source text. */
  | 'decimal'
  | Keyword
  | TildeKeyword
  | Punctuation
  | 'eof';

export interface Token {
  kind: TokenKind;
  /** The decoded value for names, strings and numbers; the source text otherwise. */
  value: string;
  /** The exact source text. */
  text: string;
  start: Position;
  end: Position;
}

const keywordSet: ReadonlySet<string> = new Set(KEYWORDS);

export function isKeyword(word: string): word is Keyword {
  return keywordSet.has(word);
}

/** How a token reads in an error message: `'and'`, `"abc"`, or `the end of the query`. */
export function describeToken(token: Token): string {
  if (token.kind === 'eof') return 'the end of the query';
  const text = token.text.length > 40 ? `${token.text.slice(0, 37)}...` : token.text;
  if (token.kind === 'string') return `string ${text}`;
  return `'${text}'`;
}
