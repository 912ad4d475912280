/**
 * Public surface of `notify`: notifications to the person at the machine (Notification Center
 * through `osascript`, `notify-send`, the log, or none), limited per rule and overall, with
 * quiet periods, and never in the way of detection or delivery.
 */
export { createNotifier } from './notifier.js';
export type { Notifier, NotifierOptions, NotifierStats } from './notifier.js';
export { createBackend, resolveBackendName } from './backends/index.js';
export type { BackendDependencies, NotifyBackend, ShowOutcome } from './backends/index.js';
export { buildOsascriptArgs, buildNotifySendArgs, OSASCRIPT_LINES } from './backends/index.js';
export { createCommandRunner, findOnPath } from './command-runner.js';
export type { CommandRunner, CommandResult } from './command-runner.js';
export { createConsoleUserLookup } from './console-user.js';
export type { ConsoleUserLookup } from './console-user.js';
export { createNotificationGate, systemClock } from './gate.js';
export type { GateClock, GateDecision, HeldBackSummary } from './gate.js';
export { notificationFromAlert, truncateText } from './notification.js';
export type { Notification } from './notification.js';
export { notifyConfigSchema, NOTIFY_BACKENDS, SEVERITIES } from './config-schema.js';
export type { NotifyBackendName, NotifyConfig, Severity } from './config-schema.js';
