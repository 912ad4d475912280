import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { createBackend, createCommandRunner, createNotifier } from '../../src/notify/index.js';
import type { Notification, NotifyBackend, NotifyConfig } from '../../src/notify/index.js';
import { createSilentLogger } from '../../src/shared/logger.js';
import { makeAlert, makeNotifyConfig } from './factories.js';

function recordingBackend() {
  const shown: Array<Pick<Notification, 'title' | 'body'>> = [];
  const backend: NotifyBackend = {
    name: 'recording',
    show: (notification) => {
      shown.push({ title: notification.title, body: notification.body });
      return Promise.resolve('shown');
    },
  };
  return { backend, shown };
}

function setUp(overrides: Partial<NotifyConfig> = {}) {
  const { backend, shown } = recordingBackend();
  const notifier = createNotifier({
    config: makeNotifyConfig(overrides),
    backend,
    logger: createSilentLogger(),
  });
  return { notifier, shown };
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date(2026, 0, 15, 12, 0, 0));
});

afterEach(() => vi.useRealTimers());

describe('notifier rate limits', () => {
  it('shows up to the per-rule limit, then sums up the rest once the window has room', async () => {
    const { notifier, shown } = setUp({ perRule: { maxNotifications: 2, windowMs: 60_000 } });

    for (let i = 0; i < 6; i += 1)
      notifier.notify(makeAlert({ ruleId: 'smb', ruleName: 'SMB mount' }));
    await notifier.drain();
    const before = shown.length;
    await vi.advanceTimersByTimeAsync(60_000);
    await notifier.drain();

    expect(before).toBe(2);
    expect(shown.map((n) => n.body)).toEqual([
      'mount_smbfs (pid 42): mount_smbfs //u@h/s /Volumes/s',
      'mount_smbfs (pid 42): mount_smbfs //u@h/s /Volumes/s',
      '4 more alerts from SMB mount',
    ]);
    expect(notifier.stats()).toMatchObject({ received: 6, shown: 3, rateLimited: 4, summaries: 1 });
  });

  it('limits each rule separately', async () => {
    const { notifier, shown } = setUp({ perRule: { maxNotifications: 1, windowMs: 60_000 } });

    notifier.notify(makeAlert({ ruleId: 'a' }));
    notifier.notify(makeAlert({ ruleId: 'a' }));
    notifier.notify(makeAlert({ ruleId: 'b' }));
    await notifier.drain();

    expect(shown.map((n) => n.title)).toEqual(['High: Rule a', 'High: Rule b']);
    expect(notifier.stats().heldBack).toBe(1);
  });

  it(
    'limits all rules together ' + 'and sums up each rule when the overall window has room',
    async () => {
      const { notifier, shown } = setUp({
        perRule: { maxNotifications: 10, windowMs: 60_000 },
        overall: { maxNotifications: 2, windowMs: 30_000 },
      });

      notifier.notify(makeAlert({ ruleId: 'a' }));
      notifier.notify(makeAlert({ ruleId: 'b' }));
      notifier.notify(makeAlert({ ruleId: 'c' }));
      notifier.notify(makeAlert({ ruleId: 'c' }));
      notifier.notify(makeAlert({ ruleId: 'd' }));
      await notifier.drain();
      const firstWindow = shown.length;
      await vi.advanceTimersByTimeAsync(30_000);
      await notifier.drain();

      expect(firstWindow).toBe(2);
      expect(shown.slice(2).map((n) => n.body)).toEqual([
        '2 more alerts from Rule c',
        '1 more alert from Rule d',
      ]);
      expect(notifier.stats()).toMatchObject({ rateLimited: 3, summaries: 2 });
    },
  );

  it('drops alerts below the minimum severity without summing them up', async () => {
    const { notifier, shown } = setUp({ minSeverity: 'high' });

    notifier.notify(makeAlert({ severity: 'low' }));
    notifier.notify(makeAlert({ severity: 'medium' }));
    notifier.notify(makeAlert({ severity: 'critical' }));
    await vi.advanceTimersByTimeAsync(600_000);
    await notifier.drain();

    expect(shown.map((n) => n.title)).toEqual(['Critical: Rule rule-a']);
    expect(notifier.stats()).toMatchObject({ belowSeverity: 2, heldBack: 0 });
  });
});

