/**
 * Decides, per rule, whether a match becomes an alert now: alert suppression (Kibana's
 * `alert_suppression`: one alert per group-by key per duration) and the rule's `max_signals`
 * per `interval` window. Time comes from the injected clock, not from the events, so a replay
 * of old recordings and the live agent behave alike and tests drive time by hand.
 *
 * Counting: a suppressed match is counted on its key and carried on the next alert sent for that
 * key (its window has then ended); a throttled match (over `max_signals`) is counted on the rule
 * and carried on the rule's next alert, whatever its key. A suppressed match does not use up
 * `max_signals`; a throttled one opens no suppression window, since no alert went out.
 *
 * Memory: one entry per live suppression key. Entries whose window ended with nothing to carry
 * are pruned as new keys arrive; past `MAX_SUPPRESSION_KEYS` the oldest key is dropped with
 * its count (the count already reached `stats().suppressed`).
 */
import { readFieldValues } from '../rules/index.js';
import type { LoadedRule } from '../rules/index.js';
import type { EcsDocument } from '../shared/types.js';

export const MAX_SUPPRESSION_KEYS = 10_000;

export type GateDecision =
  { kind: 'send'; suppressedCount: number } | { kind: 'suppressed' } | { kind: 'throttled' };

export interface AlertGate {
  decide(events: readonly EcsDocument[], nowMs: number): GateDecision;
  /** Points the gate at a reloaded copy of its rule, keeping windows and counts. */
  updateRule(rule: LoadedRule): void;
}

interface KeyWindow {
  startMs: number;
  /** Matches suppressed in this window, to be carried on the key's next alert. */
  pending: number;
}

export function createAlertGate(initialRule: LoadedRule): AlertGate {
  let rule = initialRule;
  const keys = new Map<string, KeyWindow>();
  let throttleWindowStartMs: number | null = null;
  let sentInWindow = 0;
  let throttledPending = 0;

  function decide(events: readonly EcsDocument[], nowMs: number): GateDecision {
    const key = suppressionKey(rule, events);
    const window = key === null ? undefined : keys.get(key);
    const durationMs = rule.suppression?.durationMs ?? 0;
    if (window !== undefined && nowMs - window.startMs < durationMs) {
      window.pending += 1;
      return { kind: 'suppressed' };
    }

    if (throttleWindowStartMs === null || nowMs - throttleWindowStartMs >= rule.intervalMs) {
      throttleWindowStartMs = nowMs;
      sentInWindow = 0;
    }
    if (sentInWindow >= rule.maxSignals) {
      throttledPending += 1;
      return { kind: 'throttled' };
    }

    sentInWindow += 1;
    const suppressedCount = (window?.pending ?? 0) + throttledPending;
    throttledPending = 0;
    if (key !== null) openWindow(key, nowMs, durationMs);
    return { kind: 'send', suppressedCount };
  }

  function openWindow(key: string, nowMs: number, durationMs: number): void {
    keys.delete(key);
    if (keys.size >= MAX_SUPPRESSION_KEYS) pruneKeys(nowMs, durationMs);
    keys.set(key, { startMs: nowMs, pending: 0 });
  }

  function pruneKeys(nowMs: number, durationMs: number): void {
    for (const [key, window] of keys) {
      if (window.pending === 0 && nowMs - window.startMs >= durationMs) keys.delete(key);
    }
    const oldest = keys.keys().next();
    if (keys.size >= MAX_SUPPRESSION_KEYS && oldest.done !== true) keys.delete(oldest.value);
  }

  return {
    decide,
    updateRule: (next) => {
      rule = next;
    },
  };
}

/**
 * The suppression key of a match: the values of the group-by fields, each taken from the first
 * event of the match that has it. Null when the rule has no suppression, or when a field is
 * missing and the rule says `doNotSuppress`.
 */
export function suppressionKey(rule: LoadedRule, events: readonly EcsDocument[]): string | null {
  const suppression = rule.suppression;
  if (suppression === null) return null;

  const values: unknown[][] = [];
  for (const field of suppression.groupBy) {
    const found = firstValues(events, field);
    if (found.length === 0 && suppression.missingFields === 'doNotSuppress') return null;
    values.push(found);
  }
  return JSON.stringify(values);
}

function firstValues(events: readonly EcsDocument[], field: string): unknown[] {
  for (const event of events) {
    const values = readFieldValues(event, field);
    if (values.length > 0) return values;
  }
  return [];
}
