/**
 * Who sits at the Mac: the owner of /dev/console. At the login window it belongs to root, which
 * means nobody is logged in; fast user switching changes the owner, so it is asked every time.
 */
import type { CommandRunner } from './command-runner.js';

/** The uid of the logged-in console user, or null when nobody is logged in. */
export type ConsoleUserLookup = () => Promise<number | null>;

export function createConsoleUserLookup(run: CommandRunner, timeoutMs = 2_000): ConsoleUserLookup {
  return async () => {
    const { stdout } = await run('stat', ['-f', '%u', '/dev/console'], { timeoutMs });
    const uid = Number(stdout.trim());
    const isLoggedInUser = Number.isInteger(uid) && stdout.trim() !== '' && uid > 0;
    return isLoggedInUser ? uid : null;
  };
}
