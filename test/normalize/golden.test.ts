import { existsSync, readFileSync, writeFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { createNormalizer, type HostInfo } from '../../src/normalize/index.js';
import { createProcessTable } from '../../src/process-table/index.js';
import { createReplaySource } from '../../src/sources/index.js';

const FIXTURES = 'test/fixtures/eslogger';
const SHOULD_UPDATE = process.env['UPDATE_GOLDEN'] === '1';
const FIXTURE_HOST: HostInfo = { hostname: 'fixture-mac', id: 'F1X7-0000-HOST' };

/** Every record of a recording as the normalizer sees it, one JSON value per record. */
async function normalizeRecording(path: string): Promise<unknown[]> {
  const normalizer = createNormalizer({ table: createProcessTable(), host: FIXTURE_HOST });
  const source = createReplaySource({ paths: [path] });
  const outcomes: unknown[] = [];

  for await (const record of source.records()) {
    if (record.kind === 'malformed') {
      outcomes.push({ malformed: record.error.describe() });
      continue;
    }
    const outcome =
      record.kind === 'ecs'
        ? normalizer.normalizeEcs(record.document, record.origin)
        : normalizer.normalize(record.message, record.origin);
    if (outcome.kind === 'event') outcomes.push(outcome.event);
    else if (outcome.kind === 'skipped') outcomes.push({ skipped: outcome.reason });
    else outcomes.push({ malformed: outcome.error.describe() });
  }
  return outcomes;
}

function readExpected(path: string): unknown[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as unknown);
}

describe('normalizer golden fixtures', () => {
  it.each([
    ['v9/exec.jsonl', 'v9/exec.expected.ndjson'],
    ['v9/exit.jsonl', 'v9/exit.expected.ndjson'],
    ['v10/fork.jsonl', 'v10/fork.expected.ndjson'],
    ['v11/exec.jsonl', 'v11/exec.expected.ndjson'],
    ['mixed/all-mullvad-samples.jsonl', 'mixed/all-mullvad-samples.expected.ndjson'],
    ['../../../examples/smb-mount.eslogger.jsonl', 'examples/smb-mount.expected.ndjson'],
    [
      '../../../examples/noise-with-bad-lines.eslogger.jsonl',
      'examples/noise-with-bad-lines.expected.ndjson',
    ],
  ])('maps %s to the documents in %s', async (input, expected) => {
    const inputPath = `${FIXTURES}/${input}`.replace('test/fixtures/eslogger/../../../', '');
    const expectedPath = `${FIXTURES}/${expected}`;

    const got = await normalizeRecording(inputPath);

    if (SHOULD_UPDATE || !existsSync(expectedPath)) {
      writeFileSync(expectedPath, got.map((value) => JSON.stringify(value)).join('\n') + '\n');
    }
    const want = readExpected(expectedPath);
    expect(got).toEqual(want);
  });
});
