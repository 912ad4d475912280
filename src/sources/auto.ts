/**
 * Which source runs: the `source` config section turned into a started EventSource, and for
 * `source: auto` the reason it was chosen.
 *
 * `auto` tries the Endpoint Security addon first (it needs the entitlement, root and Full Disk
 * Access, and gives kernel mutes and drop counts); when that cannot start, it falls back to
 * `/usr/bin/eslogger` and says why. A source named explicitly is never swapped for another: its
 * failure is the error.
 */
import { accessSync, constants } from 'node:fs';

import { ExecwatchError, describeError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import type { SourceConfig } from './config-schema.js';
import {
  createEndpointSecuritySource,
  loadEndpointSecurityAddon,
  type EsAddon,
} from './endpoint-security.js';
import {
  createEsloggerSource,
  createEsloggerStatusLogger,
  type EsloggerStatus,
  type SourceTimers,
} from './eslogger.js';
import { createReplaySource } from './replay.js';
import type { EventSource } from './types.js';

export type SourceName = 'endpoint-security' | 'eslogger' | 'replay';

/** A source ready to read, and why it was chosen (null when it was named explicitly). */
export interface SourceSelection {
  source: EventSource;
  name: SourceName;
  reason: string | null;
}

/** Collaborators, all optional; tests pass their own. */
export interface SourceDependencies {
  platform?: NodeJS.Platform;
  loadAddon?: () => EsAddon;
  timers?: SourceTimers;
  /** Gets the eslogger lifecycle; default: log it through `logger`. */
  onEsloggerStatus?: (status: EsloggerStatus) => void;
  /** Receives one line saying which source runs and why. */
  logger?: Logger;
  isExecutable?: (path: string) => boolean;
}

/** Builds the configured source (for `auto`, the first live one that can start). */
export function createSourceFromConfig(
  config: SourceConfig,
  dependencies: SourceDependencies = {},
): SourceSelection {
  const selection = selectSource(config, dependencies);
  dependencies.logger?.child({ component: 'source' }).info('event source selected', {
    source: selection.name,
    reason: selection.reason,
  });
  return selection;
}

function selectSource(config: SourceConfig, dependencies: SourceDependencies): SourceSelection {
  switch (config.type) {
    case 'replay':
      return { source: createReplay(config), name: 'replay', reason: null };
    case 'endpoint-security':
      return {
        source: openEndpointSecurity(config, dependencies),
        name: config.type,
        reason: null,
      };
    case 'eslogger':
      return { source: createEslogger(config, dependencies), name: config.type, reason: null };
    case 'auto':
      return selectLiveSource(config, dependencies);
  }
}

/** `source: auto`: the addon if it starts, else eslogger, else an error naming both reasons. */
export function selectLiveSource(
  config: SourceConfig,
  dependencies: SourceDependencies = {},
): SourceSelection {
  let addonFailure: ExecwatchError;
  try {
    const source = openEndpointSecurity(config, dependencies);
    const reason =
      'the Endpoint Security client started (entitled executable, root, Full Disk Access)';
    return { source, name: 'endpoint-security', reason };
  } catch (error) {
    if (!(error instanceof ExecwatchError)) throw error;
    addonFailure = error;
  }

  const isExecutable = dependencies.isExecutable ?? isExecutableFile;
  const addonDetail = describeError(addonFailure);
  const addonReason = `endpoint-security unavailable (${addonFailure.code}): ${addonDetail}`;
  if (!isExecutable(config.esloggerPath)) {
    throw new ExecwatchError(
      'NO_LIVE_SOURCE',
      `No live event source can run. ${addonReason} eslogger: no executable at ` +
        `${config.esloggerPath} (it ships with macOS 13 and later; set source.esloggerPath).`,
      { cause: addonFailure },
    );
  }

  const source = createEslogger(config, dependencies);
  return {
    source,
    name: 'eslogger',
    reason: `${addonReason} Using eslogger at ${config.esloggerPath}.`,
  };
}

function openEndpointSecurity(config: SourceConfig, dependencies: SourceDependencies): EventSource {
  const platform = dependencies.platform ?? process.platform;
  const source = createEndpointSecuritySource({
    mutes: config.mutes,
    maxQueueEvents: config.maxQueueEvents,
    includeEnv: config.includeEnv,
    loadAddon: dependencies.loadAddon ?? (() => loadEndpointSecurityAddon({ platform })),
  });
  source.open();
  return source;
}

function createEslogger(config: SourceConfig, dependencies: SourceDependencies): EventSource {
  const logStatus =
    dependencies.logger === undefined ? undefined : createEsloggerStatusLogger(dependencies.logger);
  const onStatus = dependencies.onEsloggerStatus ?? logStatus;
  return createEsloggerSource({
    esloggerPath: config.esloggerPath,
    mutes: config.mutes,
    restart: config.restart,
    ...(dependencies.timers === undefined ? {} : { timers: dependencies.timers }),
    ...(onStatus === undefined ? {} : { onStatus }),
  });
}

function createReplay(config: SourceConfig): EventSource {
  return createReplaySource({
    paths: config.replay.files,
    format: config.replay.format,
    follow: config.replay.follow,
  });
}

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
