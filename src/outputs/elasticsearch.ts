/**
 * The Elasticsearch output: `_bulk` with `create` operations into a data stream
 * (`logs-execwatch.alerts-<namespace>` unless configured otherwise).
 *
 * Exactly-once in the index rests on the document `_id`: it is derived from the alert itself, so
 * a resend after a crash or a lost response is a `create` of an existing id, which the cluster
 * answers 409 and we count as delivered. The id is the SHA-256 (base64url, 32 characters) of
 * the first of these the alert has:
 *   1. `kibana.alert.uuid` — an alert id chosen by the alert builder;
 *   2. the rule (`rule.uuid`, else `rule.id`) together with `event.id` — so one event that
 *      several rules match gives several documents, and the same rule on the same event one;
 *   3. the alert's canonical JSON (keys sorted at every level).
 * The spool keeps the alert's bytes, so a resend always hashes to the same id. Two *different*
 * alerts that share the key would collide (the second counts as a duplicate): the alert builder
 * must give each alert its own `event.id` or `kibana.alert.uuid`.
 *
 * Per-item results: 2xx and 409 delivered; 429 and 5xx retried (only those items); any other
 * status refused and dead-lettered with the error type and reason. A whole-request failure
 * goes to the retry policy.
 */
import { createHash } from 'node:crypto';

import type { EcsDocument } from '../shared/types.js';
import type { ElasticsearchOutputConfig } from './config-schema.js';
import { DeliveryError } from './delivery-error.js';
import { canonicalJson, readString } from './document-fields.js';
import { HttpClient, joinUrl, type HttpResponse } from './http-client.js';
import { isRetryableItemStatus, parseRetryAfterMs } from './retry-policy.js';
import { basicAuthorization, readSecret } from './secrets.js';
import type { Sender, SenderContext } from './sender.js';
import type { SpoolRecord } from './spool.js';
import type { ItemOutcome } from './with-retry.js';

/** The data stream an output writes to. */
export function dataStreamName(
  config: Pick<ElasticsearchOutputConfig, 'namespace' | 'dataStream'>,
): string {
  return config.dataStream ?? `logs-execwatch.alerts-${config.namespace}`;
}

/** The deterministic `_id` of an alert (see the module header). */
export function alertDocumentId(alert: EcsDocument): string {
  return createHash('sha256').update(documentIdBasis(alert)).digest('base64url').slice(0, 32);
}

function documentIdBasis(alert: EcsDocument): string {
  const alertUuid = readString(alert, 'kibana.alert.uuid');
  if (alertUuid !== undefined && alertUuid !== '') return `alert:${alertUuid}`;

  const eventId = readString(alert, 'event.id');
  const ruleId = readString(alert, 'rule.uuid') ?? readString(alert, 'rule.id') ?? '';
  if (eventId !== undefined && eventId !== '') return `rule:${ruleId}\nevent:${eventId}`;

  return `json:${canonicalJson(alert)}`;
}

/** Authorization header for API key or basic auth, from inline values or files. */
export function elasticsearchAuthorization(config: {
  apiKey?: string | undefined;
  apiKeyFile?: string | undefined;
  username?: string | undefined;
  password?: string | undefined;
  passwordFile?: string | undefined;
}): Record<string, string> {
  const apiKey = readSecret(config.apiKey, config.apiKeyFile, 'apiKey');
  if (apiKey !== undefined) return { Authorization: `ApiKey ${apiKey}` };

  const password = readSecret(config.password, config.passwordFile, 'password');
  if (config.username !== undefined && password !== undefined) {
    return { Authorization: basicAuthorization(config.username, password) };
  }
  return {};
}

export function createElasticsearchSender(
  config: ElasticsearchOutputConfig,
  context: SenderContext,
): Sender {
  const client = new HttpClient({ tls: config.tls, timeoutMs: config.timeoutMs, now: context.now });
  const headers = { 'Content-Type': 'application/x-ndjson', ...elasticsearchAuthorization(config) };
  const query =
    config.pipeline === undefined ? '' : `?pipeline=${encodeURIComponent(config.pipeline)}`;
  const url = joinUrl(config.url, `${encodeURIComponent(dataStreamName(config))}/_bulk${query}`);

  return {
    async send(records, signal) {
      const response = await client.request({
        method: 'POST',
        url,
        body: buildBulkBody(records),
        headers,
        gzip: config.gzip,
        signal,
      });
      if (response.status !== 200) throw client.statusError(response, url);
      return readBulkOutcomes(response, records.length, context.now());
    },
    async close() {
      client.close();
    },
  };
}

function buildBulkBody(records: SpoolRecord[]): string {
  const lines: string[] = [];
  for (const record of records) {
    const json = record.payload.toString('utf8');
    const id = alertDocumentId(JSON.parse(json) as EcsDocument);
    lines.push(`{"create":{"_id":"${id}"}}`, json);
  }
  return `${lines.join('\n')}\n`;
}

interface BulkItemResult {
  status?: number;
  error?: { type?: string; reason?: string };
}

/** One outcome per sent record from a `_bulk` response body. */
export function readBulkOutcomes(
  response: HttpResponse,
  expectedItems: number,
  nowMs: number,
): ItemOutcome[] {
  let items: unknown;
  try {
    items = (JSON.parse(response.body) as { items?: unknown }).items;
  } catch (error) {
    throw new DeliveryError(
      'OUTPUT_BAD_RESPONSE',
      'Elasticsearch sent a _bulk answer that is not JSON',
      {
        cause: error,
      },
    );
  }
  if (!Array.isArray(items) || items.length !== expectedItems) {
    throw new DeliveryError(
      'OUTPUT_BAD_RESPONSE',
      `Elasticsearch answered ${Array.isArray(items) ? items.length : 'no'} bulk items ` +
        `for ${expectedItems} sent`,
    );
  }

  const retryAfterMs = parseRetryAfterMs(response.headers['retry-after'], nowMs);
  return items.map((item: { create?: BulkItemResult }) =>
    itemOutcome(item.create ?? {}, retryAfterMs),
  );
}

function itemOutcome(result: BulkItemResult, retryAfterMs: number | undefined): ItemOutcome {
  const status = result.status ?? 0;
  const isCreatedOrDuplicate = (status >= 200 && status < 300) || status === 409;
  if (isCreatedOrDuplicate) return { kind: 'delivered' };

  const reason = `${result.error?.type ?? 'error'}: ${result.error?.reason ?? `status ${status}`}`;
  if (isRetryableItemStatus(status)) {
    const options = retryAfterMs === undefined ? { status } : { status, retryAfterMs };
    return {
      kind: 'retry',
      error: new DeliveryError(
        'OUTPUT_HTTP_STATUS',
        `Bulk item refused for now (${status}) ${reason}`,
        options,
      ),
    };
  }
  return { kind: 'rejected', reason, status };
}
