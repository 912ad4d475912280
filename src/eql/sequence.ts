/**
 * The sequence engine: Elasticsearch's state machine for `sequence` queries, fed one event at a
 * time in event-time order.
 *
 * Model (from the syntax reference's "How sequence queries handle matches"): each positive step
 * is a state; a pending partial match sits in the state of the steps it has matched so far, and
 * there is at most one per state and join key — a newer partial entering a state replaces the
 * one there. An event matching step N moves the partial in state N-1 of its key forward; an event
 * matching the first step starts a new partial. Steps are tried from the last to the first, so
 * one event never moves the same partial twice, while it may both complete one partial and start
 * another. `with runs=N` is N copies of the step.
 *
 * Time comes from `@timestamp`. With `maxspan`, a partial whose first event is older than the
 * span is expired when it is touched or at the next periodic sweep. `until` discards the key's
 * pending partials (a completed sequence is unaffected). Missing-event steps `![…]` discard the
 * key's partial waiting on either side of them; a trailing one holds a completed sequence until
 * its window (first event + maxspan) has passed without the missing event, and a leading one
 * rejects a completion if the missing event was seen within maxspan before its last event.
 *
 * Memory is bounded: besides expiry, at most `maxPendingMatches` partials live at once; beyond
 * that the one least recently advanced is evicted and counted.
 */

import type { Expr, FieldRef, Sequence, SequenceStep } from './ast.js';
import { compileEventQuery, compileValue, type EventDocument, type Predicate } from './compiler.js';
import { readTimestampMs } from './fields.js';
import { isMissing } from './values.js';

/** Default cap on live partial matches per sequence state. */
export const DEFAULT_MAX_PENDING_MATCHES = 10_000;

export interface SequenceStats {
  /** Partial matches alive now (including completed ones waiting on a trailing `![…]`). */
  pending: number;
  /** Partial matches dropped because `maxspan` passed. */
  expired: number;
  /** Partial matches dropped because the cap was reached. */
  evicted: number;
}

/** The live state of one sequence query over one stream of events. */
export interface SequenceRun {
  /** Feeds one event; returns the sequences it completed, each as its positive steps' events. */
  push(event: EventDocument): EventDocument[][];
  /** End of input: releases completed sequences still waiting on a trailing missing step. */
  flush(): EventDocument[][];
  stats(): SequenceStats;
}

interface StepMatcher {
  matches: Predicate;
  /** The join key of an event for this step, or null when a required key is missing. */
  key: (event: EventDocument) => string | null;
}

/** A sequence query compiled once; `start` creates independent states from it. */
export interface SequencePlan {
  positives: StepMatcher[];
  /** `gaps[i]`: missing steps before positive step i; `gaps[positives.length]`: trailing. */
  gaps: StepMatcher[][];
  until: StepMatcher | null;
  maxspanMs: number | null;
}

/** Compiles a checked Sequence node. */
export function compileSequence(sequence: Sequence): SequencePlan {
  const positives: StepMatcher[] = [];
  const gaps: StepMatcher[][] = [[]];
  for (const step of sequence.steps) {
    const matcher = compileStep(step, sequence.by);
    if (step.missing) {
      gaps[gaps.length - 1]?.push(matcher);
      continue;
    }
    for (let run = 0; run < step.runs; run++) {
      positives.push(matcher);
      gaps.push([]);
    }
  }
  const until = sequence.until === null ? null : compileStep(sequence.until, sequence.by);
  return { positives, gaps, until, maxspanMs: sequence.maxspan?.ms ?? null };
}

function compileStep(step: SequenceStep, sequenceBy: readonly Expr[]): StepMatcher {
  return {
    matches: compileEventQuery(step.query),
    key: compileJoinKey([...sequenceBy, ...step.by]),
  };
}

/**
 * A join key as a string: each value tagged with its type (so 1 and "1" differ) and separated
 * by a control character. A missing value fails the key unless the field is `?optional`.
 */
function compileJoinKey(keys: readonly Expr[]): (event: EventDocument) => string | null {
  const readers = keys.map(compileValue);
  const optional = keys.map((key) => key.type === 'Field' && (key as FieldRef).optional);
  if (readers.length === 0) return () => '';

  return (event) => {
    try {
      return joinKey(readers, optional, event);
    } catch {
      // Only absurdly deep event data gets here (stack overflow); such an event never joins.
      return null;
    }
  };
}

