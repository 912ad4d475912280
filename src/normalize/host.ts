/**
 * `host.*` of events. Every event execwatch normalizes comes from a Mac (ES exists nowhere
 * else), so `host.os.*` says macOS even when a recording is replayed on Linux; the name and ids
 * come from the caller: the live agent passes the Mac's own, a replay defaults to the machine it
 * runs on and can be overridden (the recording does not carry its host).
 */
import os from 'node:os';

import type { EcsDocument } from '../shared/types.js';

/** The host that produced the events. */
export interface HostInfo {
  hostname: string;
  /** `host.name`; defaults to `hostname`. */
  name?: string;
  /** A stable id of the machine (macOS: IOPlatformUUID); also scopes entity ids. */
  id?: string;
  /** The boot session's id (macOS: `kern.bootsessionuuid`); entity ids stay unique across boots. */
  bootId?: string;
  /** macOS version, e.g. "15.5". */
  osVersion?: string;
  /** e.g. "arm64". */
  architecture?: string;
}

/** The machine this process runs on, for replays. */
export function describeLocalHost(): HostInfo {
  return { hostname: os.hostname() };
}

/** The frozen `host` object shared by all events of one normalizer (never mutate documents). */
export function hostFieldsOf(host: HostInfo): EcsDocument {
  const osFields: EcsDocument = {
    type: 'macos',
    family: 'macos',
    platform: 'darwin',
    name: 'macOS',
  };
  if (host.osVersion !== undefined) osFields['version'] = host.osVersion;

  const fields: EcsDocument = {
    hostname: host.hostname,
    name: host.name ?? host.hostname,
    os: osFields,
  };
  if (host.id !== undefined) fields['id'] = host.id;
  if (host.architecture !== undefined) fields['architecture'] = host.architecture;
  if (host.bootId !== undefined) fields['boot'] = { id: host.bootId };
  return deepFreeze(fields);
}

function deepFreeze(document: EcsDocument): EcsDocument {
  for (const value of Object.values(document)) {
    if (typeof value === 'object' && value !== null) Object.freeze(value);
  }
  return Object.freeze(document);
}
