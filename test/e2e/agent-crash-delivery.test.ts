/**
 * The agent's promise under faults, end to end with the real CLI: alerts raised while the
 * Elasticsearch collector is down wait in the spool; a `kill -9` of the agent loses none of
 * them; a new agent on the same state directory delivers them, and Elasticsearch holds each
 * exactly once (resends carry the same `_id` and are answered 409).
 *
 * The second agent replays an empty recording, so whatever reaches the collector after the
 * crash can only have come from the first agent's spool.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startCli } from '../agent/cli-harness.js';
import type { RunningCli } from '../agent/cli-harness.js';
import { FakeElasticsearch } from '../outputs/fixtures/fake-elasticsearch.js';

const ALERT_COUNT = 2000;
const STATUS_POLL_MS = 50;

const RULE_TOML = `[metadata]
creation_date = "2026/12/01"

[rule]
rule_id = "crash-test-rule"
name = "Crash test tool started"
description = "Fires once per start of the crash test tool."
risk_score = 47
severity = "medium"
type = "eql"
language = "eql"
max_signals = 100000
query = '''
process where process.name == "crash-test-tool"
'''
`;

function makeRecording(count: number): string {
  const startMs = Date.parse('2026-12-01T09:00:00Z');
  const lines: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const event = {
      '@timestamp': new Date(startMs + index).toISOString(),
      event: { id: `crash-${index}`, kind: 'event', category: ['process'], type: ['start'] },
      host: { name: 'crash-host', os: { type: 'macos' } },
      process: { pid: 10_000 + index, entity_id: `entity-${index}`, name: 'crash-test-tool' },
    };
    lines.push(JSON.stringify(event));
  }
  return `${lines.join('\n')}\n`;
}

interface OutputStatus {
  confirmed: number;
  queueDepth: number;
}

/** Resolves when the agent's status file says every alert is confirmed or waiting in the spool. */
async function untilAllSpooled(statusPath: string, count: number, agent: RunningCli) {
  for (;;) {
    const status = await readStatus(statusPath);
    const output = status?.outputs?.[0];
    if (output !== undefined && output.confirmed + output.queueDepth >= count) return;
    if (agent.child.exitCode !== null) throw new Error(`agent exited:\n${agent.stderrText()}`);
    await new Promise((resolve) => setTimeout(resolve, STATUS_POLL_MS));
  }
}

async function readStatus(path: string): Promise<{ outputs?: OutputStatus[] } | null> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as { outputs?: OutputStatus[] };
  } catch {
    return null;
  }
}

describe('the agent under a collector outage and kill -9', () => {
  let directory = '';
  let elasticsearch: FakeElasticsearch;
  const agents: RunningCli[] = [];

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'execwatch-crash-'));
    elasticsearch = await new FakeElasticsearch().start();
    await writeFile(join(directory, 'crash-rule.toml'), RULE_TOML);
    await writeFile(join(directory, 'events.ndjson'), makeRecording(ALERT_COUNT));
    await writeFile(join(directory, 'empty.ndjson'), '');
    const config = {
      agent: { statusIntervalMs: 100, logFormat: 'json' },
      rules: { paths: [join(directory, 'crash-rule.toml')], builtin: false },
      outputs: [
        {
          type: 'elasticsearch',
          url: elasticsearch.url,
          maxBatchEvents: 100,
          flushIntervalMs: 20,
          timeoutMs: 2000,
          retry: { initialDelayMs: 20, maxDelayMs: 200 },
        },
      ],
      notify: { backend: 'none' },
    };
    await writeFile(join(directory, 'config.json'), JSON.stringify(config));
  });

  afterAll(async () => {
    for (const agent of agents) agent.child.kill('SIGKILL');
    await elasticsearch.server.stop();
    await rm(directory, { recursive: true, force: true });
  });

  function startAgent(recording: string): RunningCli {
    const args = ['run', '--config', join(directory, 'config.json')];
    args.push('--replay', join(directory, recording), '--follow');
    args.push('--state-dir', join(directory, 'state'));
    const agent = startCli(args);
    agents.push(agent);
    return agent;
  }

  it('delivers every alert exactly once after the outage and the crash', async () => {
    const first = startAgent('events.ndjson');
    await elasticsearch.untilDocuments(200);
    await elasticsearch.server.stop();
    await untilAllSpooled(join(directory, 'state', 'status.json'), ALERT_COUNT, first);
    first.child.kill('SIGKILL');
    await first.waitForExit();
    const deliveredBeforeCrash = elasticsearch.documents.size;

    await elasticsearch.server.start();
    const second = startAgent('empty.ndjson');
    await elasticsearch.untilDocuments(ALERT_COUNT);
    second.child.kill('SIGTERM');
    const exit = await second.waitForExit();

    const got = [...elasticsearch.documents.values()].map((stored) => {
      return ((stored.document.event as Record<string, unknown>).id as string) ?? '';
    });
    expect(deliveredBeforeCrash).toBeLessThan(ALERT_COUNT);
    expect(elasticsearch.documents.size).toBe(ALERT_COUNT);
    expect(new Set(got).size).toBe(ALERT_COUNT);
    expect(exit.code).toBe(0);
  });
});
