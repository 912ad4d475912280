/**
 * Headless machines and terminals: the notification becomes a warn-level log line. Its text is
 * process data, so it is nested under `process_data` and can never forge a log field.
 */
import type { Logger } from '../../shared/logger.js';
import type { Notification } from '../notification.js';
import type { NotifyBackend, ShowOutcome } from './types.js';

export function createLogBackend(logger: Logger): NotifyBackend {
  return {
    name: 'log',
    show(notification: Notification): Promise<ShowOutcome> {
      const { ruleId, severity, title, body } = notification;
      logger.warn('notification', { rule_id: ruleId, severity, process_data: { title, body } });
      return Promise.resolve('shown');
    },
  };
}