function joinKey(
  readers: readonly ((event: EventDocument) => unknown)[],
  optional: readonly boolean[],
  event: EventDocument,
): string | null {
  let joined = '';
  for (let index = 0; index < readers.length; index++) {
    const value = (readers[index] as (event: EventDocument) => unknown)(event);
    if (isMissing(value) && optional[index] !== true) return null;
    if (index > 0) joined += '\u0001';
    joined += typeof value === 'string' ? `s${value}` : JSON.stringify(value ?? null);
  }
  return joined;
}

interface PartialMatch {
  key: string;
  events: EventDocument[];
  firstMs: number;
  lastMs: number;
  /** Number of positive steps matched; `positives.length` means complete and waiting. */
  stage: number;
  /** Latest leading-missing event of this key seen before the first event, if any. */
  leadingMissingMs: number | undefined;
}

/** Starts an empty state for a compiled sequence. */
export function startSequence(plan: SequencePlan, maxPendingMatches: number): SequenceRun {
  return new SequenceMachine(plan, Math.max(1, maxPendingMatches));
}

class SequenceMachine implements SequenceRun {
  /** `stages[n]`: partials that matched n positive steps (index 0 unused), by key. */
  private readonly stages: Map<string, PartialMatch>[] = [];
  /** Completed sequences waiting for a trailing missing step's window to close. */
  private waiting: PartialMatch[] = [];
  /** Every live partial, least recently advanced first (insertion order of a Map). */
  private readonly live = new Map<PartialMatch, true>();
  private readonly leadingMissing = new Map<string, number>();
  private readonly stepCount: number;
  private nowMs = -Infinity;
  private lastSweepMs = -Infinity;
  private expired = 0;
  private evicted = 0;

  constructor(
    private readonly plan: SequencePlan,
    private readonly maxPending: number,
  ) {
    this.stepCount = plan.positives.length;
    for (let stage = 0; stage < this.stepCount; stage++) this.stages.push(new Map());
  }

  push(event: EventDocument): EventDocument[][] {
    const timeMs = readTimestampMs(event) ?? (Number.isFinite(this.nowMs) ? this.nowMs : 0);
    if (timeMs > this.nowMs) this.nowMs = timeMs;
    const completed: EventDocument[][] = [];

    this.sweep(completed);
    this.applyUntil(event);
    this.applyMissing(event, timeMs);
    for (let step = this.stepCount - 1; step >= 0; step--) {
      const matcher = this.plan.positives[step] as StepMatcher;
      if (!matcher.matches(event)) continue;
      const key = matcher.key(event);
      if (key === null) continue;
      if (step === 0) this.start(event, key, timeMs, completed);
      else this.advance(step, event, key, timeMs, completed);
    }
    return completed;
  }

  flush(): EventDocument[][] {
    const released = this.waiting.map((partial) => partial.events);
    for (const partial of this.waiting) this.live.delete(partial);
    this.waiting = [];
    return released;
  }

  stats(): SequenceStats {
    return { pending: this.live.size, expired: this.expired, evicted: this.evicted };
  }

  private start(event: EventDocument, key: string, timeMs: number, out: EventDocument[][]) {
    const partial: PartialMatch = {
      key,
      events: [event],
      firstMs: timeMs,
      lastMs: timeMs,
      stage: 1,
      leadingMissingMs: this.leadingMissing.get(key),
    };
    this.place(partial, out);
  }

  private advance(
    step: number,
    event: EventDocument,
    key: string,
    timeMs: number,
    out: EventDocument[][],
  ) {
    const state = this.stages[step] as Map<string, PartialMatch>;
    const partial = state.get(key);
    if (partial === undefined) return;
    this.remove(partial);

    if (this.isExpired(partial, timeMs)) {
      this.expired++;
      return;
    }
    partial.events.push(event);
    partial.lastMs = timeMs;
    partial.stage = step + 1;
    this.place(partial, out);
  }

  /** Puts a partial into its stage (replacing that key's older one) or completes it. */
  private place(partial: PartialMatch, out: EventDocument[][]): void {
    if (partial.stage === this.stepCount) {
      this.complete(partial, out);
      return;
    }
    const state = this.stages[partial.stage] as Map<string, PartialMatch>;
    const older = state.get(partial.key);
    if (older !== undefined) this.remove(older);
    state.set(partial.key, partial);
    this.track(partial);
  }

