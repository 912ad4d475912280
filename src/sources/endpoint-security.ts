/**
 * The Endpoint Security source: execwatch's own ES client, through the native addon
 * (native/, built as execwatch_es.node on macOS only).
 *
 * Approach: the addon copies each message out on the ES thread and hands arrays of records in
 * eslogger's JSON shape to a callback on the JS thread; this module wraps them as `es-message`
 * records in a bounded channel that the pipeline reads. Everything that can fail before the
 * first event (wrong OS, addon not built, `es_new_client` refused) fails in `open()` with an
 * actionable ExecwatchError, so `source: auto` can fall back to eslogger, and nothing crashes.
 *
 * Invariant: at most one ES client per process (the addon's rule); `stop()` deletes it on the
 * JS thread, which is the thread that created it.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

import { ExecwatchError } from '../shared/errors.js';
import type { SourceMute } from './config-schema.js';
import { esClientError } from './es-errors.js';
import { RecordChannel } from './record-channel.js';
import type { EventSource, SourceRecord } from './types.js';

/** What `start` of the addon takes (see native/src/macos/es-addon.cc). */
export interface EsAddonStartOptions {
  includeEnv: boolean;
  maxQueueEvents: number;
  mutes: { path: string; match: 'prefix' | 'literal' }[];
}

export interface EsAddonStats {
  offered?: number;
  delivered?: number;
  /** Records our own queue dropped because JavaScript fell behind. */
  queueDrops?: number;
  queued?: number;
  maxQueueEvents?: number;
  /** Messages the kernel dropped, from gaps in `global_seq_num` and per-type `seq_num`. */
  kernelDrops?: { global: number; exec: number; fork: number; exit: number; eventTypes: number };
  copyFailures?: number;
  ignored?: number;
}

/** The surface of execwatch_es.node. */
export interface EsAddon {
  start(
    options: EsAddonStartOptions,
    onRecords: (records: unknown[]) => void,
  ): { muteFailures: string[] };
  stop(): void;
  stats(): EsAddonStats;
}

export interface EndpointSecurityStats extends EsAddonStats {
  /** Records dropped between the addon's callback and a reader that fell behind. */
  channelDrops: number;
}

export interface EndpointSecuritySourceOptions {
  mutes?: readonly SourceMute[];
  /** Bound of the native queue and of the channel after it. Default 65536. */
  maxQueueEvents?: number;
  /** Copy the environment of exec events (secrets). Default false. */
  includeEnv?: boolean;
  /** Seam for tests; default loads the built addon. */
  loadAddon?: () => EsAddon;
  platform?: NodeJS.Platform;
}

export interface EndpointSecuritySource extends EventSource {
  /** Creates the ES client now; throws the actionable error when it cannot. Idempotent. */
  open(): { muteFailures: string[] };
  stats(): EndpointSecurityStats;
}

const ADDON_FILE = 'execwatch_es.node';
const DEFAULT_MAX_QUEUE_EVENTS = 65_536;

/** Where a build leaves the addon: node-gyp's build/ at the root, or cmake-js's native/build/. */
export function defaultAddonCandidates(): string[] {
  return [
    fileURLToPath(new URL(`../../build/Release/${ADDON_FILE}`, import.meta.url)),
    fileURLToPath(new URL(`../../native/build/Release/${ADDON_FILE}`, import.meta.url)),
  ];
}

/**
 * Loads execwatch_es.node. Off macOS, or when it was not built, throws an ExecwatchError that
 * says so (`ES_UNSUPPORTED_PLATFORM`, `ES_ADDON_NOT_BUILT`, `ES_ADDON_LOAD_FAILED`).
 */
