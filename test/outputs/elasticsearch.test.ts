import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import {
  elasticsearchOutputSchema,
  type ElasticsearchOutputConfig,
} from '../../src/outputs/config-schema.js';
import { DeliveryError } from '../../src/outputs/delivery-error.js';
import { alertDocumentId, createElasticsearchSender } from '../../src/outputs/elasticsearch.js';
import { createDelivery, type Delivery } from '../../src/outputs/index.js';
import type { SpoolRecord } from '../../src/outputs/spool.js';
import { OutputCounters } from '../../src/outputs/stats.js';
import { createSilentLogger } from '../../src/shared/logger.js';
import { makeTestCertificates, type TestCertificates } from './fixtures/certificates.js';
import { FakeElasticsearch } from './fixtures/fake-elasticsearch.js';
import { makeAlert, makeAlerts, makeTempDir } from './factories.js';

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

let certificates: TestCertificates;
let removeCertificates: () => void;
beforeAll(() => {
  const directory = makeTempDir('es-pki');
  removeCertificates = directory.remove;
  certificates = makeTestCertificates(directory.path);
});
afterAll(() => removeCertificates());

async function startElasticsearch(
  options: ConstructorParameters<typeof FakeElasticsearch>[0] = {},
) {
  const elasticsearch = await new FakeElasticsearch(options).start();
  cleanups.push(() => elasticsearch.server.stop());
  return elasticsearch;
}

function outputConfig(
  url: string,
  overrides: Record<string, unknown> = {},
): ElasticsearchOutputConfig {
  return elasticsearchOutputSchema.parse({
    type: 'elasticsearch',
    url,
    timeoutMs: 2000,
    maxBatchEvents: 20,
    flushIntervalMs: 10,
    retry: { initialDelayMs: 10, maxDelayMs: 40 },
    ...overrides,
  });
}

function records(count: number, first = 0): SpoolRecord[] {
  return makeAlerts(count, first).map((alert, index) => ({
    seq: index,
    payload: Buffer.from(JSON.stringify(alert)),
  }));
}

function senderFor(config: ElasticsearchOutputConfig) {
  const sender = createElasticsearchSender(config, {
    name: 'elasticsearch',
    logger: createSilentLogger(),
    counters: new OutputCounters(),
    now: Date.now,
  });
  cleanups.push(() => sender.close());
  return sender;
}

async function startDelivery(
  config: Record<string, unknown>,
): Promise<{ delivery: Delivery; spool: string }> {
  const spool = makeTempDir('es-spool');
  const delivery = createDelivery({
    outputs: [{ type: 'elasticsearch', ...config } as never],
    spool: { directory: spool.path, fsync: 'never' },
    logger: createSilentLogger(),
    statsIntervalMs: 0,
  });
  cleanups.push(spool.remove, () => delivery.close(1000));
  await delivery.start();
  return { delivery, spool: spool.path };
}

async function sendError(promise: Promise<unknown>): Promise<DeliveryError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(DeliveryError);
  return error as DeliveryError;
}

describe('alertDocumentId', () => {
  it('is the same for the same event.id, whatever else changed', () => {
    const got = alertDocumentId(makeAlert(1, { message: 'changed' }));
    const want = alertDocumentId(makeAlert(1));

    expect(got).toBe(want);
    expect(got).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });

  it('differs between alerts', () => {
    expect(alertDocumentId(makeAlert(1))).not.toBe(alertDocumentId(makeAlert(2)));
  });

  it('falls back to a hash of the canonical JSON, independent of key order', () => {
    const got = alertDocumentId({ b: 1, a: { y: 2, x: 3 } });
    const want = alertDocumentId({ a: { x: 3, y: 2 }, b: 1 });

    expect(got).toBe(want);
  });

  it('reads dotted keys too', () => {
    const dotted = { 'event.id': 'alert-1', 'rule.id': 'f53fbc8945200c62' };

    expect(alertDocumentId(dotted)).toBe(alertDocumentId(makeAlert(1)));
  });

  it('gives one event matched by two rules two ids', () => {
    const got = alertDocumentId(makeAlert(1, { rule: { id: 'other-rule' } }));

    expect(got).not.toBe(alertDocumentId(makeAlert(1)));
  });

  it('prefers kibana.alert.uuid when the alert has one', () => {
    const got = alertDocumentId(makeAlert(1, { kibana: { alert: { uuid: 'u-1' } } }));
    const want = alertDocumentId(makeAlert(2, { kibana: { alert: { uuid: 'u-1' } } }));

    expect(got).toBe(want);
  });
});

