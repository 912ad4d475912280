/**
 * Detection engine benchmark: events per second through `createDetectionEngine` (prefilter
 * dispatch, sequence states, exceptions, throttling) with 110 event rules and 10 sequence rules
 * loaded, beside a plain loop that evaluates every rule on every event (no prefilter, nothing
 * else), on the same pre-parsed events. Also prints how many rule evaluations per event the
 * prefilter leaves.
 *
 * Each figure repeats the event stream until at least `MIN_MEASURE_MS` have passed, after a
 * warm-up pass. Rule and event generators are shared with the EQL benchmark.
 */
import { createDetectionEngine } from '../src/detect/index.js';
import type { DetectionEngine } from '../src/detect/index.js';
import { compileQuery } from '../src/eql/index.js';
import type { CompiledQuery, EqlEvent } from '../src/eql/index.js';
import type { LoadedRule } from '../src/rules/index.js';
import type { EcsDocument } from '../src/shared/types.js';
import { generateEvents, generateRules } from './eql-corpus.js';

const EVENT_RULES = 110;
const SEQUENCE_RULES = 10;
const EVENTS = 20_000;
const MIN_MEASURE_MS = 1_000;

function toLoadedRule(query: string, index: number): LoadedRule {
  return {
    ruleId: `bench-${index}`,
    name: `Bench rule ${index}`,
    description: '',
    severity: 'low',
    riskScore: 21,
    references: [],
    author: [],
    license: null,
    version: 1,
    tags: [],
    threat: [],
    maxSignals: 1_000_000,
    intervalMs: 300_000,
    index: [],
    language: 'eql',
    query,
    compiled: compileQuery(query),
    origin: { file: 'bench' },
    builtin: false,
    exceptionListIds: [],
    exceptions: [],
    suppression: null,
    categoriesUnavailable: [],
  };
}

function measure(label: string, events: readonly EcsDocument[], onEvent: (e: EcsDocument) => void) {
  for (const event of events) onEvent(event);

  let processed = 0;
  const startedMs = performance.now();
  while (performance.now() - startedMs < MIN_MEASURE_MS) {
    for (const event of events) onEvent(event);
    processed += events.length;
  }
  const seconds = (performance.now() - startedMs) / 1000;
  const perSecond = Math.round(processed / seconds).toLocaleString('en-US');
  process.stdout.write(`${label.padEnd(48)} ${perSecond.padStart(12)} events/s\n`);
}

function naiveLoop(compiled: readonly CompiledQuery[]): (event: EcsDocument) => void {
  const states = compiled.map((query) => (query.kind === 'sequence' ? query.createState() : null));
  return (event) => {
    compiled.forEach((query, index) => {
      if (query.kind === 'event') query.matches(event as EqlEvent);
      else states[index]?.push(event as EqlEvent);
    });
  };
}

export async function run(): Promise<void> {
  const { eventRules, sequenceRules } = generateRules(EVENT_RULES, SEQUENCE_RULES);
  const rules = [...eventRules, ...sequenceRules].map(toLoadedRule);
  const events = generateEvents(EVENTS) as EcsDocument[];
  process.stdout.write(`${rules.length} rules, ${events.length} events per pass\n`);

  let engine: DetectionEngine = createDetectionEngine({ rules, now: () => 0 });
  measure('detection engine (prefilter, states, gates)', events, (event) => {
    engine.process(event);
  });
  measure(
    'every rule on every event (no prefilter)',
    events,
    naiveLoop(rules.map((r) => r.compiled)),
  );

  engine = createDetectionEngine({ rules, now: () => 0 });
  for (const event of events) engine.process(event);
  const stats = engine.stats();
  const perEvent = (stats.evaluated / events.length).toFixed(1);
  process.stdout.write(
    `rule evaluations per event: ${perEvent} of ${rules.length}; ` +
      `matches: ${stats.matched} in ${events.length} events\n`,
  );
}
