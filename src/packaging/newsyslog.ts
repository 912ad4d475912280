/**
 * The newsyslog(8) entry that rotates the agent's log: keep 7 files, rotate at 10 MiB,
 * compress with bzip2 (`J`), and do not signal any process (`N`).
 *
 * Accepted edge: launchd holds the log file open for the agent, so after a rotation the agent
 * writes on into the renamed file until it restarts (at the latest on the next upgrade or
 * reboot); the size bound then applies per agent lifetime, not per file. The real fix is for
 * the agent to own its log file and reopen it on a signal. TODO(#7): reopen logs on SIGUSR1.
 */
import { LOG_PATH } from './layout.js';

export const NEWSYSLOG_DEFAULTS = { keepFiles: 7, rotateAtKiB: 10_240, mode: '640' } as const;

export function buildNewsyslogEntry(logPath: string = LOG_PATH): string {
  const { keepFiles, rotateAtKiB, mode } = NEWSYSLOG_DEFAULTS;
  return [
    '# execwatch agent log (installed by execwatch; see newsyslog.conf(5))',
    '# logfilename                          [owner:group] mode count size(KiB) when flags',
    `${logPath}  root:wheel  ${mode}  ${keepFiles}  ${rotateAtKiB}  *  NJ`,
    '',
  ].join('\n');
}
