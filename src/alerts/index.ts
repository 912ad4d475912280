/**
 * Public surface of `alerts`: ECS alert documents from (rule, event(s)), and their readable
 * rendering for a person at a terminal.
 */
export { buildAlert, computeAlertId, ECS_VERSION } from './build-alert.js';
export type { AgentInfo, AlertContext } from './build-alert.js';
export { describeLocalAgent } from './agent-info.js';
export { renderAlertText } from './render-text.js';
export type { AncestryEntry } from './render-text.js';
