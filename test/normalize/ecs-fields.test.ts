import { readFileSync } from 'node:fs';

import { EcsFlat } from '@elastic/ecs';
import { describe, expect, it } from 'vitest';

type FieldSpec = {
  type: string;
  normalize: string[];
  allowed_values?: { name: string; expected_event_types?: string[] }[];
};

const FIELDS = EcsFlat as unknown as Record<string, FieldSpec>;

/** Elastic Defend's own extension, not part of ECS. */
const EXTENSION_PREFIX = 'process.Ext.';

const GOLDEN_FILES = [
  'test/fixtures/eslogger/v9/exec.expected.ndjson',
  'test/fixtures/eslogger/v9/exit.expected.ndjson',
  'test/fixtures/eslogger/v10/fork.expected.ndjson',
  'test/fixtures/eslogger/v11/exec.expected.ndjson',
  'test/fixtures/eslogger/examples/smb-mount.expected.ndjson',
];

function goldenEvents(): Record<string, unknown>[] {
  return GOLDEN_FILES.flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('{"@timestamp"'))
      .map((line) => JSON.parse(line) as Record<string, unknown>),
  );
}

/** Leaf fields by dotted path; arrays are leaves. */
function flatten(value: unknown, prefix = '', into = new Map<string, unknown>()) {
  const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
  if (!isObject) return into.set(prefix, value);
  for (const [key, child] of Object.entries(value)) {
    flatten(child, prefix === '' ? key : `${prefix}.${key}`, into);
  }
  return into;
}

function typeProblem(spec: FieldSpec, value: unknown): string | undefined {
  const isArray = Array.isArray(value);
  if (isArray !== spec.normalize.includes('array')) return `array: ${isArray}`;
  for (const item of isArray ? value : [value]) {
    if (!matchesType(spec.type, item)) return `not a ${spec.type}: ${JSON.stringify(item)}`;
    const allowed = spec.allowed_values?.map((entry) => entry.name);
    if (allowed !== undefined && !allowed.includes(String(item))) return `not allowed: ${item}`;
  }
  return undefined;
}

function matchesType(type: string, value: unknown): boolean {
  switch (type) {
    case 'keyword':
    case 'wildcard':
    case 'match_only_text':
    case 'text':
      return typeof value === 'string';
    case 'long':
    case 'integer':
      return Number.isInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'date':
      return typeof value === 'string' && !Number.isNaN(Date.parse(value));
    default:
      return false;
  }
}

describe('normalized events against @elastic/ecs', () => {
  const events = goldenEvents();

  it('has golden events to check', () => {
    expect(events.length).toBeGreaterThan(20);
  });

  it('uses only ECS fields, with their types, array shapes and allowed values', () => {
    const problems: string[] = [];

    for (const event of events) {
      for (const [path, value] of flatten(event)) {
        if (path.startsWith(EXTENSION_PREFIX)) continue;
        const spec = FIELDS[path];
        const problem = spec === undefined ? 'not an ECS field' : typeProblem(spec, value);
        if (problem !== undefined) problems.push(`${path}: ${problem}`);
      }
    }

    expect([...new Set(problems)]).toEqual([]);
  });

  it('pairs each event.type with a type ECS expects for the process category', () => {
    const expected = FIELDS['event.category']?.allowed_values?.find((v) => v.name === 'process');

    const got = new Set(events.flatMap((event) => (event['event'] as { type: string[] }).type));

    expect([...got].every((type) => expected?.expected_event_types?.includes(type))).toBe(true);
  });
});
