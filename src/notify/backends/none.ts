/** `none`: notifications are switched off; alerts still go to the outputs. */
import type { NotifyBackend } from './types.js';

export function createNoneBackend(): NotifyBackend {
  return { name: 'none', show: () => Promise.resolve('switched-off') };
}
