/**
 * The notifier the agent calls for every alert. `notify()` only builds the text, asks the gate
 * and appends to a bounded queue, then returns: showing happens later, one helper program at a
 * time, so a slow or hung `osascript` never delays detection or delivery. When the queue is
 * full the oldest waiting notification is dropped and counted.
 */
import type { Logger } from '../shared/logger.js';
import type { EcsDocument } from '../shared/types.js';
import type { NotifyBackend } from './backends/types.js';
import type { NotifyConfig } from './config-schema.js';
import { createNotificationGate, systemClock } from './gate.js';
import type { GateClock, HeldBackSummary } from './gate.js';
import { notificationFromAlert, truncateText } from './notification.js';
import type { Notification } from './notification.js';

/** Counters for `execwatch status`. */
export interface NotifierStats {
  backend: string;
  received: number;
  shown: number;
  belowSeverity: number;
  quieted: number;
  rateLimited: number;
  summaries: number;
  droppedQueueFull: number;
  noConsoleUser: number;
  /** Notifications the `none` backend discarded. */
  switchedOff: number;
  failed: number;
  queued: number;
  heldBack: number;
  lastError: string | null;
}

export interface Notifier {
  /** Takes an alert; never throws and never waits. */
  notify(alert: EcsDocument): void;
  /** Resolves when the queue is empty (for shutdown and tests). */
  drain(): Promise<void>;
  /** Cancels summary timers and waits for the queue, at most `deadlineMs`. */
  close(deadlineMs: number): Promise<void>;
  stats(): NotifierStats;
}

export interface NotifierOptions {
  config: NotifyConfig;
  backend: NotifyBackend;
  logger: Logger;
  clock?: GateClock;
}

export function createNotifier(options: NotifierOptions): Notifier {
  const { config, backend, logger } = options;
  const clock = options.clock ?? systemClock;
  const queue: Notification[] = [];
  const stats = createStats(backend.name);
  const gate = createNotificationGate(config, clock, (summary) => enqueue(summarize(summary)));
  let draining: Promise<void> | null = null;

  function notify(alert: EcsDocument): void {
    stats.received += 1;
    const notification = notificationFromAlert(alert, config);
    const decision = gate.admit(notification);

    if (decision === 'show') enqueue(notification);
    else if (decision === 'below-severity') stats.belowSeverity += 1;
    else if (decision === 'quiet') stats.quieted += 1;
    else stats.rateLimited += 1;
  }

  function summarize(summary: HeldBackSummary): Notification {
    stats.summaries += 1;
    const noun = summary.count === 1 ? 'alert' : 'alerts';
    return {
      ruleId: summary.ruleId,
      ruleName: summary.ruleName,
      severity: summary.severity,
      title: truncateText('execwatch', config.maxTitleChars),
      body: truncateText(
        `${summary.count} more ${noun} from ${summary.ruleName}`,
        config.maxBodyChars,
      ),
    };
  }

  function enqueue(notification: Notification): void {
    if (queue.length >= config.maxQueuedNotifications) {
      queue.shift();
      stats.droppedQueueFull += 1;
    }
    queue.push(notification);
    draining ??= drainQueue().finally(() => {
      draining = null;
    });
  }

  async function drainQueue(): Promise<void> {
    // Let the caller of notify() return before any helper program starts.
    await Promise.resolve();
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      await showOne(next);
    }
  }

  async function showOne(notification: Notification): Promise<void> {
    try {
      const outcome = await backend.show(notification);
      if (outcome === 'shown') stats.shown += 1;
      else if (outcome === 'no-console-user') stats.noConsoleUser += 1;
      else stats.switchedOff += 1;
    } catch (error) {
      stats.failed += 1;
      stats.lastError = error instanceof Error ? error.message : String(error);
      // A plain object: winston's JSON format would render an Error as `{}`.
      logger.warn('notification failed', {
        backend: backend.name,
        err: { message: stats.lastError },
      });
    }
  }

  async function close(deadlineMs: number): Promise<void> {
    gate.close();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, deadlineMs);
    });
    await Promise.race([draining ?? Promise.resolve(), deadline]);
    clearTimeout(timer);
  }

  return {
    notify,
    drain: async () => {
      while (draining !== null) await draining;
    },
    close,
    stats: () => ({ ...stats, queued: queue.length, heldBack: gate.heldBackCount() }),
  };
}

function createStats(backend: string): Omit<NotifierStats, 'queued' | 'heldBack'> {
  return {
    backend,
    received: 0,
    shown: 0,
    belowSeverity: 0,
    quieted: 0,
    rateLimited: 0,
    summaries: 0,
    droppedQueueFull: 0,
    noConsoleUser: 0,
    switchedOff: 0,
    failed: 0,
    lastError: null,
  };
}
