/**
 * What a cluster needs before the Elasticsearch output writes to it, installed by
 * `execwatch setup elasticsearch` (as Beats' `setup` does): an ingest pipeline that stamps
 * `event.ingested`, and an index template that makes `logs-execwatch.alerts-*` a data stream
 * with ECS mappings for the fields our alerts carry and the pipeline as its default.
 *
 * The mappings are generated from @elastic/ecs (EcsFlat) for the field sets alerts use
 * (`@timestamp`, `message`, `tags`, `labels`, `ecs.version`, and `event.*`, `rule.*`,
 * `threat.*`, `process.*`, `host.*`, `user.*`, `agent.*`, `data_stream.*`); other fields are
 * mapped dynamically. The template's priority (200) is above the stack's built-in `logs-*-*`
 * template (100), so ours wins for our data streams. A data stream name configured outside
 * `logs-execwatch.alerts-*` is not covered by this template.
 */
import { EcsFlat, EcsVersion } from '@elastic/ecs';

import { ExecwatchError } from '../shared/errors.js';
import type { TlsConfig } from './config-schema.js';
import { elasticsearchAuthorization } from './elasticsearch.js';
import { HttpClient, isSuccess, joinUrl } from './http-client.js';

export const indexTemplateName = 'logs-execwatch.alerts';
export const ingestPipelineName = 'logs-execwatch.alerts-default';
export const indexTemplatePriority = 200;

const mappedPrefixes = [
  'event.',
  'rule.',
  'threat.',
  'process.',
  'host.',
  'user.',
  'agent.',
  'data_stream.',
];
const mappedFields = new Set(['@timestamp', 'message', 'tags', 'labels', 'ecs.version']);

type JsonObject = { [key: string]: unknown };

interface EcsFieldDefinition {
  flat_name: string;
  type: string;
  ignore_above?: number;
  scaling_factor?: number;
  multi_fields?: { name: string; type: string }[];
}

export function buildIngestPipeline(): JsonObject {
  return {
    description: 'execwatch alerts: records when each alert reached the cluster (event.ingested)',
    processors: [{ set: { field: 'event.ingested', value: '{{{_ingest.timestamp}}}' } }],
    _meta: { managed_by: 'execwatch', ecs_version: EcsVersion },
  };
}

export function buildIndexTemplate(): JsonObject {
  return {
    index_patterns: ['logs-execwatch.alerts-*'],
    data_stream: {},
    priority: indexTemplatePriority,
    template: {
      settings: { 'index.default_pipeline': ingestPipelineName },
      mappings: { dynamic: true, properties: buildEcsProperties() },
    },
    _meta: { managed_by: 'execwatch', ecs_version: EcsVersion },
  };
}

/** Nested `properties` for the ECS fields alerts use, from EcsFlat. */
export function buildEcsProperties(): JsonObject {
  const root: JsonObject = {};
  const definitions = Object.values(EcsFlat as Record<string, EcsFieldDefinition>);
  for (const field of definitions.filter((candidate) => isMapped(candidate.flat_name))) {
    placeField(root, field.flat_name.split('.'), fieldMapping(field));
  }
  return root;
}

function isMapped(flatName: string): boolean {
  return mappedFields.has(flatName) || mappedPrefixes.some((prefix) => flatName.startsWith(prefix));
}

function fieldMapping(field: EcsFieldDefinition): JsonObject {
  const mapping: JsonObject = { type: field.type };
  if (field.ignore_above !== undefined) mapping['ignore_above'] = field.ignore_above;
  if (field.scaling_factor !== undefined) mapping['scaling_factor'] = field.scaling_factor;
  if (field.multi_fields !== undefined && field.multi_fields.length > 0) {
    mapping['fields'] = Object.fromEntries(
      field.multi_fields.map((multi) => [multi.name, { type: multi.type }]),
    );
  }
  return mapping;
}

/** Puts a leaf mapping at its path, turning intermediate names into objects with properties. */
function placeField(root: JsonObject, path: string[], mapping: JsonObject): void {
  let properties = root;
  for (const part of path.slice(0, -1)) {
    const node = (properties[part] ??= { properties: {} }) as JsonObject;
    node['properties'] ??= {};
    properties = node['properties'] as JsonObject;
  }

  const leafName = path.at(-1) as string;
  const existing = properties[leafName] as JsonObject | undefined;
  properties[leafName] =
    existing === undefined ? mapping : { ...mapping, ...existing, type: mapping['type'] };
}

export interface ElasticsearchSetupOptions {
  url: string;
  apiKey?: string | undefined;
  apiKeyFile?: string | undefined;
  username?: string | undefined;
  password?: string | undefined;
  passwordFile?: string | undefined;
  tls: TlsConfig;
  timeoutMs: number;
}

/** One request `setup` makes (or, with --dry-run, would make). */
export interface SetupRequest {
  method: 'PUT';
  path: string;
  body: JsonObject;
}

export function setupRequests(): SetupRequest[] {
  return [
    { method: 'PUT', path: `_ingest/pipeline/${ingestPipelineName}`, body: buildIngestPipeline() },
    { method: 'PUT', path: `_index_template/${indexTemplateName}`, body: buildIndexTemplate() },
  ];
}

/** Installs the pipeline, then the template; resolves with each request and its status. */
export async function installElasticsearchSetup(
  options: ElasticsearchSetupOptions,
): Promise<{ request: SetupRequest; status: number }[]> {
  const client = new HttpClient({ tls: options.tls, timeoutMs: options.timeoutMs });
  const headers = { 'Content-Type': 'application/json', ...elasticsearchAuthorization(options) };
  const results: { request: SetupRequest; status: number }[] = [];

  try {
    for (const request of setupRequests()) {
      const url = joinUrl(options.url, request.path);
      const response = await client.request({
        method: 'PUT',
        url,
        body: JSON.stringify(request.body),
        headers,
      });
      if (!isSuccess(response.status)) {
        throw new ExecwatchError(
          'SETUP_FAILED',
          `Elasticsearch refused ${request.method} /${request.path} ` +
            `with HTTP ${response.status}: ` +
            `${response.body.slice(0, 500)}; check the URL, the credentials and their privileges ` +
            `(manage_index_templates, manage_ingest_pipelines)`,
        );
      }
      results.push({ request, status: response.status });
    }
  } finally {
    client.close();
  }
  return results;
}
