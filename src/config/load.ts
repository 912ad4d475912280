/**
 * Loads the agent's configuration from its layers, each overriding the one before: built-in
 * defaults (the schema's), the config file, the MDM managed preferences, then command-line
 * flags. Objects merge key by key; a list replaces the list below it. Secret references are
 * resolved after merging and before validation, so a secret never passes through a log line.
 *
 * Invariant: `loadConfig` either returns a fully validated configuration or throws a
 * `ConfigError` listing every problem; it never returns a half-valid one.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { parse as parsePlistXml, parseBinary as parsePlistBinary } from 'plist';

import { describeError } from '../shared/errors.js';
import { ConfigError, describeProblems, formatProblem } from './errors.js';
import type { ConfigLayer } from './errors.js';
import { configSchema, DEFAULT_STATE_DIR } from './schema.js';
import type { AgentConfig } from './schema.js';
import {
  checkSecretFileSettings,
  processSecretFileAccess,
  resolveSecretReferences,
} from './secrets.js';
import type { SecretFileAccess } from './secrets.js';

export const DEFAULT_CONFIG_PATH = '/Library/Application Support/execwatch/config.json';
export const MANAGED_PREFERENCES_DOMAIN = 'com.execwatch.agent';
export const DEFAULT_MANAGED_PREFERENCES_PATH =
  '/Library/Managed Preferences/' + `${MANAGED_PREFERENCES_DOMAIN}.plist`;

export interface LoadConfigOptions {
  /** `--config`: a file that must exist. Without it the default path is read if present. */
  configPath?: string;
  /** Where the managed preferences live; tests point this at a temporary file. */
  managedPreferencesPath?: string;
  /** Overrides from command-line flags, already shaped like the config (`{ notify: {...} }`). */
  flags?: Record<string, unknown>;
  secretFiles?: SecretFileAccess;
}

/** The validated configuration and the files it came from, for logs and `execwatch status`. */
export interface LoadedConfig {
  config: AgentConfig;
  /** The layers that contributed, in order, by name (`defaults`, a path, `flags`). */
  sources: string[];
}

export function loadConfig(options: LoadConfigOptions = {}): LoadedConfig {
  const layers = readLayers(options);
  const merged = layers.reduce<Record<string, unknown>>(
    (below, layer) => mergeSettings(below, layer.values),
    {},
  );
  const resolved = resolveSecretsOrThrow(merged, options.secretFiles);
  return {
    config: validate(resolved, merged, layers),
    sources: ['defaults', ...layers.map((l) => l.name)],
  };
}

/** Validates an already merged settings tree (used by `loadConfig` and the doctor). */
export function validate(
  settings: unknown,
  mergedForMessages: unknown = settings,
  layers: readonly ConfigLayer[] = [],
): AgentConfig {
  const result = configSchema.safeParse(withDerivedDefaults(settings));
  if (result.success) return result.data;

  const named =
    layers.length > 0 ? layers : [{ name: 'the given settings', values: asRecord(settings) }];
  const problems = describeProblems(result.error.issues, mergedForMessages, named);
  const lines = problems.map((problem) => `  ${formatProblem(problem)}`);
  const noun = problems.length === 1 ? 'problem' : 'problems';
  throw new ConfigError(
    `The configuration is invalid (${problems.length} ${noun}):\n${lines.join('\n')}`,
    problems,
  );
}

function readLayers(options: LoadConfigOptions): ConfigLayer[] {
  const layers: ConfigLayer[] = [];

  const configPath = options.configPath ?? DEFAULT_CONFIG_PATH;
  const fileValues = readConfigFile(configPath, options.configPath !== undefined);
  if (fileValues !== null) layers.push({ name: configPath, values: fileValues });

  const managedPath = options.managedPreferencesPath ?? DEFAULT_MANAGED_PREFERENCES_PATH;
  const managedValues = readManagedPreferences(managedPath);
  if (managedValues !== null) layers.push({ name: managedPath, values: managedValues });

  if (options.flags !== undefined) layers.push({ name: 'flags', values: options.flags });
  return layers;
}

/** The config file as an object; null when an optional file is absent. */
export function readConfigFile(path: string, isRequired: boolean): Record<string, unknown> | null {
  const text = readOptionalFile(path, isRequired);
  if (text === null) return null;

  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(
      `${path}:${describeJsonPosition(text)}: not valid JSON: ${describeError(error)}`,
      [],
      {
        cause: error,
      },
    );
  }
  return requireObject(parsed, path);
}

/**
 * The managed preferences (XML or binary plist, as mdmclient writes them) as an object, without
 * the MDM bookkeeping keys; null when absent.
 */
