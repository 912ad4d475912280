/**
 * The conformance corpus: every operator, function, escape, wildcard, array, null and mixed-type
 * case of Elasticsearch's EQL syntax and function references, written as (query, ids of the
 * events that must match) over one small event file. Each case runs through the compiler and the
 * AST interpreter; both must give exactly the expected ids.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { compileQuery, evaluateWithInterpreter, type EqlEvent } from '../../src/eql/index.js';

interface ConformanceCase {
  section: string;
  query: string;
  want: string[];
  note?: string;
}

const fixtures = fileURLToPath(new URL('../fixtures/eql/', import.meta.url));
const events: EqlEvent[] = readFileSync(`${fixtures}conformance-events.ndjson`, 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as EqlEvent);
const cases = JSON.parse(
  readFileSync(`${fixtures}conformance-cases.json`, 'utf8'),
) as ConformanceCase[];

function eventId(event: EqlEvent): string {
  const nested = (event['event'] as { id?: string } | undefined)?.id;
  return nested ?? String(event['event.id']);
}

describe('EQL conformance corpus', () => {
  it('covers every section of the references', () => {
    const sections = new Set(cases.map((testCase) => testCase.section));

    const want = ['==', ':', 'like', 'in', 'regex', 'null', 'arrays', 'escapes', 'mixed types'];

    expect([...sections]).toEqual(expect.arrayContaining(want));
    expect(cases.length).toBeGreaterThan(140);
  });

  it.each(cases)('[$section] $query', ({ query, want }) => {
    const compiled = compileQuery(query);
    if (compiled.kind !== 'event') throw new Error('conformance cases are event queries');

    const got = events.filter((event) => compiled.matches(event)).map(eventId);
    const gotInterpreted = events
      .filter((event) => evaluateWithInterpreter(compiled.ast, event))
      .map(eventId);

    expect(got).toEqual(want);
    expect(gotInterpreted).toEqual(want);
  });
});
