/**
 * Public surface of `agent`: the long-running daemon behind `execwatch run`, its signal
 * handling, and the status file it writes for `execwatch status`.
 */
export { createAgent } from './agent.js';
export type { Agent, AgentOptions } from './agent.js';
export { defaultCollaborators } from './collaborators.js';
export type { AgentCollaborators, ChosenSource } from './collaborators.js';
export { installSignalHandlers } from './signals.js';
export {
  readStatusFile,
  statusFilePath,
  STATUS_FILE_NAME,
  STATUS_FORMAT_VERSION,
  writeStatusFile,
} from './status-file.js';
export type { AgentStatus } from './status-file.js';
