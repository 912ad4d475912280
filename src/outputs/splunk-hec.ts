/**
 * The Splunk output: HTTP Event Collector, `POST /services/collector/event`, `Authorization:
 * Splunk <token>`, a batch as concatenated event objects (`{"time", "host", "source",
 * "sourcetype", "index", "event": <alert>}`), `time` taken from the alert's `@timestamp`.
 *
 * HEC answers 200 for the whole batch, or 400 with `invalid-event-number` when one event was
 * malformed; the events before it were indexed, that one is refused (dead-lettered) and the
 * rest are sent again. Other statuses go to the retry policy (503 "server busy" is retried).
 * Indexer acknowledgement (channels and /services/collector/ack) is not used:
 * TODO(#5): with useACK on, confirm only after the ack endpoint reports the batch indexed.
 */
import { hostname } from 'node:os';

import type { EcsDocument } from '../shared/types.js';
import type { SplunkOutputConfig } from './config-schema.js';
import { DeliveryError } from './delivery-error.js';
import { readString } from './document-fields.js';
import { HttpClient, joinUrl, type HttpResponse } from './http-client.js';
import { readSecret } from './secrets.js';
import { allDelivered, type Sender, type SenderContext } from './sender.js';
import type { SpoolRecord } from './spool.js';
import type { ItemOutcome } from './with-retry.js';

export function createSplunkSender(config: SplunkOutputConfig, context: SenderContext): Sender {
  const client = new HttpClient({ tls: config.tls, timeoutMs: config.timeoutMs, now: context.now });
  const token = readSecret(config.token, config.tokenFile, 'token');
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (token !== undefined) headers['Authorization'] = `Splunk ${token}`;
  const url = joinUrl(config.url, 'services/collector/event');

  return {
    async send(records, signal) {
      const body = records
        .map((record) => formatHecEvent(record, config, context.now()))
        .join('\n');
      const response = await client.request({
        method: 'POST',
        url,
        body,
        headers,
        gzip: config.gzip,
        signal,
      });
      if (response.status === 200) return allDelivered(records);

      const partial = readInvalidEvent(response, records.length);
      if (partial !== undefined) return partial;
      throw client.statusError(response, url);
    },
    async close() {
      client.close();
    },
  };
}

/** One HEC event envelope around a spooled alert (the alert bytes are embedded unchanged). */
export function formatHecEvent(
  record: SpoolRecord,
  config: SplunkOutputConfig,
  nowMs: number,
): string {
  const json = record.payload.toString('utf8');
  const timestamp = readString(JSON.parse(json) as EcsDocument, '@timestamp');
  const parsedMs = timestamp === undefined ? Number.NaN : Date.parse(timestamp);
  const timeSeconds = (Number.isNaN(parsedMs) ? nowMs : parsedMs) / 1000;

  const envelope: Record<string, string | number> = {
    time: timeSeconds,
    host: config.host ?? hostname(),
    source: config.source,
    sourcetype: config.sourcetype,
  };
  if (config.index !== undefined) envelope['index'] = config.index;
  return `${JSON.stringify(envelope).slice(0, -1)},"event":${json}}`;
}

function readInvalidEvent(response: HttpResponse, sent: number): ItemOutcome[] | undefined {
  if (response.status !== 400) return undefined;
  let answer: { text?: unknown; code?: unknown; 'invalid-event-number'?: unknown };
  try {
    answer = JSON.parse(response.body) as typeof answer;
  } catch {
    return undefined;
  }

  const invalid = answer['invalid-event-number'];
  if (typeof invalid !== 'number' || invalid < 0 || invalid >= sent) return undefined;
  const reason = `HEC code ${String(answer.code)}: ${String(answer.text)}`;
  const resend = new DeliveryError('OUTPUT_HTTP_STATUS', 'Sent after an invalid event; resending', {
    status: 503,
  });
  return Array.from({ length: sent }, (_, index): ItemOutcome => {
    if (index < invalid) return { kind: 'delivered' };
    if (index === invalid) return { kind: 'rejected', reason, status: 400 };
    return { kind: 'retry', error: resend };
  });
}