describe('elasticsearch output', () => {
  it(
    'bulk-creates every alert into the data stream ' + 'with gzip, API key and deterministic ids',
    async () => {
      const elasticsearch = await startElasticsearch();
      const keyFile = join(certificates.directory, 'api-key');
      writeFileSync(keyFile, 'c2VjcmV0OmtleQ==\n');
      const { delivery } = await startDelivery({
        url: elasticsearch.url,
        apiKeyFile: keyFile,
        maxBatchEvents: 20,
        flushIntervalMs: 10,
      });

      for (const alert of makeAlerts(50)) await delivery.submit(alert);
      await delivery.flush(10_000);

      const got = [...elasticsearch.documents.values()];
      const firstRequest = elasticsearch.server.requests[0];
      expect(got).toHaveLength(50);
      expect(new Set(got.map((stored) => stored.index))).toEqual(
        new Set(['logs-execwatch.alerts-default']),
      );
      expect(got.map((stored) => stored.id)).toEqual(makeAlerts(50).map(alertDocumentId));
      expect(firstRequest?.headers['content-encoding']).toBe('gzip');
      expect(firstRequest?.headers['authorization']).toBe('ApiKey c2VjcmV0OmtleQ==');
      expect(firstRequest?.headers['content-type']).toBe('application/x-ndjson');
      expect(delivery.stats()[0]).toMatchObject({ confirmed: 50, queueDepth: 0, deadLettered: 0 });
    },
  );

  it(
    'settles a partial bulk failure per item: ' + '409 delivered, 400 dead-lettered, 429 resent',
    async () => {
      const elasticsearch = await startElasticsearch();
      const faultedOnce = new Set<string>();
      const onceThen = (id: string, status: number): number | undefined => {
        if (faultedOnce.has(id)) return undefined;
        faultedOnce.add(id);
        return status;
      };
      elasticsearch.documents.set(alertDocumentId(makeAlert(3)), {
        index: 'x',
        id: 'pre',
        document: {},
      });
      elasticsearch.itemFault = (document) => {
        const id = (document['event'] as { id: string }).id;
        if (id === 'alert-1') return 400;
        if (id === 'alert-2') return onceThen(id, 429);
        if (id === 'alert-4') return onceThen(id, 503);
        return undefined;
      };
      const { delivery, spool } = await startDelivery({
        url: elasticsearch.url,
        namespace: 'prod',
        flushIntervalMs: 50,
      });

      for (const alert of makeAlerts(6)) await delivery.submit(alert);
      await delivery.flush(10_000);

      const stored = [...elasticsearch.documents.values()].filter((entry) => entry.index !== 'x');
      const deadLetters = readFileSync(join(spool, 'dead-letter', 'elasticsearch.ndjson'), 'utf8')
        .trim()
        .split('\n');
      const bulkBodies = elasticsearch.server.requests.map(
        (request) => request.body.split('\n').filter(Boolean).length / 2,
      );
      expect(stored.map((entry) => (entry.document['event'] as { id: string }).id).sort()).toEqual([
        'alert-0',
        'alert-2',
        'alert-4',
        'alert-5',
      ]);
      expect(stored.every((entry) => entry.index === 'logs-execwatch.alerts-prod')).toBe(true);
      expect(deadLetters).toHaveLength(1);
      expect(JSON.parse(deadLetters[0] as string)).toMatchObject({
        output: 'elasticsearch',
        status: 400,
        reason: 'fault_400: injected by the test',
        alert: { event: { id: 'alert-1' } },
      });
      expect(bulkBodies).toEqual([6, 2]);
      expect(delivery.stats()[0]).toMatchObject({
        sent: 8,
        confirmed: 5,
        retried: 2,
        deadLettered: 1,
        queueDepth: 0,
      });
    },
  );

  it(
    'keeps retrying while the cluster refuses connections ' + 'and delivers once it is back',
    async () => {
      const elasticsearch = await startElasticsearch();
      const port = elasticsearch.server.port;
      await elasticsearch.server.stop();
      const { delivery } = await startDelivery({ url: `http://127.0.0.1:${port}` });

      for (const alert of makeAlerts(10)) await delivery.submit(alert);
      await delivery.flush(300);
      const whileDown = delivery.stats()[0];
      await elasticsearch.server.start();
      await delivery.flush(10_000);

      expect(whileDown).toMatchObject({ confirmed: 0, queueDepth: 10 });
      expect(whileDown?.retried).toBeGreaterThan(0);
      expect(whileDown?.lastError).toMatch(/Cannot connect/);
      expect(elasticsearch.documents.size).toBe(10);
      expect(delivery.stats()[0]).toMatchObject({ confirmed: 10, queueDepth: 0 });
    },
  );

  it('resends a batch whose connection was reset mid-request, without duplicates', async () => {
    const elasticsearch = await startElasticsearch();
    elasticsearch.server.inject(
      { kind: 'reset' },
      { kind: 'status', status: 500, body: '{"error":"boom"}' },
    );
    const { delivery } = await startDelivery({ url: elasticsearch.url });

    for (const alert of makeAlerts(5)) await delivery.submit(alert);
    await delivery.flush(10_000);

    expect(elasticsearch.server.requests).toHaveLength(3);
    expect(elasticsearch.documents.size).toBe(5);
    expect(delivery.stats()[0]).toMatchObject({ sent: 15, retried: 10, confirmed: 5 });
  });

  it.each([
    { name: 'connection refused', code: 'OUTPUT_CONNECT_FAILED' },
    { name: 'reset mid-request', code: 'OUTPUT_CONNECTION_LOST' },
    { name: 'slow response', code: 'OUTPUT_TIMEOUT' },
  ])('reports $name as $code', async ({ name, code }) => {
    const elasticsearch = await startElasticsearch();
    if (name === 'connection refused') await elasticsearch.server.stop();
    if (name === 'reset mid-request') elasticsearch.server.inject({ kind: 'reset' });
    if (name === 'slow response') elasticsearch.server.inject({ kind: 'hang' });
    const sender = senderFor(outputConfig(elasticsearch.url, { timeoutMs: 200 }));

    const got = await sendError(sender.send(records(2), new AbortController().signal));

    expect(got.code).toBe(code);
    expect(got.status).toBeUndefined();
  });

  it.each([
    { header: '7', want: 7000 },
    { header: undefined, want: undefined },
  ])('passes a 429 with Retry-After $header on as $want ms', async ({ header, want }) => {
    const elasticsearch = await startElasticsearch();
    const headers = header === undefined ? {} : { 'Retry-After': header };
    elasticsearch.server.inject({
      kind: 'status',
      status: 429,
      headers,
      body: '{"error":"too many"}',
    });
    const sender = senderFor(outputConfig(elasticsearch.url));

    const got = await sendError(sender.send(records(1), new AbortController().signal));

    expect(got).toMatchObject({ code: 'OUTPUT_HTTP_STATUS', status: 429, retryAfterMs: want });
  });

  it('sends basic auth when a username and password file are given', async () => {
    const elasticsearch = await startElasticsearch();
    const passwordFile = join(certificates.directory, 'password');
    writeFileSync(passwordFile, 'changeme\n');
    const sender = senderFor(
      outputConfig(elasticsearch.url, { username: 'elastic', passwordFile, gzip: false }),
    );

    await sender.send(records(1), new AbortController().signal);

    const got = elasticsearch.server.requests[0]?.headers;
    expect(got?.['authorization']).toBe(
      `Basic ${Buffer.from('elastic:changeme').toString('base64')}`,
    );
    expect(got?.['content-encoding']).toBeUndefined();
  });
});