export function loadEndpointSecurityAddon(
  options: { platform?: NodeJS.Platform | undefined; candidates?: readonly string[] } = {},
): EsAddon {
  const platform = options.platform ?? process.platform;
  if (platform !== 'darwin') {
    throw new ExecwatchError(
      'ES_UNSUPPORTED_PLATFORM',
      `The endpoint-security source needs macOS; this is ${platform}. Use source: replay to ` +
        'run recordings here.',
    );
  }

  const candidates = options.candidates ?? defaultAddonCandidates();
  const path = candidates.find((candidate) => existsSync(candidate));
  if (path === undefined) {
    throw new ExecwatchError(
      'ES_ADDON_NOT_BUILT',
      `The Endpoint Security addon is not built (looked for ${candidates.join(', ')}). Run ` +
        '`npm ci` or `npx cmake-js compile -d native` on a Mac with the Xcode command line ' +
        'tools, or use the eslogger source.',
    );
  }
  return requireAddon(path);
}

function requireAddon(path: string): EsAddon {
  let addon: unknown;
  try {
    addon = createRequire(import.meta.url)(path);
  } catch (cause) {
    throw new ExecwatchError(
      'ES_ADDON_LOAD_FAILED',
      `The Endpoint Security addon at ${path} could not be loaded: ${String(cause)}. Rebuild it ` +
        'for this Node.js and architecture (`npm rebuild`), or use the eslogger source.',
      { cause },
    );
  }
  if (!isEsAddon(addon)) {
    throw new ExecwatchError(
      'ES_ADDON_LOAD_FAILED',
      `${path} is not the Endpoint Security addon (it lacks start, stop and stats).`,
    );
  }
  return addon;
}

function isEsAddon(value: unknown): value is EsAddon {
  const candidate = value as Partial<Record<keyof EsAddon, unknown>> | null;
  return (
    typeof candidate?.start === 'function' &&
    typeof candidate.stop === 'function' &&
    typeof candidate.stats === 'function'
  );
}

/** Creates the source; nothing native happens until `open()` or `records()`. */
export function createEndpointSecuritySource(
  options: EndpointSecuritySourceOptions = {},
): EndpointSecuritySource {
  const maxQueueEvents = options.maxQueueEvents ?? DEFAULT_MAX_QUEUE_EVENTS;
  const channel = new RecordChannel<SourceRecord>(maxQueueEvents);
  let addon: EsAddon | undefined;
  let opened: { muteFailures: string[] } | undefined;
  let stopped = false;

  const open = (): { muteFailures: string[] } => {
    if (opened !== undefined) return opened;
    if (stopped) throw new ExecwatchError('SOURCE_STOPPED', 'The source was stopped');

    const load =
      options.loadAddon ?? (() => loadEndpointSecurityAddon({ platform: options.platform }));
    addon = load();
    opened = startClient(addon, options, maxQueueEvents, (records) =>
      channel.push(records.map(toSourceRecord)),
    );
    return opened;
  };

  return {
    name: 'endpoint-security',
    open,
    records: () => {
      open();
      return channel;
    },
    stop: () => {
      stopped = true;
      addon?.stop();
      channel.close();
      return Promise.resolve();
    },
    stats: () => ({ ...(addon?.stats() ?? {}), channelDrops: channel.dropped }),
  };
}

function startClient(
  addon: EsAddon,
  options: EndpointSecuritySourceOptions,
  maxQueueEvents: number,
  onRecords: (records: unknown[]) => void,
): { muteFailures: string[] } {
  const startOptions: EsAddonStartOptions = {
    includeEnv: options.includeEnv ?? false,
    maxQueueEvents,
    mutes: (options.mutes ?? []).map((mute) => ({ path: mute.path, match: mute.match })),
  };
  try {
    return addon.start(startOptions, onRecords);
  } catch (error) {
    throw translateStartError(error);
  }
}

/** The addon's coded Error → the actionable ExecwatchError. */
export function translateStartError(error: unknown): ExecwatchError {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code.startsWith('ES_NEW_CLIENT_RESULT_')) {
    return esClientError(code, 'endpoint-security', error);
  }
  const detail = error instanceof Error ? error.message : String(error);
  return new ExecwatchError(
    typeof code === 'string' ? code : 'ES_START_FAILED',
    `The Endpoint Security client could not start: ${detail}. Use the eslogger source meanwhile.`,
    { cause: error },
  );
}

function toSourceRecord(message: unknown): SourceRecord {
  return { kind: 'es-message', message, origin: { source: 'endpoint-security' } };
}
