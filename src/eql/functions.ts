/**
 * The registry of EQL's sixteen functions: each one's signature (what the checker enforces at
 * load) and its evaluation (what the compiler and the interpreter call per event).
 *
 * Invariants, from Elasticsearch's function reference: names are case-insensitive; only the
 * string-searching functions (between, endsWith, indexOf, startsWith, stringContains) have a
 * `~` case-insensitive form; a null argument makes the result null (null propagation), except
 * where the reference says otherwise (`number`'s explicit null base); integer division and
 * modulo truncate like Java's; nothing throws at event time, a value of the wrong type simply
 * gives null.
 */

import { formatScalar, isIntegral } from './values.js';
import { toLowerCached } from './wildcard.js';

/** What an argument must be, when the checker can see it (a literal or a typed expression). */
export type ArgKind = 'string' | 'number' | 'integer' | 'boolean' | 'any';

/** What a function returns, for the checker's type inference. */
export type ResultKind = 'string' | 'number' | 'boolean';

export interface ParamSpec {
  name: string;
  kind: ArgKind;
  /** The argument must be written as a literal (Elasticsearch folds it at compile time). */
  literalOnly?: boolean;
}

export interface EvaluationOptions {
  caseInsensitive: boolean;
  /**
   * True when an argument was written as a decimal literal (`4.0`): JSON numbers cannot tell
   * 4 from 4.0, so the compiler passes what the query text said, for integer division.
   */
  floatLiteral: boolean;
}

export interface FunctionSpec {
  /** The canonical spelling, as in the function reference. */
  name: string;
  /** Parameters in order; the last one repeats when `variadic`. */
  params: readonly ParamSpec[];
  minArgs: number;
  /** `Infinity` for variadic functions. */
  maxArgs: number;
  /** Whether `name~(…)` exists. */
  hasInsensitiveForm: boolean;
  returns: ResultKind;
  /** Evaluates on scalars (multi-valued arguments are handled by the caller). */
  evaluate(args: readonly unknown[], options: EvaluationOptions): unknown;
}

const SOURCE: ParamSpec = { name: 'source', kind: 'string' };
const SUBSTRING: ParamSpec = { name: 'substring', kind: 'string' };

function arithmetic(name: string, apply: (a: number, b: number, float: boolean) => number | null) {
  const spec: FunctionSpec = {
    name,
    params: [
      { name: 'left', kind: 'number' },
      { name: 'right', kind: 'number' },
    ],
    minArgs: 2,
    maxArgs: 2,
    hasInsensitiveForm: false,
    returns: 'number',
    evaluate: ([a, b], { floatLiteral }) => {
      if (typeof a !== 'number' || typeof b !== 'number') return null;
      const result = apply(a, b, floatLiteral);
      return result === null || !Number.isFinite(result) ? null : result;
    },
  };
  return spec;
}

/** `a / b` with Java's integer division when both operands are integers; null for `/ 0`. */
export function divideNumbers(a: number, b: number, floatLiteral: boolean): number | null {
  if (b === 0) return null;
  const integral = !floatLiteral && isIntegral(a) && isIntegral(b);
  return integral ? Math.trunc(a / b) : a / b;
}

/** `a % b`, the sign following the dividend like Java's; null for `% 0`. */
export function moduloNumbers(a: number, b: number): number | null {
  return b === 0 ? null : a % b;
}

function stringPredicate(name: string, test: (source: string, part: string) => boolean) {
  const spec: FunctionSpec = {
    name,
    params: [SOURCE, SUBSTRING],
    minArgs: 2,
    maxArgs: 2,
    hasInsensitiveForm: true,
    returns: 'boolean',
    evaluate: ([source, part], { caseInsensitive }) => {
      if (typeof source !== 'string' || typeof part !== 'string') return null;
      if (!caseInsensitive) return test(source, part);
      return test(toLowerCached(source), toLowerCached(part));
    },
  };
  return spec;
}

/**
 * `between(source, left, right[, greedy])`: the text after the first `left` and before the
 * next `right` (the last `right` when greedy); "" when either is not found.
 */
export function betweenText(
  source: string,
  left: string,
  right: string,
  greedy: boolean,
  caseInsensitive: boolean,
): string {
  const haystack = caseInsensitive ? source.toLowerCase() : source;
  const leftText = caseInsensitive ? left.toLowerCase() : left;
  const rightText = caseInsensitive ? right.toLowerCase() : right;

  const leftAt = haystack.indexOf(leftText);
  if (source === '' || leftAt === -1) return '';
  const start = leftAt + leftText.length;
  const end = greedy ? haystack.lastIndexOf(rightText) : haystack.indexOf(rightText, start);
  if (end === -1 || end < start) return '';
  return source.slice(start, end);
}

