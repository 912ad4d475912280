/**
 * EQL engine benchmark: compile time for a corpus of 120 realistic rules, and matching
 * throughput on pre-parsed events — compiled closures versus the AST interpreter, each with and
 * without the prefilter the detection engine uses (category, process name, event type and
 * action). Sequence rules run through their state machines with the same prefilter.
 *
 * Each throughput figure is the best of a few trials that each repeat the event stream for a
 * while after a warm-up pass (shared CI machines are noisy), in events per second over all rules.
 */

import {
  compileQuery,
  evaluateWithInterpreter,
  type CompiledEventQuery,
  type CompiledQuery,
  type CompiledSequenceQuery,
  type EqlEvent,
} from '../src/eql/index.js';
import { buildRuleIndex, type RuleIndex } from '../src/detect/prefilter.js';
import type { EcsDocument } from '../src/shared/types.js';
import { generateEvents, generateRules } from './eql-corpus.js';

const EVENT_RULES = 110;
const SEQUENCE_RULES = 10;
const EVENTS = 20_000;
const MIN_MEASURE_MS = 1_500;
/** Throughput is the best of this many trials: the figures are for the code, not the load. */
const TRIALS = 3;

type Matcher = (event: EqlEvent) => boolean;

/** Rules indexed by the detection engine's own prefilter index. */
interface IndexedRules<T> {
  rules: readonly T[];
  index: RuleIndex;
}

function buildIndex<T extends { hints: CompiledQuery['hints'] }>(
  rules: readonly T[],
): IndexedRules<T> {
  return { rules, index: buildRuleIndex(rules.map((rule) => rule.hints)) };
}

/** Calls `visit` on each rule the prefilter keeps for the event. */
function forCandidates<T>(
  indexed: IndexedRules<T>,
  event: EqlEvent,
  visit: (rule: T) => void,
): void {
  for (const ruleIndex of indexed.index.candidates(event as EcsDocument)) {
    const rule = indexed.rules[ruleIndex];
    if (rule !== undefined) visit(rule);
  }
}

function measure(label: string, events: readonly EqlEvent[], onEvent: (event: EqlEvent) => number) {
  let matches = 0;
  for (const event of events) matches += onEvent(event);

  let bestPerSecond = 0;
  for (let trial = 0; trial < TRIALS; trial++) {
    let processed = 0;
    const startNs = process.hrtime.bigint();
    let elapsedMs = 0;
    while (elapsedMs < MIN_MEASURE_MS / TRIALS) {
      for (const event of events) onEvent(event);
      processed += events.length;
      elapsedMs = Number(process.hrtime.bigint() - startNs) / 1e6;
    }
    bestPerSecond = Math.max(bestPerSecond, Math.round((processed / elapsedMs) * 1000));
  }
  console.log(
    `  ${label.padEnd(34)} ${bestPerSecond.toLocaleString('en-US').padStart(12)} events/s` +
      `   (${matches} matches in ${events.length} events)`,
  );
  return bestPerSecond;
}

function measureCompile(texts: readonly string[]): CompiledQuery[] {
  let compiled: CompiledQuery[] = [];
  let bestMs = Infinity;
  for (let round = 0; round < 20; round++) {
    const startNs = process.hrtime.bigint();
    compiled = texts.map((text) => compileQuery(text));
    bestMs = Math.min(bestMs, Number(process.hrtime.bigint() - startNs) / 1e6);
  }
  console.log(
    `  compile ${texts.length} rules (parse + check + compile), ` +
      `best of 20: ${bestMs.toFixed(2)} ms, ` +
      `${((bestMs / texts.length) * 1000).toFixed(1)} µs per rule`,
  );
  return compiled;
}

function countMatches(matchers: readonly Matcher[], event: EqlEvent): number {
  let count = 0;
  for (const matches of matchers) if (matches(event)) count++;
  return count;
}

export async function run(): Promise<void> {
  const { eventRules, sequenceRules } = generateRules(EVENT_RULES, SEQUENCE_RULES);
  const events = generateEvents(EVENTS) as EqlEvent[];
  console.log(
    `eql: ${eventRules.length} event rules, ${sequenceRules.length} sequence rules, ` +
      `${events.length} events`,
  );

  const compiled = measureCompile([...eventRules, ...sequenceRules]);
  const eventQueries = compiled.filter(
    (query): query is CompiledEventQuery => query.kind === 'event',
  );
  const sequences = compiled.filter(
    (query): query is CompiledSequenceQuery => query.kind === 'sequence',
  );
  const indexed = buildIndex(eventQueries);
  const unnamed = eventQueries.filter((query) => query.hints.processNames === null).length;
  const candidates = events.reduce(
    (sum, event) => sum + indexed.index.candidates(event as EcsDocument).length,
    0,
  );
  console.log(
    `  prefilter: ${unnamed} of ${eventQueries.length} event rules have no process name hint; ` +
      `${(candidates / events.length).toFixed(1)} rules run per event on average`,
  );

  const compiledMatchers = eventQueries.map((query) => query.matches);
  const interpretedMatchers = eventQueries.map(
    (query): Matcher =>
      (event) =>
        evaluateWithInterpreter(query.ast, event),
  );
  const compiledAll = measure('compiled, all rules', events, (event) =>
    countMatches(compiledMatchers, event),
  );
  const interpretedAll = measure('interpreter, all rules', events, (event) =>
    countMatches(interpretedMatchers, event),
  );
  const compiledIndexed = measure('compiled + prefilter', events, (event) => {
    let count = 0;
    forCandidates(indexed, event, (query) => {
      if (query.matches(event)) count++;
    });
    return count;
  });
  const interpretedIndexed = measure('interpreter + prefilter', events, (event) => {
    let count = 0;
    forCandidates(indexed, event, (query) => {
      if (evaluateWithInterpreter(query.ast, event)) count++;
    });
    return count;
  });
  console.log(
    `  speed-up: compiled/interpreter ${(compiledAll / interpretedAll).toFixed(1)}x (all rules), ` +
      `${(compiledIndexed / interpretedIndexed).toFixed(1)}x (prefiltered); ` +
      `prefilter gain ${(compiledIndexed / compiledAll).toFixed(1)}x`,
  );

  runSequences(sequences, events);
}

function runSequences(sequences: readonly CompiledSequenceQuery[], events: readonly EqlEvent[]) {
  const indexed = buildIndex(sequences.map((query) => ({ query, hints: query.hints })));
  let states = sequences.map((query) => ({ query, state: query.createState() }));
  const stateOf = new Map(states.map(({ query, state }) => [query, state]));

  measure(`${sequences.length} sequences + prefilter`, events, (event) => {
    let completed = 0;
    forCandidates(indexed, event, ({ query }) => {
      completed += stateOf.get(query)?.push(event).length ?? 0;
    });
    return completed;
  });
  states = states.filter(({ state }) => state.stats().pending > 0);
  const pending = [...stateOf.values()].reduce((sum, state) => sum + state.stats().pending, 0);
  console.log(
    `  sequence partial matches pending at the end: ${pending} (${states.length} states)`,
  );
}
