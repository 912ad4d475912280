import { describe, expect, it } from 'vitest';

import {
  buildNotifySendArgs,
  notificationFromAlert,
  resolveBackendName,
  truncateText,
} from '../../src/notify/index.js';
import { makeAlert } from './factories.js';

describe('notificationFromAlert', () => {
  it('titles the notification with severity and rule, and describes the process', () => {
    const alert = makeAlert({ ruleId: 'r1', ruleName: 'SMB mount', severity: 'critical' });

    const got = notificationFromAlert(alert, { maxTitleChars: 64, maxBodyChars: 220 });

    expect(got).toEqual({
      ruleId: 'r1',
      ruleName: 'SMB mount',
      severity: 'critical',
      title: 'Critical: SMB mount',
      body: 'mount_smbfs (pid 42): mount_smbfs //u@h/s /Volumes/s',
    });
  });

  it('cuts a long command line to what Notification Center shows', () => {
    const alert = makeAlert({ commandLine: 'x'.repeat(500) });

    const got = notificationFromAlert(alert, { maxTitleChars: 64, maxBodyChars: 40 }).body;

    expect(Array.from(got)).toHaveLength(40);
    expect(got.endsWith('…')).toBe(true);
  });

  it('falls back to defaults for an alert without rule or process', () => {
    const got = notificationFromAlert({}, { maxTitleChars: 64, maxBodyChars: 220 });

    expect(got).toMatchObject({
      ruleName: 'Unnamed rule',
      severity: 'medium',
      body: 'unknown process',
    });
  });
});

describe('truncateText', () => {
  it.each([
    ['short', 10, 'short'],
    ['exactly10!', 10, 'exactly10!'],
    ['eleven chars', 10, 'eleven ch…'],
    ['😀😀😀😀😀', 3, '😀😀…'],
    ['nul\u0000byte', 20, 'nul\uFFFDbyte'],
  ])('cuts %j to %i characters as %j', (text, maxChars, want) => {
    const got = truncateText(text, maxChars);

    expect(got).toBe(want);
  });
});

describe('backend selection', () => {
  it.each([
    ['auto', 'darwin', 'osascript'],
    ['auto', 'linux', 'log'],
    ['osascript', 'linux', 'osascript'],
    ['notify-send', 'darwin', 'notify-send'],
    ['none', 'linux', 'none'],
  ] as const)('resolves %s on %s to %s', (name, platform, want) => {
    const got = resolveBackendName(name, platform);

    expect(got).toBe(want);
  });

  it('passes title and body to notify-send after --, with urgency from severity', () => {
    const alert = makeAlert({ severity: 'low', commandLine: '-rf "$(x)"' });
    const notification = notificationFromAlert(alert, { maxTitleChars: 64, maxBodyChars: 220 });

    const got = buildNotifySendArgs(notification);

    expect(got).toEqual([
      '--app-name=execwatch',
      '--urgency=low',
      '--',
      'Low: Rule rule-a',
      'mount_smbfs (pid 42): -rf "$(x)"',
    ]);
  });
});