/** `indexOf(source, substring[, start])` per the reference's table of edge cases. */
export function indexOfText(
  source: string,
  part: string,
  start: number,
  caseInsensitive: boolean,
): number | null {
  if (start > source.length) return null;
  const from = Math.max(0, Math.trunc(start));
  const haystack = caseInsensitive ? source.toLowerCase() : source;
  const needle = caseInsensitive ? part.toLowerCase() : part;
  const found = haystack.indexOf(needle, from);
  return found === -1 ? null : found;
}

/**
 * `number(text[, base])`: decimal integers and floats, `0x` hexadecimal, a leading sign,
 * surrounding whitespace ignored; null when the text is not a number in that base.
 */
export function parseNumberText(text: string, base: number | null): number | null {
  let body = text.trim();
  let sign = 1;
  if (body.startsWith('+') || body.startsWith('-')) {
    sign = body.startsWith('-') ? -1 : 1;
    body = body.slice(1);
  }
  const hex = /^0x/i.test(body);
  const radix = hex ? 16 : (base ?? 10);
  if (hex) body = body.slice(2);
  if (body === '' || radix < 2 || radix > 36) return null;

  if (radix === 10 && /^(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(body)) return sign * Number(body);
  const digits = '0123456789abcdefghijklmnopqrstuvwxyz'.slice(0, radix);
  if (![...body.toLowerCase()].every((char) => digits.includes(char))) return null;
  return sign * parseInt(body, radix);
}

/** `substring(source, start[, end])` with Python-style negative offsets. */
export function substringText(source: string, start: number, end: number | null): string {
  return source.slice(Math.trunc(start), end === null ? undefined : Math.trunc(end));
}

const FUNCTIONS: readonly FunctionSpec[] = [
  arithmetic('add', (a, b) => a + b),
  arithmetic('subtract', (a, b) => a - b),
  arithmetic('multiply', (a, b) => a * b),
  arithmetic('divide', divideNumbers),
  arithmetic('modulo', moduloNumbers),
  {
    name: 'between',
    params: [
      SOURCE,
      { name: 'left', kind: 'string' },
      { name: 'right', kind: 'string' },
      { name: 'greedy', kind: 'boolean', literalOnly: true },
    ],
    minArgs: 3,
    maxArgs: 4,
    hasInsensitiveForm: true,
    returns: 'string',
    evaluate: ([source, left, right, greedy = false], { caseInsensitive }) => {
      if (typeof source !== 'string' || typeof left !== 'string' || typeof right !== 'string') {
        return null;
      }
      if (typeof greedy !== 'boolean') return null;
      return betweenText(source, left, right, greedy, caseInsensitive);
    },
  },
  {
    name: 'cidrMatch',
    params: [
      { name: 'ip', kind: 'string' },
      { name: 'cidr', kind: 'string', literalOnly: true },
    ],
    minArgs: 2,
    maxArgs: Infinity,
    hasInsensitiveForm: false,
    returns: 'boolean',
    evaluate: ([ip, ...blocks]) => {
      if (typeof ip !== 'string' || blocks.some((block) => typeof block !== 'string')) return null;
      const address = parseIp(ip);
      if (address === null) return false;
      return (blocks as string[]).some((block) => cidrContains(block, address));
    },
  },
  {
    name: 'concat',
    params: [{ name: 'value', kind: 'any' }],
    minArgs: 1,
    maxArgs: Infinity,
    hasInsensitiveForm: false,
    returns: 'string',
    evaluate: (args) => {
      let text = '';
      for (const arg of args) {
        const piece = formatScalar(arg);
        if (piece === null) return null;
        text += piece;
      }
      return text;
    },
  },
  stringPredicate('endsWith', (source, part) => source.endsWith(part)),
  {
    name: 'indexOf',
    params: [SOURCE, SUBSTRING, { name: 'start', kind: 'integer' }],
    minArgs: 2,
    maxArgs: 3,
    hasInsensitiveForm: true,
    returns: 'number',
    evaluate: (args, { caseInsensitive }) => {
      const [source, part] = args;
      const start = args.length > 2 ? args[2] : 0;
      if (typeof source !== 'string' || typeof part !== 'string') return null;
      if (typeof start !== 'number') return null;
      return indexOfText(source, part, start, caseInsensitive);
    },
  },
  {
    name: 'length',
    params: [{ name: 'string', kind: 'string' }],
    minArgs: 1,
    maxArgs: 1,
    hasInsensitiveForm: false,
    returns: 'number',
    evaluate: ([text]) => (typeof text === 'string' ? text.length : null),
  },
  {
    name: 'number',
    params: [
      { name: 'string', kind: 'string' },
      { name: 'base', kind: 'integer', literalOnly: true },
    ],
    minArgs: 1,
    maxArgs: 2,
    hasInsensitiveForm: false,
    returns: 'number',
    evaluate: ([text, base = null]) => {
      if (typeof text !== 'string') return null;
      return parseNumberText(text, typeof base === 'number' ? base : null);
    },
  },
  stringPredicate('startsWith', (source, part) => source.startsWith(part)),
  {
    name: 'string',
    params: [{ name: 'value', kind: 'any' }],
    minArgs: 1,
    maxArgs: 1,
    hasInsensitiveForm: false,
    returns: 'string',
    evaluate: ([value]) => formatScalar(value),
  },
  // The reference lists `stringContains(x, "")` as false, unlike a plain substring test.
  stringPredicate('stringContains', (source, part) => part !== '' && source.includes(part)),
  {
    name: 'substring',
    params: [SOURCE, { name: 'start', kind: 'integer' }, { name: 'end', kind: 'integer' }],
    minArgs: 2,
    maxArgs: 3,
    hasInsensitiveForm: false,
    returns: 'string',
    evaluate: (args) => {
      const [source, start] = args;
      const end = args.length > 2 ? args[2] : undefined;
      if (typeof source !== 'string' || typeof start !== 'number') return null;
      if (end !== undefined && typeof end !== 'number') return null;
      return substringText(source, start, end ?? null);
    },
  },
];

const BY_LOWER_NAME = new Map(FUNCTIONS.map((spec) => [spec.name.toLowerCase(), spec]));

/** The function named `name` (any letter case), or undefined. */
export function lookupFunction(name: string): FunctionSpec | undefined {
  return BY_LOWER_NAME.get(name.toLowerCase());
}

/** Every function, in the reference's order. */
export function listFunctions(): readonly FunctionSpec[] {
  return FUNCTIONS;
}

/** The parameter an argument at `index` binds to (the last one repeats for variadics). */
export function paramAt(spec: FunctionSpec, index: number): ParamSpec | undefined {
  return spec.params[Math.min(index, spec.params.length - 1)];
}

/** The known function name closest to `name` (edit distance), for "did you mean" hints. */
export function nearestFunctionName(name: string): string | null {
  const wanted = name.toLowerCase();
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const spec of FUNCTIONS) {
    const distance = editDistance(wanted, spec.name.toLowerCase());
    if (distance < bestDistance) {
      best = spec.name;
      bestDistance = distance;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(wanted.length / 3)) ? best : null;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** An IP address as a 128-bit value (IPv4 mapped into ::ffff:0:0/96), or null. */
interface IpAddress {
  value: bigint;
  v4: boolean;
}

/** Parses an IPv4 or IPv6 address (no zone, no brackets); null when it is not one. */
export function parseIp(text: string): IpAddress | null {
  if (text.includes(':')) {
    const value = parseIpv6(text);
    return value === null ? null : { value, v4: false };
  }
  const value = parseIpv4(text);
  return value === null ? null : { value: value + 0xffff00000000n, v4: true };
}

function parseIpv4(text: string): bigint | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let value = 0n;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return null;
    value = (value << 8n) + BigInt(Number(part));
  }
  return value;
}

