import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { httpOutputSchema, splunkOutputSchema } from '../../src/outputs/config-schema.js';
import { DeliveryError } from '../../src/outputs/delivery-error.js';
import { createHttpSender } from '../../src/outputs/http-ndjson.js';
import type { Delivery } from '../../src/outputs/index.js';
import type { Sender } from '../../src/outputs/sender.js';
import { createSplunkSender } from '../../src/outputs/splunk-hec.js';
import type { SpoolRecord } from '../../src/outputs/spool.js';
import { OutputCounters } from '../../src/outputs/stats.js';
import { createSilentLogger } from '../../src/shared/logger.js';
import {
  CollectorServer,
  type HandlerAnswer,
  type ReceivedRequest,
} from './fixtures/collector-server.js';
import { eventIds, makeAlerts, makeTempDir, startTestDelivery } from './factories.js';

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startCollector(
  handle: (request: ReceivedRequest) => HandlerAnswer = () => ({ status: 200, body: '{}' }),
) {
  const server = await new CollectorServer(handle).start();
  cleanups.push(() => server.stop());
  return server;
}

function records(count: number, first = 0): SpoolRecord[] {
  return makeAlerts(count, first).map((alert, index) => ({
    seq: index,
    payload: Buffer.from(JSON.stringify(alert)),
  }));
}

const senderContext = () => ({
  name: 'test',
  logger: createSilentLogger(),
  counters: new OutputCounters(),
  now: Date.now,
});

function track(sender: Sender): Sender {
  cleanups.push(() => sender.close());
  return sender;
}

function startDelivery(output: Record<string, unknown>): Promise<Delivery> {
  return startTestDelivery(output, cleanups);
}

