/**
 * Decides which notifications reach the screen: a minimum severity, quiet periods, and sliding
 * windows per rule and over all rules. What the limits hold back is not lost: it is counted per
 * rule and summed up in one notification ("4 more alerts from <rule>") as soon as the quiet
 * period is over and both windows have room again.
 *
 * Invariant: each rule has at most one summary timer; `close()` cancels them all.
 */
import type { NotifyConfig, Severity } from './config-schema.js';
import { SEVERITIES } from './config-schema.js';
import type { Notification } from './notification.js';
import { msUntilQuietEnds } from './quiet-periods.js';

/** Time as the gate sees it; tests drive it with fake timers. */
export interface GateClock {
  nowMs(): number;
  setTimeout(callback: () => void, delayMs: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: GateClock = {
  nowMs: () => Date.now(),
  setTimeout: (callback, delayMs) => setTimeout(callback, delayMs),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export type GateDecision = 'show' | 'below-severity' | 'quiet' | 'rule-limit' | 'overall-limit';

/** Alerts of one rule that were held back, shown later as one notification. */
export interface HeldBackSummary {
  ruleId: string;
  ruleName: string;
  severity: Severity;
  count: number;
}

export type GateSettings = Pick<
  NotifyConfig,
  'minSeverity' | 'perRule' | 'overall' | 'quietPeriods'
>;

export interface NotificationGate {
  admit(notification: Notification): GateDecision;
  /** Held-back alerts not yet summed up, over all rules. */
  heldBackCount(): number;
  close(): void;
}

interface HeldBack extends HeldBackSummary {
  timer: unknown;
}

export function createNotificationGate(
  settings: GateSettings,
  clock: GateClock,
  onSummary: (summary: HeldBackSummary) => void,
): NotificationGate {
  const minimumRank = SEVERITIES.indexOf(settings.minSeverity);
  const overallShownAtMs: number[] = [];
  const shownAtMsByRule = new Map<string, number[]>();
  const heldBackByRule = new Map<string, HeldBack>();

  function admit(notification: Notification): GateDecision {
    if (SEVERITIES.indexOf(notification.severity) < minimumRank) return 'below-severity';

    const decision = decide(notification.ruleId);
    if (decision === 'show') recordShown(notification.ruleId);
    else holdBack(notification);
    return decision;
  }

  function decide(ruleId: string): GateDecision {
    const nowMs = clock.nowMs();
    if (msUntilQuietEnds(settings.quietPeriods, new Date(nowMs)) > 0) return 'quiet';
    if (msUntilRoom(shownAtFor(ruleId), settings.perRule, nowMs) > 0) return 'rule-limit';
    if (msUntilRoom(overallShownAtMs, settings.overall, nowMs) > 0) return 'overall-limit';
    return 'show';
  }

  function holdBack(notification: Notification): void {
    const existing = heldBackByRule.get(notification.ruleId);
    if (existing !== undefined) {
      existing.count += 1;
      existing.severity = higherSeverity(existing.severity, notification.severity);
      return;
    }

    const { ruleId, ruleName, severity } = notification;
    const entry: HeldBack = { ruleId, ruleName, severity, count: 1, timer: undefined };
    heldBackByRule.set(ruleId, entry);
    scheduleSummary(entry);
  }

  function scheduleSummary(entry: HeldBack): void {
    const nowMs = clock.nowMs();
    const waitMs = Math.max(
      msUntilQuietEnds(settings.quietPeriods, new Date(nowMs)),
      msUntilRoom(shownAtFor(entry.ruleId), settings.perRule, nowMs),
      msUntilRoom(overallShownAtMs, settings.overall, nowMs),
    );
    entry.timer = clock.setTimeout(() => summarize(entry), Math.max(waitMs, 1));
  }

  // Runs when the held-back alerts of a rule may be shown; waits again if another rule took
  // the overall room in the meantime.
  function summarize(entry: HeldBack): void {
    if (decide(entry.ruleId) !== 'show') {
      scheduleSummary(entry);
      return;
    }
    heldBackByRule.delete(entry.ruleId);
    recordShown(entry.ruleId);
    const { ruleId, ruleName, severity, count } = entry;
    onSummary({ ruleId, ruleName, severity, count });
  }

  function recordShown(ruleId: string): void {
    const nowMs = clock.nowMs();
    shownAtFor(ruleId).push(nowMs);
    overallShownAtMs.push(nowMs);
  }

  function shownAtFor(ruleId: string): number[] {
    let shownAtMs = shownAtMsByRule.get(ruleId);
    if (shownAtMs === undefined) {
      shownAtMs = [];
      shownAtMsByRule.set(ruleId, shownAtMs);
    }
    return shownAtMs;
  }

  return {
    admit,
    heldBackCount: () => [...heldBackByRule.values()].reduce((sum, entry) => sum + entry.count, 0),
    close: () => {
      for (const entry of heldBackByRule.values()) clock.clearTimeout(entry.timer);
      heldBackByRule.clear();
    },
  };
}

/**
 * How long until the window has room for one more notification; 0 when it has room now.
 * Drops the timestamps that have left the window, so each list stays at most `max` long.
 */
function msUntilRoom(
  shownAtMs: number[],
  limit: { maxNotifications: number; windowMs: number },
  nowMs: number,
): number {
  while (shownAtMs.length > 0 && (shownAtMs[0] ?? 0) <= nowMs - limit.windowMs) shownAtMs.shift();
  if (shownAtMs.length < limit.maxNotifications) return 0;
  return (shownAtMs[0] ?? nowMs) + limit.windowMs - nowMs;
}

function higherSeverity(a: Severity, b: Severity): Severity {
  return SEVERITIES.indexOf(a) >= SEVERITIES.indexOf(b) ? a : b;
}