describe('notifier quiet periods', () => {
  it('holds everything back during a quiet period over midnight and sums it up after', async () => {
    vi.setSystemTime(new Date(2026, 0, 15, 23, 30, 0));
    const { notifier, shown } = setUp({ quietPeriods: [{ start: '22:00', end: '07:00' }] });

    notifier.notify(makeAlert({ ruleId: 'a', severity: 'critical' }));
    notifier.notify(makeAlert({ ruleId: 'a', severity: 'low' }));
    notifier.notify(makeAlert({ ruleId: 'a' }));
    await vi.advanceTimersByTimeAsync((7 * 60 + 29) * 60_000);
    await notifier.drain();
    const beforeEnd = shown.length;
    await vi.advanceTimersByTimeAsync(60_000);
    await notifier.drain();

    expect(beforeEnd).toBe(0);
    expect(shown).toEqual([{ title: 'execwatch', body: '2 more alerts from Rule a' }]);
    expect(notifier.stats()).toMatchObject({ quieted: 2, belowSeverity: 1, summaries: 1 });
  });

  it('shows alerts outside the quiet period at once', async () => {
    vi.setSystemTime(new Date(2026, 0, 15, 21, 59, 0));
    const { notifier, shown } = setUp({ quietPeriods: [{ start: '22:00', end: '07:00' }] });

    notifier.notify(makeAlert());
    await notifier.drain();

    expect(shown).toHaveLength(1);
  });
});

describe('notifier queue', () => {
  it('returns from notify() before the backend is called', () => {
    const { notifier, shown } = setUp();

    notifier.notify(makeAlert());

    expect(shown).toEqual([]);
    expect(notifier.stats().queued).toBe(1);
  });

  it('drops the oldest waiting notification when the queue is full, and counts it', async () => {
    let release: () => void = () => undefined;
    const shown: string[] = [];
    const backend: NotifyBackend = {
      name: 'slow',
      show: async (n) => {
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        shown.push(n.body);
        return 'shown';
      },
    };
    const config = makeNotifyConfig({
      maxQueuedNotifications: 2,
      perRule: { maxNotifications: 100, windowMs: 60_000 },
      overall: { maxNotifications: 100, windowMs: 60_000 },
    });
    const notifier = createNotifier({ config, backend, logger: createSilentLogger() });

    for (const name of ['one', 'two', 'three', 'four']) {
      notifier.notify(makeAlert({ commandLine: name }));
      await Promise.resolve();
    }
    while (notifier.stats().queued > 0 || shown.length < 3) {
      release();
      await vi.advanceTimersByTimeAsync(0);
    }

    expect(shown.map((body) => body.split(': ')[1])).toEqual(['one', 'three', 'four']);
    expect(notifier.stats().droppedQueueFull).toBe(1);
  });

  it('counts a failing backend and keeps going', async () => {
    let calls = 0;
    const backend: NotifyBackend = {
      name: 'flaky',
      show: () => {
        calls += 1;
        return calls === 1
          ? Promise.reject(new Error('osascript timed out'))
          : Promise.resolve('shown');
      },
    };
    const notifier = createNotifier({
      config: makeNotifyConfig(),
      backend,
      logger: createSilentLogger(),
    });

    notifier.notify(makeAlert({ ruleId: 'a' }));
    notifier.notify(makeAlert({ ruleId: 'b' }));
    await notifier.drain();

    expect(notifier.stats()).toMatchObject({
      failed: 1,
      shown: 1,
      lastError: 'osascript timed out',
    });
  });

  it('counts notifications nobody was logged in to see', async () => {
    const backend: NotifyBackend = { name: 'x', show: () => Promise.resolve('no-console-user') };
    const notifier = createNotifier({
      config: makeNotifyConfig(),
      backend,
      logger: createSilentLogger(),
    });

    notifier.notify(makeAlert());
    await notifier.drain();

    expect(notifier.stats()).toMatchObject({ shown: 0, noConsoleUser: 1 });
  });
});

describe('notifier with the none backend', () => {
  it('counts notifications as switched off, not shown', async () => {
    const backend = createBackend('none', {
      run: createCommandRunner(),
      logger: createSilentLogger(),
      timeoutMs: 1000,
    });
    const notifier = createNotifier({
      config: makeNotifyConfig(),
      backend,
      logger: createSilentLogger(),
    });

    notifier.notify(makeAlert());
    await notifier.drain();

    expect(notifier.stats()).toMatchObject({ backend: 'none', shown: 0, switchedOff: 1 });
  });
});
