/**
 * Removes the agent from a target root: stops the service if it is loaded, then removes the
 * LaunchDaemon plist, the newsyslog entry and the app bundle. Configuration, state (the spool
 * with undelivered alerts) and logs stay unless `purge` is set. Safe to run twice.
 */
import { existsSync, rmSync } from 'node:fs';

import type { CommandRunner } from '../notify/index.js';
import {
  APP_PATH,
  LAUNCH_DAEMON_PATH,
  LOG_DIR,
  NEWSYSLOG_PATH,
  SUPPORT_DIR,
  underRoot,
} from './layout.js';
import { createServiceControl, SERVICE_TARGET } from './launchctl.js';

export interface UninstallOptions {
  root: string;
  dryRun: boolean;
  /** Also remove configuration, state and logs. */
  purge: boolean;
  manageService: boolean;
  run: CommandRunner;
  say: (line: string) => void;
}

export async function uninstall(options: UninstallOptions): Promise<{ removed: string[] }> {
  const targets = [LAUNCH_DAEMON_PATH, NEWSYSLOG_PATH, APP_PATH];
  if (options.purge) targets.push(SUPPORT_DIR, LOG_DIR);
  const paths = targets.map((path) => underRoot(options.root, path));

  if (options.dryRun) {
    if (options.manageService)
      options.say(`would run launchctl bootout ${SERVICE_TARGET} (if it is loaded)`);
    for (const path of paths)
      options.say(`would remove ${path}${existsSync(path) ? '' : ' (absent)'}`);
    return { removed: [] };
  }

  const service = createServiceControl(options.run);
  if (options.manageService && (await service.isLoaded())) {
    await service.bootout();
    options.say(`stopped ${SERVICE_TARGET}`);
  }

  const removed = paths.filter((path) => existsSync(path));
  for (const path of removed) {
    rmSync(path, { recursive: true, force: true });
    options.say(`removed ${path}`);
  }
  if (removed.length === 0) options.say('nothing installed; nothing to do');
  return { removed };
}
