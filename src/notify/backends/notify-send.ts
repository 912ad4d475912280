/**
 * Linux desktops: `notify-send` from libnotify, run directly (no shell) with the title and body
 * as separate arguments after `--`, so text starting with a dash is never read as an option.
 */
import type { CommandRunner } from '../command-runner.js';
import type { Notification } from '../notification.js';
import type { NotifyBackend, ShowOutcome } from './types.js';

const URGENCY = { low: 'low', medium: 'normal', high: 'critical', critical: 'critical' } as const;

export function buildNotifySendArgs(notification: Notification): string[] {
  return [
    '--app-name=execwatch',
    `--urgency=${URGENCY[notification.severity]}`,
    '--',
    notification.title,
    notification.body,
  ];
}

export function createNotifySendBackend(run: CommandRunner, timeoutMs: number): NotifyBackend {
  return {
    name: 'notify-send',
    async show(notification: Notification): Promise<ShowOutcome> {
      await run('notify-send', buildNotifySendArgs(notification), { timeoutMs });
      return 'shown';
    },
  };
}