function ndjsonLines(body: string): Record<string, unknown>[] {
  return body
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('http output', () => {
  it('posts each batch as NDJSON with the configured headers and bearer token', async () => {
    const collector = await startCollector();
    const tokenDirectory = makeTempDir('token');
    cleanups.push(tokenDirectory.remove);
    const tokenFile = join(tokenDirectory.path, 'token');
    writeFileSync(tokenFile, 'abc123\n');
    const delivery = await startDelivery({
      type: 'http',
      url: `${collector.url}/ingest`,
      headers: { 'X-Fleet': 'blue' },
      bearerTokenFile: tokenFile,
      gzip: true,
      maxBatchEvents: 4,
    });

    for (const alert of makeAlerts(10)) await delivery.submit(alert);
    await delivery.flush(10_000);

    const got = collector.requests.flatMap((request) => ndjsonLines(request.body));
    const first = collector.requests[0];
    expect(eventIds(got as never)).toEqual(eventIds(makeAlerts(10)));
    expect(collector.requests.map((request) => ndjsonLines(request.body).length)).toEqual([
      4, 4, 2,
    ]);
    expect(first).toMatchObject({ method: 'POST', url: '/ingest' });
    expect(first?.headers).toMatchObject({
      'x-fleet': 'blue',
      authorization: 'Bearer abc123',
      'content-type': 'application/x-ndjson',
      'content-encoding': 'gzip',
    });
  });

  it('retries after a 500 and a reset, then delivers the batch once', async () => {
    const collector = await startCollector();
    collector.inject({ kind: 'status', status: 500 }, { kind: 'reset' });
    const delivery = await startDelivery({
      type: 'http',
      url: collector.url,
      username: 'u',
      password: 'p',
    });

    for (const alert of makeAlerts(3)) await delivery.submit(alert);
    await delivery.flush(10_000);

    expect(collector.requests).toHaveLength(3);
    expect(collector.requests[0]?.headers['authorization']).toBe(
      `Basic ${Buffer.from('u:p').toString('base64')}`,
    );
    expect(delivery.stats()[0]).toMatchObject({ confirmed: 3, retried: 6, queueDepth: 0 });
  });

  it.each([
    { status: 400, retryable: false },
    { status: 413, retryable: false },
    { status: 503, retryable: true },
  ])('throws a DeliveryError carrying HTTP $status', async ({ status }) => {
    const collector = await startCollector(() => ({ status, body: 'nope' }));
    const sender = track(
      createHttpSender(
        httpOutputSchema.parse({ type: 'http', url: collector.url }),
        senderContext(),
      ),
    );

    const got = await sender
      .send(records(1), new AbortController().signal)
      .catch((error: unknown) => error);

    expect(got).toBeInstanceOf(DeliveryError);
    expect(got).toMatchObject({ code: 'OUTPUT_HTTP_STATUS', status });
  });
});

/** A HEC that checks the token and that every event is a JSON object with an `event`. */
function hecHandler(request: ReceivedRequest): HandlerAnswer {
  if (!String(request.headers['authorization']).startsWith('Splunk ')) {
    return { status: 401, body: '{"text":"Token is required","code":2}' };
  }
  const lines = request.body.split('\n');
  for (const [index, line] of lines.entries()) {
    let event: unknown;
    try {
      event = JSON.parse(line);
    } catch {
      event = undefined;
    }
    if (typeof event !== 'object' || event === null || !('event' in event)) {
      return {
        status: 400,
        body: `{"text":"Invalid data format","code":6,"invalid-event-number":${index}}`,
      };
    }
  }
  return { status: 200, body: '{"text":"Success","code":0}' };
}

describe('splunk output', () => {
  function splunkConfig(url: string, overrides: Record<string, unknown> = {}) {
    return splunkOutputSchema.parse({
      type: 'splunk',
      url,
      token: 'hec-token',
      index: 'security',
      host: 'mac-01',
      ...overrides,
    });
  }

  it('posts batched events to /services/collector/event with the Splunk token', async () => {
    const collector = await startCollector(hecHandler);
    const sender = track(createSplunkSender(splunkConfig(collector.url), senderContext()));

    const got = await sender.send(records(3), new AbortController().signal);

    const request = collector.requests[0];
    const events = ndjsonLines(request?.body ?? '');
    expect(got).toEqual([{ kind: 'delivered' }, { kind: 'delivered' }, { kind: 'delivered' }]);
    expect(request).toMatchObject({ method: 'POST', url: '/services/collector/event' });
    expect(request?.headers['authorization']).toBe('Splunk hec-token');
    expect(events[0]).toEqual({
      time: Date.UTC(2026, 0, 2, 3, 4, 5) / 1000,
      host: 'mac-01',
      source: 'execwatch',
      sourcetype: 'execwatch:alert',
      index: 'security',
      event: makeAlerts(1)[0],
    });
  });

  it('delivers the events before an invalid one, refuses it, and resends the rest', async () => {
    const collector = await startCollector(hecHandler);
    collector.inject({
      kind: 'status',
      status: 400,
      body: '{"text":"Invalid data format","code":6,"invalid-event-number":1}',
    });
    const delivery = await startDelivery({ type: 'splunk', url: collector.url, token: 't' });

    for (const alert of makeAlerts(3)) await delivery.submit(alert);
    await delivery.flush(10_000);

    const resent = ndjsonLines(collector.requests[1]?.body ?? '').map((event) => event['event']);
    expect(resent).toEqual([makeAlerts(3)[2]]);
    expect(delivery.stats()[0]).toMatchObject({
      confirmed: 2,
      deadLettered: 1,
      retried: 1,
      queueDepth: 0,
    });
  });

  it('retries while HEC is busy (503) or the token is refused (403), then delivers', async () => {
    const collector = await startCollector(hecHandler);
    collector.inject(
      { kind: 'status', status: 503, body: '{"text":"Server is busy","code":9}' },
      { kind: 'status', status: 403, body: '{"text":"Invalid token","code":4}' },
    );
    const delivery = await startDelivery({ type: 'splunk', url: collector.url, token: 't' });

    for (const alert of makeAlerts(2)) await delivery.submit(alert);
    await delivery.flush(10_000);

    expect(collector.requests).toHaveLength(3);
    expect(delivery.stats()[0]).toMatchObject({ confirmed: 2, retried: 4, deadLettered: 0 });
  });

  it('gives up on a slow HEC after timeoutMs with a timeout error', async () => {
    const collector = await startCollector();
    collector.inject({ kind: 'hang' });
    const sender = track(
      createSplunkSender(splunkConfig(collector.url, { timeoutMs: 200 }), senderContext()),
    );

    const got = await sender
      .send(records(1), new AbortController().signal)
      .catch((error: unknown) => error);

    expect(got).toMatchObject({ code: 'OUTPUT_TIMEOUT' });
  });
});
