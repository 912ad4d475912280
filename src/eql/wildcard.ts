/**
 * Wildcard patterns for `:`, `like` and `like~`: `*` matches any run of characters (including
 * none), `?` exactly one character (one code point), and the pattern must cover the whole value.
 * Elasticsearch EQL has no escape for wildcards: a backslash is an ordinary character, so the
 * Windows-style `"C:\\Windows\\*"` means "C:\Windows\" followed by anything.
 *
 * Approach: each pattern is classified once into the cheapest test that is exact for it —
 * equality, prefix, suffix, substring, prefix-and-suffix — and only the remaining shapes become
 * an anchored RegExp. Case-insensitive callers lower-case the pattern here and the value once per
 * event, so the matchers themselves never allocate.
 */

/** Tests one (already case-normalized) string against a compiled pattern. */
export type StringMatcher = (value: string) => boolean;

/** True when the text contains a wildcard character. */
export function hasWildcard(pattern: string): boolean {
  return pattern.includes('*') || pattern.includes('?');
}

/**
 * Compiles a wildcard pattern. With `caseInsensitive`, the pattern is lower-cased and the
 * matcher expects a lower-cased value.
 */
export function compileWildcard(pattern: string, caseInsensitive: boolean): StringMatcher {
  const text = caseInsensitive ? pattern.toLowerCase() : pattern;
  if (text.includes('?')) return compileAsRegExp(text);

  const pieces = text.split('*');
  if (pieces.length === 1) return (value) => value === text;
  if (pieces.every((piece) => piece === '')) return () => true;
  if (pieces.length === 2) return compileOneStar(pieces[0] ?? '', pieces[1] ?? '');
  if (pieces.length === 3 && pieces[0] === '' && pieces[2] === '') {
    const middle = pieces[1] ?? '';
    return (value) => value.includes(middle);
  }
  return compileSegments(pieces);
}

function compileOneStar(prefix: string, suffix: string): StringMatcher {
  if (suffix === '') return (value) => value.startsWith(prefix);
  if (prefix === '') return (value) => value.endsWith(suffix);
  const minLength = prefix.length + suffix.length;
  return (value) => value.length >= minLength && value.startsWith(prefix) && value.endsWith(suffix);
}

/**
 * `a*b*c`: the first piece is a prefix, the last a suffix, and the middle pieces are found left
 * to right in between; leftmost matching of each middle piece is exact for `*`-only patterns.
 */
function compileSegments(pieces: readonly string[]): StringMatcher {
  const prefix = pieces[0] ?? '';
  const suffix = pieces[pieces.length - 1] ?? '';
  const middles = pieces.slice(1, -1).filter((piece) => piece !== '');
  const minLength = prefix.length + suffix.length + middles.reduce((n, m) => n + m.length, 0);

  return (value) => {
    if (value.length < minLength) return false;
    if (!value.startsWith(prefix) || !value.endsWith(suffix)) return false;

    const end = value.length - suffix.length;
    let position = prefix.length;
    for (const middle of middles) {
      const found = value.indexOf(middle, position);
      if (found === -1 || found + middle.length > end) return false;
      position = found + middle.length;
    }
    return true;
  };
}

function compileAsRegExp(pattern: string): StringMatcher {
  const regexp = new RegExp(`^${wildcardToRegExpSource(pattern)}$`, 'su');
  return (value) => regexp.test(value);
}

/** The JavaScript RegExp source (without anchors) equivalent to a wildcard pattern. */
export function wildcardToRegExpSource(pattern: string): string {
  let source = '';
  for (const char of pattern) {
    if (char === '*') source += '.*';
    else if (char === '?') source += '.';
    else source += escapeRegExpChar(char);
  }
  return source;
}

const REGEXP_SYNTAX = new Set('^$\\.*+?()[]{}|/');

/** One character escaped for a JavaScript RegExp in unicode mode (outside a class). */
export function escapeRegExpChar(char: string): string {
  return REGEXP_SYNTAX.has(char) ? `\\${char}` : char;
}

const LOWER_CACHE_SIZE = 4;
const lowerInputs: string[] = new Array<string>(LOWER_CACHE_SIZE).fill('');
const lowerOutputs: string[] = new Array<string>(LOWER_CACHE_SIZE).fill('');
let lowerNext = 0;

/**
 * `text.toLowerCase()`, remembering the last few calls: many rules lower-case the same fields of
 * the same event in a row (`process.name : …` in each), and this turns the repeats into string
 * identity checks. Four slots cover a rule that lower-cases a field and a literal alternately.
 */
export function toLowerCached(text: string): string {
  for (let slot = 0; slot < LOWER_CACHE_SIZE; slot++) {
    if (lowerInputs[slot] === text) return lowerOutputs[slot] as string;
  }
  const lowered = text.toLowerCase();
  lowerInputs[lowerNext] = text;
  lowerOutputs[lowerNext] = lowered;
  lowerNext = (lowerNext + 1) % LOWER_CACHE_SIZE;
  return lowered;
}
