/** The interface every notification backend implements. */
import type { Notification } from '../notification.js';

/**
 * `no-console-user`: nobody is logged in to see it; `switched-off`: the `none` backend. Both
 * are counted, neither is an error.
 */
export type ShowOutcome = 'shown' | 'no-console-user' | 'switched-off';

export interface NotifyBackend {
  readonly name: string;
  /** Shows one notification; rejects when the helper program fails. */
  show(notification: Notification): Promise<ShowOutcome>;
}
