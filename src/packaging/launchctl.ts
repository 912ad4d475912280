/**
 * The launchctl calls the scripts make, in the modern domain-target form (`system/<label>`).
 * `bootstrap` of a loaded service and `bootout` of an unknown one are errors for launchctl, so
 * both are preceded by `print`, which makes install and uninstall safe to run twice.
 */
import type { CommandRunner } from '../notify/index.js';
import { LABEL } from './layout.js';

const TIMEOUT_MS = 30_000;
export const SERVICE_TARGET = `system/${LABEL}`;

export interface ServiceControl {
  isLoaded(): Promise<boolean>;
  bootout(): Promise<void>;
  enable(): Promise<void>;
  bootstrap(plistPath: string): Promise<void>;
}

export function createServiceControl(run: CommandRunner): ServiceControl {
  const launchctl = async (args: string[]) => {
    await run('launchctl', args, { timeoutMs: TIMEOUT_MS });
  };
  return {
    isLoaded: async () => {
      try {
        await launchctl(['print', SERVICE_TARGET]);
        return true;
      } catch {
        return false;
      }
    },
    bootout: () => launchctl(['bootout', SERVICE_TARGET]),
    enable: () => launchctl(['enable', SERVICE_TARGET]),
    bootstrap: (plistPath) => launchctl(['bootstrap', 'system', plistPath]),
  };
}
