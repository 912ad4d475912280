/**
 * Public surface of the notification backends, and the choice among them: `auto` means
 * `osascript` on macOS and `log` everywhere else.
 */
import type { Logger } from '../../shared/logger.js';
import type { CommandRunner } from '../command-runner.js';
import type { NotifyBackendName } from '../config-schema.js';
import type { ConsoleUserLookup } from '../console-user.js';
import { createConsoleUserLookup } from '../console-user.js';
import { createLogBackend } from './log.js';
import { createNoneBackend } from './none.js';
import { createNotifySendBackend } from './notify-send.js';
import { createOsascriptBackend } from './osascript.js';
import type { NotifyBackend } from './types.js';

export { buildOsascriptArgs, OSASCRIPT_LINES } from './osascript.js';
export { buildNotifySendArgs } from './notify-send.js';
export type { NotifyBackend, ShowOutcome } from './types.js';

export interface BackendDependencies {
  run: CommandRunner;
  logger: Logger;
  timeoutMs: number;
  /** Defaults to asking `stat -f %u /dev/console`. */
  consoleUser?: ConsoleUserLookup;
  platform?: NodeJS.Platform;
}

export function resolveBackendName(
  name: NotifyBackendName,
  platform: NodeJS.Platform,
): Exclude<NotifyBackendName, 'auto'> {
  if (name !== 'auto') return name;
  return platform === 'darwin' ? 'osascript' : 'log';
}

export function createBackend(name: NotifyBackendName, deps: BackendDependencies): NotifyBackend {
  const resolved = resolveBackendName(name, deps.platform ?? process.platform);
  switch (resolved) {
    case 'osascript': {
      const consoleUser = deps.consoleUser ?? createConsoleUserLookup(deps.run);
      return createOsascriptBackend({ run: deps.run, consoleUser, timeoutMs: deps.timeoutMs });
    }
    case 'notify-send':
      return createNotifySendBackend(deps.run, deps.timeoutMs);
    case 'log':
      return createLogBackend(deps.logger);
    case 'none':
      return createNoneBackend();
  }
}
