import { Writable } from 'node:stream';

import { afterEach, describe, expect, it } from 'vitest';

import { main } from '../../src/cli/index.js';
import type { CliContext } from '../../src/cli/context.js';
import {
  buildEcsProperties,
  buildIndexTemplate,
  buildIngestPipeline,
  indexTemplateName,
  ingestPipelineName,
} from '../../src/outputs/es-setup.js';
import { FakeElasticsearch } from './fixtures/fake-elasticsearch.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

function makeContext(): { context: CliContext; stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  let code = 0;
  const sink = (append: (text: string) => void) =>
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        append(chunk.toString());
        callback();
      },
    });
  return {
    context: {
      version: '0.0.0-test',
      stdout: sink((text) => (out += text)),
      stderr: sink((text) => (err += text)),
      stdin: process.stdin,
      setExitCode: (next) => (code = Math.max(code, next)),
      exitCode: () => code,
    },
    stdout: () => out,
    stderr: () => err,
  };
}

type Mapping = {
  type?: string;
  properties?: Record<string, Mapping>;
  fields?: Record<string, Mapping>;
  ignore_above?: number;
};

describe('index template', () => {
  it('makes logs-execwatch.alerts-* a data stream using the ingest pipeline', () => {
    const got = buildIndexTemplate();

    expect(got).toMatchObject({
      index_patterns: ['logs-execwatch.alerts-*'],
      data_stream: {},
      priority: 200,
      template: { settings: { 'index.default_pipeline': ingestPipelineName } },
    });
  });

  it.each([
    { field: '@timestamp', want: { type: 'date' } },
    { field: 'message', want: { type: 'match_only_text' } },
    { field: 'ecs.version', want: { type: 'keyword', ignore_above: 1024 } },
    { field: 'event.ingested', want: { type: 'date' } },
    { field: 'rule.id', want: { type: 'keyword', ignore_above: 1024 } },
    { field: 'process.pid', want: { type: 'long' } },
    {
      field: 'process.parent.executable',
      want: { type: 'keyword', ignore_above: 1024, fields: { text: { type: 'match_only_text' } } },
    },
    { field: 'host.ip', want: { type: 'ip' } },
    { field: 'threat.technique.id', want: { type: 'keyword', ignore_above: 1024 } },
    {
      field: 'user.name',
      want: { type: 'keyword', ignore_above: 1024, fields: { text: { type: 'match_only_text' } } },
    },
  ])('maps $field from the ECS definitions', ({ field, want }) => {
    const properties = buildEcsProperties() as Record<string, Mapping>;

    const path = field.split('.');
    let node: Mapping | undefined = { properties };
    for (const part of path) node = node?.properties?.[part];

    expect(node).toEqual(want);
  });

  it('leaves fields outside our field sets to dynamic mapping', () => {
    const properties = buildEcsProperties();

    expect(Object.keys(properties).sort()).toEqual(
      [
        '@timestamp',
        'agent',
        'data_stream',
        'ecs',
        'event',
        'host',
        'labels',
        'message',
        'process',
        'rule',
        'tags',
        'threat',
        'user',
      ].sort(),
    );
  });

  it('has a pipeline that sets event.ingested from the ingest timestamp', () => {
    expect(buildIngestPipeline()['processors']).toEqual([
      { set: { field: 'event.ingested', value: '{{{_ingest.timestamp}}}' } },
    ]);
  });
});

describe('execwatch setup elasticsearch', () => {
  it('installs the pipeline, then the template, with the given credentials', async () => {
    const elasticsearch = await new FakeElasticsearch().start();
    cleanups.push(() => elasticsearch.server.stop());
    const { context, stdout } = makeContext();

    const code = await main(
      [
        'node',
        'execwatch',
        'setup',
        'elasticsearch',
        '--url',
        elasticsearch.url,
        '--api-key',
        'k3y',
      ],
      context,
    );

    const requests = elasticsearch.server.requests.map(
      (request) => `${request.method} ${request.url}`,
    );
    expect(code).toBe(0);
    expect(requests).toEqual([
      `PUT /_ingest/pipeline/${ingestPipelineName}`,
      `PUT /_index_template/${indexTemplateName}`,
    ]);
    expect(elasticsearch.server.requests[0]?.headers['authorization']).toBe('ApiKey k3y');
    expect(elasticsearch.puts.get(`/_index_template/${indexTemplateName}`)).toEqual(
      buildIndexTemplate(),
    );
    expect(stdout()).toContain(`PUT /_index_template/${indexTemplateName}: HTTP 200`);
  });

  it('prints the requests without sending them with --dry-run', async () => {
    const { context, stdout } = makeContext();

    const code = await main(
      ['node', 'execwatch', 'setup', 'elasticsearch', '--url', 'http://127.0.0.1:1', '--dry-run'],
      context,
    );

    expect(code).toBe(0);
    expect(stdout()).toContain(`PUT /_ingest/pipeline/${ingestPipelineName}\n{`);
    expect(stdout()).toContain(`PUT /_index_template/${indexTemplateName}\n{`);
  });

  it('says what to check when the cluster refuses the request', async () => {
    const elasticsearch = await new FakeElasticsearch().start();
    cleanups.push(() => elasticsearch.server.stop());
    elasticsearch.server.inject({
      kind: 'status',
      status: 403,
      body: '{"error":"security_exception"}',
    });
    const { context, stderr } = makeContext();

    const code = await main(
      ['node', 'execwatch', 'setup', 'elasticsearch', '--url', elasticsearch.url],
      context,
    );

    expect(code).toBe(2);
    expect(stderr()).toMatch(
      /refused PUT \/_ingest\/pipeline\/.* with HTTP 403.*manage_ingest_pipelines/,
    );
  });
});