  private complete(partial: PartialMatch, out: EventDocument[][]): void {
    const maxspanMs = this.plan.maxspanMs;
    const hasLeadingMissing = (this.plan.gaps[0]?.length ?? 0) > 0;
    if (hasLeadingMissing && maxspanMs !== null && partial.leadingMissingMs !== undefined) {
      if (partial.leadingMissingMs >= partial.lastMs - maxspanMs) return;
    }
    if ((this.plan.gaps[this.stepCount]?.length ?? 0) === 0) {
      out.push(partial.events);
      return;
    }
    this.waiting.push(partial);
    this.track(partial);
  }

  private track(partial: PartialMatch): void {
    this.live.delete(partial);
    this.live.set(partial, true);
    if (this.live.size <= this.maxPending) return;

    const oldest = this.live.keys().next().value as PartialMatch;
    this.remove(oldest);
    this.evicted++;
  }

  private remove(partial: PartialMatch): void {
    this.live.delete(partial);
    if (partial.stage < this.stepCount) {
      const state = this.stages[partial.stage] as Map<string, PartialMatch>;
      if (state.get(partial.key) === partial) state.delete(partial.key);
    } else {
      this.waiting = this.waiting.filter((waiting) => waiting !== partial);
    }
  }

  private isExpired(partial: PartialMatch, timeMs: number): boolean {
    const maxspanMs = this.plan.maxspanMs;
    return maxspanMs !== null && timeMs - partial.firstMs > maxspanMs;
  }

  /** `until`: the key's pending (incomplete) partials end here. */
  private applyUntil(event: EventDocument): void {
    const until = this.plan.until;
    if (until === null || !until.matches(event)) return;
    const key = until.key(event);
    if (key === null) return;
    for (let stage = 1; stage < this.stepCount; stage++) {
      const partial = this.stages[stage]?.get(key);
      if (partial !== undefined) this.remove(partial);
    }
  }

  /** Missing-event steps: discard the partials they sit in front of; note leading ones. */
  private applyMissing(event: EventDocument, timeMs: number): void {
    this.plan.gaps.forEach((gap, position) => {
      for (const matcher of gap) {
        if (!matcher.matches(event)) continue;
        const key = matcher.key(event);
        if (key === null) continue;
        if (position === 0) this.leadingMissing.set(key, timeMs);
        else this.discardWaitingOn(position, key);
      }
    });
  }

  /** Drops the partial of `key` that has matched `position` positive steps. */
  private discardWaitingOn(position: number, key: string): void {
    if (position < this.stepCount) {
      const partial = this.stages[position]?.get(key);
      if (partial !== undefined) this.remove(partial);
      return;
    }
    for (const partial of this.waiting.filter((waiting) => waiting.key === key)) {
      this.remove(partial);
    }
  }

  /**
   * Releases waiting sequences whose window has closed, and, at most every quarter maxspan of
   * event time, drops expired partials and stale leading-missing notes.
   */
  private sweep(out: EventDocument[][]): void {
    const maxspanMs = this.plan.maxspanMs;
    if (maxspanMs === null) return;

    if (this.waiting.length > 0) this.releaseWaiting(maxspanMs, out);
    if (this.nowMs - this.lastSweepMs < maxspanMs / 4) return;
    this.lastSweepMs = this.nowMs;

    for (const partial of [...this.live.keys()]) {
      if (partial.stage < this.stepCount && this.isExpired(partial, this.nowMs)) {
        this.remove(partial);
        this.expired++;
      }
    }
    for (const [key, seenMs] of this.leadingMissing) {
      if (this.nowMs - seenMs > maxspanMs) this.leadingMissing.delete(key);
    }
  }

  private releaseWaiting(maxspanMs: number, out: EventDocument[][]): void {
    const still: PartialMatch[] = [];
    for (const partial of this.waiting) {
      if (this.nowMs > partial.firstMs + maxspanMs) {
        out.push(partial.events);
        this.live.delete(partial);
      } else {
        still.push(partial);
      }
    }
    this.waiting = still;
  }
}
