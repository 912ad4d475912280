/**
 * EQL front-end benchmark: how long lexing, parsing and printing take for the 120 rules of the
 * EQL benchmark corpus plus the seed rule, the part of rule loading that happens before the
 * checker and compiler. Each figure repeats the whole rule set until `MIN_MEASURE_MS` have passed,
 * after a warm-up pass, and reports the mean time per rule and the text throughput.
 */

import type { Query } from '../src/eql/ast.js';
import { tokenize } from '../src/eql/lexer.js';
import { parseQuery } from '../src/eql/parser.js';
import { printQuery } from '../src/eql/printer.js';
import { SEED_RULE_QUERY as SEED_QUERY } from '../test/support/seed-rule.js';
import { generateRules } from './eql-corpus.js';

const MIN_MEASURE_MS = 500;
/** Runs `task` over all `queries` repeatedly; returns microseconds per query. */
function measure<T>(queries: readonly T[], task: (query: T) => unknown): number {
  for (const query of queries) task(query);

  let rounds = 0;
  const startMs = performance.now();
  let elapsedMs = 0;
  while (elapsedMs < MIN_MEASURE_MS) {
    for (const query of queries) task(query);
    rounds += 1;
    elapsedMs = performance.now() - startMs;
  }
  return (elapsedMs * 1_000) / (rounds * queries.length);
}

function report(label: string, microsPerQuery: number, meanChars: number): void {
  const megabytesPerSecond = meanChars / microsPerQuery;
  process.stdout.write(
    `${label.padEnd(28)} ${microsPerQuery.toFixed(1).padStart(8)} µs/rule` +
      `  ${megabytesPerSecond.toFixed(1).padStart(6)} MB/s of query text\n`,
  );
}

export async function run(): Promise<void> {
  const { eventRules, sequenceRules } = generateRules(110, 10);
  const texts = [...eventRules, ...sequenceRules, SEED_QUERY];
  const meanChars = texts.reduce((sum, text) => sum + text.length, 0) / texts.length;
  const trees: Query[] = texts.map(parseQuery);

  process.stdout.write(`${texts.length} rules, ${meanChars.toFixed(0)} characters on average\n`);
  report('tokenize', measure(texts, tokenize), meanChars);
  report('parseQuery', measure(texts, parseQuery), meanChars);
  report('printQuery', measure(trees, printQuery), meanChars);

  const loadAllMs = (measure(texts, parseQuery) * texts.length) / 1_000;
  process.stdout.write(`parse all ${texts.length} rules once: ${loadAllMs.toFixed(2)} ms\n`);
}