describe('elasticsearch output over TLS', () => {
  function tlsServerOptions(requireClientCert: boolean) {
    return {
      cert: certificates.read(certificates.serverCertFile),
      key: certificates.read(certificates.serverKeyFile),
      ca: certificates.read(certificates.caFile),
      requestCert: requireClientCert,
      rejectUnauthorized: requireClientCert,
    };
  }

  it('delivers to a cluster whose certificate the configured CA signed', async () => {
    const elasticsearch = await startElasticsearch({ tls: tlsServerOptions(false) });
    const sender = senderFor(
      outputConfig(elasticsearch.url, { tls: { caFile: certificates.caFile } }),
    );

    const got = await sender.send(records(2), new AbortController().signal);

    expect(got).toEqual([{ kind: 'delivered' }, { kind: 'delivered' }]);
  });

  it.each([
    { name: 'no CA given (system CAs only)', tls: {} },
    { name: 'the wrong CA', tls: { caFile: 'wrong' } },
  ])('refuses the cluster certificate with $name', async ({ tls }) => {
    const elasticsearch = await startElasticsearch({ tls: tlsServerOptions(false) });
    const caFile = tls.caFile === undefined ? {} : { caFile: certificates.wrongCaFile };
    const sender = senderFor(outputConfig(elasticsearch.url, { tls: caFile }));

    const got = await sendError(sender.send(records(1), new AbortController().signal));

    expect(got.code).toBe('OUTPUT_TLS_FAILED');
    expect(elasticsearch.documents.size).toBe(0);
  });

  it('presents the client certificate to a cluster that requires one', async () => {
    const elasticsearch = await startElasticsearch({ tls: tlsServerOptions(true) });
    const withCert = senderFor(
      outputConfig(elasticsearch.url, {
        tls: {
          caFile: certificates.caFile,
          certFile: certificates.clientCertFile,
          keyFile: certificates.clientKeyFile,
        },
      }),
    );
    const withoutCert = senderFor(
      outputConfig(elasticsearch.url, { tls: { caFile: certificates.caFile } }),
    );

    const delivered = await withCert.send(records(1), new AbortController().signal);
    const refused = await sendError(withoutCert.send(records(1, 1), new AbortController().signal));

    expect(delivered).toEqual([{ kind: 'delivered' }]);
    expect(refused.code).not.toBe('OUTPUT_HTTP_STATUS');
    expect(elasticsearch.documents.size).toBe(1);
  });
});
