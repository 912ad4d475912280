/**
 * Turns schema violations into sentences an administrator can act on. Each problem names the key
 * path (`notify.perRule.windowMs`), the value that was given, what was expected instead, and the
 * layer the value came from (the config file, the managed preferences or a flag).
 */
import type { z } from 'zod';

import { ExecwatchError } from '../shared/errors.js';

/** One invalid setting. */
export interface ConfigProblem {
  /** Dotted key path, `(root)` for the top level. */
  key: string;
  /** The value found there, JSON-rendered; `(missing)` when there is none. */
  value: string;
  expected: string;
  /** Which layer supplied the value (a file path, `flags`, `defaults`); for a missing value,
   * the layer that supplied the object it is missing from. */
  from: string;
}

/** Thrown when the merged configuration breaks the schema; `problems` lists every violation. */
export class ConfigError extends ExecwatchError {
  readonly problems: ConfigProblem[];

  constructor(message: string, problems: ConfigProblem[] = [], options: { cause?: unknown } = {}) {
    super('config-invalid', message, options);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** A named layer of raw settings, in the order they were merged. */
export interface ConfigLayer {
  name: string;
  values: Record<string, unknown>;
}

export function describeProblems(
  issues: readonly z.core.$ZodIssue[],
  merged: unknown,
  layers: readonly ConfigLayer[],
): ConfigProblem[] {
  return issues.flatMap((issue) => describeIssue(issue, merged, layers));
}

export function formatProblem(problem: ConfigProblem): string {
  const { key, value, from, expected } = problem;
  if (value === MISSING) {
    return `${key}: missing (in ${from}), expected ${expected}`;
  }
  return `${key}: got ${value} (from ${from}), expected ${expected}`;
}

const MISSING = '(missing)';

function describeIssue(
  issue: z.core.$ZodIssue,
  merged: unknown,
  layers: readonly ConfigLayer[],
): ConfigProblem[] {
  // An unknown key is reported at the key itself, so the path points at the typo.
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => {
      const path = [...issue.path, key];
      return problemAt(path, merged, layers, 'no such key (check the spelling and the nesting)');
    });
  }
  return [problemAt(issue.path, merged, layers, expectation(issue))];
}

function problemAt(
  path: readonly PropertyKey[],
  merged: unknown,
  layers: readonly ConfigLayer[],
  expected: string,
): ConfigProblem {
  const found = valueAt(merged, path);
  return {
    key: path.length === 0 ? '(root)' : path.map(String).join('.'),
    value: found.present ? renderValue(found.value) : MISSING,
    expected,
    from: layerOf(found.present ? path : path.slice(0, -1), layers),
  };
}

function expectation(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.expected === 'int' ? 'an integer' : withArticle(issue.expected);
    case 'invalid_value':
      return `one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`;
    case 'too_small':
      return (
        `${describeBound(issue.origin, issue.inclusive ?? true, 'at least', 'more than')} ` +
        `${boundText(issue.origin, issue.minimum)}`
      );
    case 'too_big':
      return (
        `${describeBound(issue.origin, issue.inclusive ?? true, 'at most', 'less than')} ` +
        `${boundText(issue.origin, issue.maximum)}`
      );
    case 'invalid_format':
      return issue.message.startsWith('Invalid')
        ? `a valid ${issue.format}`
        : phrase(issue.message);
    case 'invalid_union':
      return describeUnion(issue);
    default:
      return phrase(issue.message);
  }
}

/** A discriminated union names its options; a plain one only says none matched. */
function describeUnion(issue: z.core.$ZodIssueInvalidUnion): string {
  const options = (issue as { options?: unknown }).options;
  if (Array.isArray(options)) return `one of ${options.map((o) => JSON.stringify(o)).join(', ')}`;
  return 'one of the accepted forms (see the documentation of this key)';
}

/** A schema's own message as the object of "expected": "must be an X" becomes "an X". */
function phrase(message: string): string {
  if (message.startsWith('must be ')) return message.slice('must be '.length);
  if (/^(a|an|one of|at least|at most) /.test(message)) return message;
  return `a valid value (${message})`;
}

function withArticle(noun: string): string {
  return /^[aeiou]/.test(noun) ? `an ${noun}` : `a ${noun}`;
}

function describeBound(origin: string, inclusive: boolean, atWord: string, strictWord: string) {
  const noun = origin === 'array' || origin === 'set' ? 'a list of' : withArticle(origin);
  return `${noun} ${inclusive ? atWord : strictWord}`;
}

function boundText(origin: string, bound: number | bigint): string {
  if (origin === 'string') return `${bound} characters`;
  if (origin === 'array' || origin === 'set') return `${bound} items`;
  return String(bound);
}

function valueAt(
  root: unknown,
  path: readonly PropertyKey[],
): { present: boolean; value: unknown } {
  let current: unknown = root;
  for (const key of path) {
    if (current === null || typeof current !== 'object')
      return { present: false, value: undefined };
    const record = current as Record<PropertyKey, unknown>;
    if (!(key in record)) return { present: false, value: undefined };
    current = record[key];
  }
  return { present: current !== undefined, value: current };
}

function layerOf(path: readonly PropertyKey[], layers: readonly ConfigLayer[]): string {
  for (let index = layers.length - 1; index >= 0; index -= 1) {
    const layer = layers[index];
    if (layer !== undefined && valueAt(layer.values, path).present) return layer.name;
  }
  return 'defaults';
}

function renderValue(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) return String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
