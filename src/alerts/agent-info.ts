/**
 * Who raises the alerts: `agent.*` for this host. The id is derived from the host name so that
 * replays and restarts of the same machine carry the same agent id without any state on disk.
 */
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';

import type { AgentInfo } from './build-alert.js';

export function describeLocalAgent(version: string, hostName: string = hostname()): AgentInfo {
  const digest = createHash('sha256').update(`execwatch-agent:${hostName}`).digest('hex');
  const id =
    `${digest.slice(0, 8)}-${digest.slice(8, 12)}-${digest.slice(12, 16)}-` +
    `${digest.slice(16, 20)}-${digest.slice(20, 32)}`;
  return { id, name: hostName, version };
}