export function readManagedPreferences(path: string): Record<string, unknown> | null {
  const raw = readOptionalBuffer(path);
  if (raw === null) return null;

  const isBinary = raw.subarray(0, 8).toString('latin1') === 'bplist00';
  let parsed: unknown;
  try {
    parsed = isBinary ? parsePlistBinary(raw) : parsePlistXml(raw.toString('utf8'));
  } catch (error) {
    throw new ConfigError(`${path}: not a readable property list: ${describeError(error)}`, [], {
      cause: error,
    });
  }
  return withoutMdmBookkeeping(requireObject(parsed, path));
}

/** Objects merge key by key; anything else (lists included) replaces what was below. */
export function mergeSettings(
  below: Record<string, unknown>,
  above: Record<string, unknown>,
): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...below };
  for (const [key, value] of Object.entries(above)) {
    const current = merged[key];
    merged[key] =
      isPlainObject(current) && isPlainObject(value) ? mergeSettings(current, value) : value;
  }
  return merged;
}

/** Defaults that depend on other settings: the spool lives in the state directory. */
function withDerivedDefaults(settings: unknown): unknown {
  if (!isPlainObject(settings)) return settings;
  const merged = settings;
  const agent = isPlainObject(merged.agent) ? merged.agent : {};
  const stateDir = typeof agent.stateDir === 'string' ? agent.stateDir : DEFAULT_STATE_DIR;
  const spool = merged.spool === undefined ? {} : merged.spool;
  if (!isPlainObject(spool) || spool.directory !== undefined) return merged;
  return { ...merged, spool: { ...spool, directory: join(stateDir, 'spool') } };
}

function resolveSecretsOrThrow(
  merged: Record<string, unknown>,
  access?: SecretFileAccess,
): unknown {
  try {
    const resolved = resolveSecretReferences(merged, access ?? processSecretFileAccess);
    checkSecretFileSettings(resolved, access ?? processSecretFileAccess);
    return resolved;
  } catch (error) {
    throw new ConfigError(describeError(error), [], { cause: error });
  }
}

function readOptionalFile(path: string, isRequired: boolean): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if (!isRequired && isMissingFileError(error)) return null;
    throw new ConfigError(`${path}: the config file cannot be read: ${describeError(error)}`, [], {
      cause: error,
    });
  }
}

function readOptionalBuffer(path: string): Buffer | null {
  try {
    return readFileSync(path);
  } catch (error) {
    if (isMissingFileError(error)) return null;
    throw new ConfigError(
      `${path}: the managed preferences cannot be read: ${describeError(error)}`,
      [],
      {
        cause: error,
      },
    );
  }
}

function requireObject(parsed: unknown, path: string): Record<string, unknown> {
  if (isPlainObject(parsed)) return parsed;
  const got = Array.isArray(parsed) ? 'a list' : JSON.stringify(parsed);
  throw new ConfigError(`${path}: got ${got} at the top level, expected an object of settings`);
}

/** MDM adds `PayloadUUID`-style keys to managed preferences; they are not settings. */
function withoutMdmBookkeeping(values: Record<string, unknown>): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    if (!key.startsWith('Payload') && !key.startsWith('mcx_')) kept[key] = value;
  }
  return kept;
}

/**
 * `line:column` of a JSON syntax error. V8 does not always say where, so this finds the shortest
 * prefix of the text that is already wrong (not merely unfinished): its last character is the
 * culprit. Prefixes only get worse as they grow, so a binary search finds it.
 */
function describeJsonPosition(text: string): string {
  let low = 1;
  let high = text.length;
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    if (isBrokenJsonPrefix(text.slice(0, middle))) high = middle;
    else low = middle + 1;
  }
  const before = text.slice(0, low - 1).split('\n');
  const column = (before[before.length - 1]?.length ?? 0) + 1;
  return `${before.length}:${column}`;
}

function isBrokenJsonPrefix(prefix: string): boolean {
  try {
    JSON.parse(prefix);
    return false;
  } catch (error) {
    // An unfinished prefix fails at its very end, or says so.
    const message = describeError(error);
    const position = /at position (\d+)/.exec(message)?.[1];
    const isUnfinished =
      message.includes('end of JSON input') ||
      (position !== undefined && Number(position) >= prefix.length);
    return !isUnfinished;
  }
}

function asRecord(value: unknown): Record<string, unknown> {
  return isPlainObject(value) ? value : {};
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return (
    value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date)
  );
}

function isMissingFileError(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | null)?.code === 'ENOENT';
}
