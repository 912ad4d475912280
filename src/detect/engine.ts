/**
 * The detection engine: runs the compiled rules on each event and returns the detections that
 * pass exceptions and throttling. Per event it asks the prefilter index which rules can match,
 * evaluates only those, and for sequence rules feeds the rule's own sequence state.
 *
 * Exceptions follow Kibana, which adds them to the rule's search as a filter: an event that
 * satisfies an exception item never reaches the rule. For event queries the check runs after a
 * match (same outcome, and the common no-match case costs nothing); for sequences it runs
 * before the event enters the state, so an excluded event cannot complete a sequence.
 *
 * Invariant: `process` never throws. Compiled queries and exception predicates are total, and
 * the engine allocates per event only the candidate list and the detections it returns.
 */
import type { SequenceState } from '../eql/index.js';
import type { LoadedRule } from '../rules/index.js';
import type { EcsDocument } from '../shared/types.js';
import { createAlertGate } from './alert-gate.js';
import type { AlertGate } from './alert-gate.js';
import { buildRuleIndex } from './prefilter.js';
import type { RuleIndex } from './prefilter.js';

/** One alert to raise: the rule and the event(s) it matched (several for a sequence). */
export interface Detection {
  rule: LoadedRule;
  events: EcsDocument[];
  /** Alerts suppressed or throttled since the last one sent for this rule/key. */
  suppressedCount: number;
}

export interface DetectionEngineStats {
  rules: number;
  /** Rule evaluations (one per prefilter candidate per event). */
  evaluated: number;
  /** Matches found, before exceptions and throttling. */
  matched: number;
  /** Matches held back by alert suppression. */
  suppressed: number;
  /** Matches over a rule's `max_signals` in its interval window. */
  throttled: number;
  /** Matches (event rules) or events (sequence rules) removed by an exception item. */
  excluded: number;
  /** Sequence state across rules: live partial matches, expired and evicted ones. */
  sequences: { pending: number; expired: number; evicted: number };
}

export interface DetectionEngine {
  /** The detections an event raises (read only: an event that raises none shares one array). */
  process(event: EcsDocument): readonly Detection[];
  /**
   * End of input (a replay's last event): sequences that were only waiting for a trailing
   * missing-event (`![…]`) window to pass complete now.
   */
  flush(): Detection[];
  /** Swaps in a new rule set; rules that keep their id keep their throttling windows. */
  replaceRules(rules: LoadedRule[]): void;
  stats(): DetectionEngineStats;
}

export interface DetectionEngineOptions {
  rules: LoadedRule[];
  /** The clock for throttling and suppression windows, in ms; defaults to Date.now. */
  now?: () => number;
  /** Cap on live partial matches per sequence rule (the EQL engine evicts the oldest). */
  maxPendingMatches?: number;
}

interface RuleRuntime {
  rule: LoadedRule;
  gate: AlertGate;
  /** Present for sequence rules. */
  state: SequenceState | null;
}

type Counters = Omit<DetectionEngineStats, 'rules' | 'sequences'>;

export function createDetectionEngine(options: DetectionEngineOptions): DetectionEngine {
  const now = options.now ?? Date.now;
  const counters: Counters = { evaluated: 0, matched: 0, suppressed: 0, throttled: 0, excluded: 0 };
  let runtimes: RuleRuntime[] = [];
  let index: RuleIndex = buildRuleIndex([]);

  function install(rules: readonly LoadedRule[]): void {
    const previous = new Map(runtimes.map((runtime) => [runtime.rule.ruleId, runtime]));
    runtimes = rules.map((rule) => createRuntime(rule, previous.get(rule.ruleId), options));
    index = buildRuleIndex(runtimes.map((runtime) => runtime.rule.compiled.hints));
  }

  function process(event: EcsDocument): readonly Detection[] {
    let detections: Detection[] | undefined;
    for (const ruleIndex of index.candidates(event)) {
      const runtime = runtimes[ruleIndex];
      if (runtime === undefined) continue;
      counters.evaluated += 1;
      for (const events of evaluate(runtime, event)) {
        const detection = admit(runtime, events);
        if (detection !== null) (detections ??= []).push(detection);
      }
    }
    // Nearly every event matches nothing: it gets no array of its own.
    return detections ?? NO_DETECTIONS;
  }

  function evaluate(runtime: RuleRuntime, event: EcsDocument): readonly EcsDocument[][] {
    const compiled = runtime.rule.compiled;
    if (compiled.kind === 'event') {
      if (!compiled.matches(event)) return NO_MATCHES;
      counters.matched += 1;
      if (isExcluded(runtime.rule, event)) {
        counters.excluded += 1;
        return NO_MATCHES;
      }
      return [[event]];
    }

    if (isExcluded(runtime.rule, event)) {
      counters.excluded += 1;
      return NO_MATCHES;
    }
    const matches = (runtime.state?.push(event) ?? []) as EcsDocument[][];
    counters.matched += matches.length;
    return matches;
  }

  function admit(runtime: RuleRuntime, events: EcsDocument[]): Detection | null {
    const decision = runtime.gate.decide(events, now());
    if (decision.kind === 'suppressed') counters.suppressed += 1;
    if (decision.kind === 'throttled') counters.throttled += 1;
    if (decision.kind !== 'send') return null;
    return { rule: runtime.rule, events, suppressedCount: decision.suppressedCount };
  }

  function flush(): Detection[] {
    const detections: Detection[] = [];
    for (const runtime of runtimes) {
      if (runtime.state === null) continue;
      const matches = runtime.state.flush() as EcsDocument[][];
      counters.matched += matches.length;
      for (const events of matches) {
        const detection = admit(runtime, events);
        if (detection !== null) detections.push(detection);
      }
    }
    return detections;
  }

  install(options.rules);
  return {
    process,
    flush,
    replaceRules: install,
    stats: () => ({ rules: runtimes.length, ...counters, sequences: sequenceStats(runtimes) }),
  };
}

/** The matches of an evaluation that found none, shared (callers only read it). */
const NO_MATCHES: readonly EcsDocument[][] = Object.freeze([]);
const NO_DETECTIONS: readonly Detection[] = Object.freeze([]);

function createRuntime(
  rule: LoadedRule,
  previous: RuleRuntime | undefined,
  options: DetectionEngineOptions,
): RuleRuntime {
  const gate = previous?.gate ?? createAlertGate(rule);
  gate.updateRule(rule);

  const compiled = rule.compiled;
  if (compiled.kind === 'event') return { rule, gate, state: null };

  // A reloaded sequence with the same query keeps its partial matches.
  const keepsState = previous?.state != null && previous.rule.query === rule.query;
  const stateOptions =
    options.maxPendingMatches === undefined ? {} : { maxPendingMatches: options.maxPendingMatches };
  const state = keepsState ? previous.state : compiled.createState(stateOptions);
  return { rule, gate, state };
}

function isExcluded(rule: LoadedRule, event: EcsDocument): boolean {
  const exceptions = rule.exceptions;
  for (let i = 0; i < exceptions.length; i += 1) {
    if (exceptions[i]?.matches(event) === true) return true;
  }
  return false;
}

function sequenceStats(runtimes: readonly RuleRuntime[]) {
  const total = { pending: 0, expired: 0, evicted: 0 };
  for (const runtime of runtimes) {
    if (runtime.state === null) continue;
    const stats = runtime.state.stats();
    total.pending += stats.pending;
    total.expired += stats.expired;
    total.evicted += stats.evicted;
  }
  return total;
}
