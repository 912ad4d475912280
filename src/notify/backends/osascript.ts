/**
 * macOS: Notification Center as the logged-in user. The daemon runs as root, so it runs
 * `launchctl asuser <uid> osascript …` to reach the user's session. The script is constant; the
 * title and text travel as the script's arguments (`argv`), never inside the script or a shell
 * line, so a quote, a backslash or `" & do shell script "…` in a process argument stays text.
 */
import type { CommandRunner } from '../command-runner.js';
import type { ConsoleUserLookup } from '../console-user.js';
import type { Notification } from '../notification.js';
import type { NotifyBackend, ShowOutcome } from './types.js';

/** The AppleScript lines, each passed with `-e`; they read the text from `argv` only. */
export const OSASCRIPT_LINES = [
  'on run argv',
  'display notification (item 2 of argv) with title (item 1 of argv)',
  'end run',
] as const;

export interface OsascriptBackendOptions {
  run: CommandRunner;
  consoleUser: ConsoleUserLookup;
  timeoutMs: number;
}

/** The argv of `launchctl` that shows one notification to user `uid`. */
export function buildOsascriptArgs(uid: number, title: string, body: string): string[] {
  const scriptArgs = OSASCRIPT_LINES.flatMap((line) => ['-e', line]);
  return ['asuser', String(uid), 'osascript', ...scriptArgs, '--', title, body];
}

export function createOsascriptBackend(options: OsascriptBackendOptions): NotifyBackend {
  return {
    name: 'osascript',
    async show(notification: Notification): Promise<ShowOutcome> {
      const uid = await options.consoleUser();
      if (uid === null) return 'no-console-user';

      const args = buildOsascriptArgs(uid, notification.title, notification.body);
      await options.run('launchctl', args, { timeoutMs: options.timeoutMs });
      return 'shown';
    },
  };
}
