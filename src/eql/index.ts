/**
 * The public surface of execwatch's EQL engine. Everything outside `src/eql/` imports from here.
 *
 * - `compileQuery(text)`: parse, check and compile a query once; throws a positioned EqlError.
 *   The result is an event query (`matches(event)`) or a sequence query (`createState()` gives
 *   an independent state machine to push events into), with prefilter hints either way.
 * - `createQueryRunner(compiled)`: the `execwatch query` loop, with `| head N` / `| tail N`.
 * - `parseQuery`, `printQuery`, `EqlError` and the error codes, re-exported.
 * - `evaluateWithInterpreter`: the AST interpreter, for benchmarks and differential tests only.
 */

import type { Pipe, Query } from './ast.js';
import { checkQuery } from './checker.js';
import { compileEventQuery } from './compiler.js';
import { interpretQuery } from './interpreter.js';
import { parseQuery } from './parser.js';
import { derivePrefilterHints, type PrefilterHints } from './prefilter.js';
import {
  compileSequence,
  DEFAULT_MAX_PENDING_MATCHES,
  startSequence,
  type SequenceStats,
} from './sequence.js';

export type { Query } from './ast.js';
export { EqlError, EQL_SEMANTIC, EQL_SYNTAX, EQL_UNSUPPORTED } from './errors.js';
export { parseQuery } from './parser.js';
export { printQuery } from './printer.js';
export { listFunctions, lookupFunction } from './functions.js';
export {
  passesHints,
  passesValueHint,
  type EventFacts,
  type PrefilterHints,
  type ValueHint,
} from './prefilter.js';
export { DEFAULT_MAX_PENDING_MATCHES, type SequenceStats } from './sequence.js';

/** One ECS document: nested objects, dotted keys, or a mix of both. */
export type EqlEvent = Readonly<Record<string, unknown>>;

export interface CompiledEventQuery {
  kind: 'event';
  ast: Query;
  source: string;
  hints: PrefilterHints;
  /** True when the event has the query's category (unless `any`) and meets its condition. */
  matches(event: EqlEvent): boolean;
}

/** The pending partial matches of one sequence query over one stream of events. */
export interface SequenceState {
  /** Feeds one event (in `@timestamp` order); returns the sequences it completed. */
  push(event: EqlEvent): EqlEvent[][];
  /** End of input: completed sequences still waiting on a trailing `![…]` window. */
  flush(): EqlEvent[][];
  stats(): SequenceStats;
}

export interface CompiledSequenceQuery {
  kind: 'sequence';
  ast: Query;
  source: string;
  hints: PrefilterHints;
  /** A fresh, independent state; `maxPendingMatches` caps live partial matches (default 10000). */
  createState(options?: { maxPendingMatches?: number }): SequenceState;
}

export type CompiledQuery = CompiledEventQuery | CompiledSequenceQuery;

/** Parses, checks and compiles an EQL query. Throws EqlError with the position of the problem. */
export function compileQuery(text: string): CompiledQuery {
  const ast = parseQuery(text);
  checkQuery(ast, text);
  const hints = derivePrefilterHints(ast);

  if (ast.body.type === 'EventQuery') {
    return { kind: 'event', ast, source: text, hints, matches: compileEventQuery(ast.body) };
  }
  const plan = compileSequence(ast.body);
  return {
    kind: 'sequence',
    ast,
    source: text,
    hints,
    createState: (options = {}) =>
      startSequence(plan, options.maxPendingMatches ?? DEFAULT_MAX_PENDING_MATCHES),
  };
}

/**
 * Evaluates an event query by walking its AST, without compiling. For benchmarks and
 * differential tests; production code uses `compileQuery`.
 */
export function evaluateWithInterpreter(query: Query, event: EqlEvent): boolean {
  return interpretQuery(query, event);
}

/** What `execwatch query` prints per match: the event, or `{sequence: [events]}`. */
export type QueryOutput = EqlEvent | { sequence: EqlEvent[] };

export interface QueryRunner {
  /** Feeds one event; returns the outputs that are final now. */
  push(event: EqlEvent): QueryOutput[];
  /** End of input: the outputs held back (by `tail`, or sequences awaiting a window). */
  finish(): QueryOutput[];
}

/** Runs a compiled query over a stream, applying its `head`/`tail` pipes in order. */
export function createQueryRunner(compiled: CompiledQuery): QueryRunner {
  const stages = compiled.ast.pipes.map(createPipeStage);
  const emit = (outputs: QueryOutput[]) =>
    stages.reduce((docs, stage) => stage.push(docs), outputs);
  const drain = (outputs: QueryOutput[]) =>
    stages.reduce((docs, stage) => stage.finish(docs), outputs);

  if (compiled.kind === 'event') {
    return {
      push: (event) => emit(compiled.matches(event) ? [event] : []),
      finish: () => drain([]),
    };
  }
  const state = compiled.createState();
  const wrap = (sequences: EqlEvent[][]) => sequences.map((sequence) => ({ sequence }));
  return {
    push: (event) => emit(wrap(state.push(event))),
    finish: () => drain(wrap(state.flush())),
  };
}

interface PipeStage {
  push(outputs: QueryOutput[]): QueryOutput[];
  finish(outputs: QueryOutput[]): QueryOutput[];
}

function createPipeStage(pipe: Pipe): PipeStage {
  if (pipe.name === 'head') {
    let passed = 0;
    const take = (outputs: QueryOutput[]) => {
      const allowed = outputs.slice(0, Math.max(0, pipe.count - passed));
      passed += allowed.length;
      return allowed;
    };
    return { push: take, finish: take };
  }

  let kept: QueryOutput[] = [];
  return {
    push: (outputs) => {
      kept = kept.concat(outputs).slice(-pipe.count);
      return [];
    },
    finish: (outputs) => {
      const last = kept.concat(outputs).slice(-pipe.count);
      kept = [];
      return last;
    },
  };
}