function parseIpv6(text: string): bigint | null {
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const head = splitGroups(halves[0] ?? '');
  const tail = halves.length === 2 ? splitGroups(halves[1] ?? '') : [];
  if (head === null || tail === null) return null;

  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [...head, ...Array<bigint>(halves.length === 2 ? missing : 0).fill(0n), ...tail];
  return groups.reduce((value, group) => (value << 16n) + group, 0n);
}

/** Hex groups of one side of `::`; an embedded IPv4 tail counts as two groups. */
function splitGroups(text: string): bigint[] | null {
  if (text === '') return [];
  const groups: bigint[] = [];
  const parts = text.split(':');
  for (let index = 0; index < parts.length; index++) {
    const part = parts[index] ?? '';
    if (index === parts.length - 1 && part.includes('.')) {
      const v4 = parseIpv4(part);
      if (v4 === null) return null;
      groups.push(v4 >> 16n, v4 & 0xffffn);
    } else if (/^[0-9a-f]{1,4}$/i.test(part)) {
      groups.push(BigInt(parseInt(part, 16)));
    } else {
      return null;
    }
  }
  return groups;
}

/** Parses `address/prefix`; null when malformed. Exported for the checker. */
export function parseCidr(block: string): { network: IpAddress; prefixBits: number } | null {
  const slash = block.indexOf('/');
  const network = parseIp(slash === -1 ? block : block.slice(0, slash));
  if (network === null) return null;
  const maxBits = network.v4 ? 32 : 128;
  const prefixText = slash === -1 ? String(maxBits) : block.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > maxBits) return null;
  const prefixBits = Number(prefixText) + (network.v4 ? 96 : 0);
  return { network, prefixBits };
}

function cidrContains(block: string, address: IpAddress): boolean {
  const cidr = parseCidr(block);
  if (cidr === null) return false;
  const shift = BigInt(128 - cidr.prefixBits);
  return address.value >> shift === cidr.network.value >> shift;
}
