/**
 * Wires process signals to the agent: SIGTERM and SIGINT start the shutdown (a second one
 * while shutting down is ignored, so launchd's SIGTERM-then-wait works), SIGHUP reloads.
 * Returns a function that removes the handlers again.
 */
import type { Logger } from '../shared/logger.js';
import type { Agent } from './agent.js';

export function installSignalHandlers(
  agent: Pick<Agent, 'stop' | 'reload'>,
  logger: Logger,
  target: NodeJS.EventEmitter = process,
): () => void {
  const onStop = (signal: NodeJS.Signals) => {
    logger.info('signal received', { signal });
    agent.stop(signal);
  };
  const onReload = () => {
    logger.info('signal received', { signal: 'SIGHUP' });
    void agent.reload();
  };

  target.on('SIGTERM', onStop);
  target.on('SIGINT', onStop);
  target.on('SIGHUP', onReload);
  return () => {
    target.off('SIGTERM', onStop);
    target.off('SIGINT', onStop);
    target.off('SIGHUP', onReload);
  };
}
