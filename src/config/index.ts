/**
 * Public surface of `config`: the one validated configuration of the agent, loaded from
 * defaults, the config file, MDM managed preferences and command-line flags, in that order.
 */
export {
  DEFAULT_CONFIG_PATH,
  DEFAULT_MANAGED_PREFERENCES_PATH,
  MANAGED_PREFERENCES_DOMAIN,
  loadConfig,
  mergeSettings,
  readConfigFile,
  readManagedPreferences,
  validate,
} from './load.js';
export type { LoadConfigOptions, LoadedConfig } from './load.js';
export { configSchema, DEFAULT_STATE_DIR } from './schema.js';
export type { AgentConfig } from './schema.js';
export { ConfigError, formatProblem } from './errors.js';
export type { ConfigProblem } from './errors.js';
export {
  checkSecretFileSettings,
  processSecretFileAccess,
  resolveSecretReferences,
} from './secrets.js';
export type { SecretFileAccess } from './secrets.js';
