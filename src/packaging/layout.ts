/**
 * Where execwatch lives on a Mac. Every path is absolute from the target root; the scripts
 * join them onto `--root` so they can lay out a temporary directory (tests, pkg payloads)
 * exactly as they would lay out `/`.
 */
import { join } from 'node:path';

export const LABEL = 'com.execwatch.agent';
export const BUNDLE_ID = 'com.execwatch.agent';
export const APP_NAME = 'Execwatch.app';

export const SUPPORT_DIR = '/Library/Application Support/execwatch';
export const APP_PATH = `${SUPPORT_DIR}/${APP_NAME}`;
export const EXECUTABLE_PATH = `${APP_PATH}/Contents/MacOS/execwatch`;
export const CONFIG_PATH = `${SUPPORT_DIR}/config.json`;
export const LAUNCH_DAEMON_PATH = `/Library/LaunchDaemons/${LABEL}.plist`;
export const LOG_DIR = '/Library/Logs/execwatch';
export const LOG_PATH = `${LOG_DIR}/execwatch.log`;
export const NEWSYSLOG_PATH = '/etc/newsyslog.d/execwatch.conf';

/** `path` (absolute on the Mac) under the target root `root`. */
export function underRoot(root: string, path: string): string {
  return join(root, path);
}
