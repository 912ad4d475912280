import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { syslogOutputSchema } from '../../src/outputs/config-schema.js';
import type { Delivery } from '../../src/outputs/index.js';
import { OutputCounters } from '../../src/outputs/stats.js';
import { createSyslogSender, formatSyslogFrame, syslogSeverity } from '../../src/outputs/syslog.js';
import { createSilentLogger } from '../../src/shared/logger.js';
import { isRsyslogAvailable, startRsyslog, type RsyslogInstance } from '../support/rsyslog.js';
import { makeTestCertificates, type TestCertificates } from './fixtures/certificates.js';
import { makeAlert, makeAlerts, makeTempDir, startTestDelivery } from './factories.js';

/** The parts of a received alert the assertions look at. */
interface AlertBody {
  event?: { id?: string };
  rule?: { id?: string };
  process?: { executable?: string };
  execwatch?: unknown;
}

const formatOptions = {
  facility: 16,
  hostname: 'mac-01',
  appName: 'execwatch',
  procId: '42',
  maxMessageBytes: 8192,
  nowMs: Date.UTC(2026, 0, 1),
};

function hugeAlert(index: number) {
  return makeAlert(index, {
    process: {
      pid: 1,
      executable: '/bin/sh',
      args: Array.from({ length: 400 }, (_, arg) => `argument-${arg}-${'x'.repeat(40)}`),
    },
  });
}

/** Splits octet-counted frames, checking each length prefix against the bytes that follow. */
function splitFrames(bytes: Buffer): string[] {
  const messages: string[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const space = bytes.indexOf(0x20, offset);
    const length = Number(bytes.subarray(offset, space).toString('ascii'));
    messages.push(bytes.subarray(space + 1, space + 1 + length).toString('utf8'));
    offset = space + 1 + length;
  }
  return messages;
}

describe('formatSyslogFrame', () => {
  it('writes an RFC 5424 message with the alert JSON as MSG behind an exact length prefix', () => {
    const alert = makeAlert(1);

    const got = formatSyslogFrame(JSON.stringify(alert), formatOptions);

    const [message] = splitFrames(got.frame);
    expect(message).toBe(
      `<132>1 ${String(alert['@timestamp'])} mac-01 execwatch 42 alert - ${JSON.stringify(alert)}`,
    );
    expect(got.truncated).toBe(false);
  });

  it('replaces an alert over the cap with a shortened document that parses and says so', () => {
    const alert = hugeAlert(7);
    const json = JSON.stringify(alert);

    const got = formatSyslogFrame(json, formatOptions);

    const [message] = splitFrames(got.frame);
    const body = JSON.parse(
      (message as string).slice((message as string).indexOf('{')),
    ) as AlertBody;
    expect(Buffer.byteLength(message as string)).toBeLessThanOrEqual(8192);
    expect(got.truncated).toBe(true);
    expect(body.execwatch).toEqual({ truncated: true, original_bytes: Buffer.byteLength(json) });
    expect(body.event?.id).toBe('alert-7');
    expect(body.rule?.id).toBe('f53fbc8945200c62');
    expect(body.process?.executable).toBe('/bin/sh');
  });

  it('cuts long strings further when the kept fields alone are too large', () => {
    const alert = makeAlert(2, {
      message: 'm'.repeat(50_000),
      rule: { id: 'r', name: 'n'.repeat(9000) },
    });

    const got = formatSyslogFrame(JSON.stringify(alert), {
      ...formatOptions,
      maxMessageBytes: 2048,
    });

    const [message] = splitFrames(got.frame);
    expect(Buffer.byteLength(message as string)).toBeLessThanOrEqual(2048);
    expect(() =>
      JSON.parse((message as string).slice((message as string).indexOf('{'))),
    ).not.toThrow();
  });

  it('falls back to the current time when @timestamp is not an RFC 5424 timestamp', () => {
    const got = formatSyslogFrame(
      JSON.stringify(makeAlert(1, { '@timestamp': 'yesterday' })),
      formatOptions,
    );

    expect(splitFrames(got.frame)[0]).toContain(' 2026-01-01T00:00:00.000Z mac-01 ');
  });

  it.each([
    { alert: { kibana: { alert: { severity: 'critical' } } }, want: 2 },
    { alert: { kibana: { alert: { severity: 'high' } } }, want: 3 },
    { alert: { kibana: { alert: { severity: 'low' } } }, want: 5 },
    { alert: { event: { risk_score: 80 } }, want: 2 },
    { alert: { event: { risk_score: 21 } }, want: 5 },
    { alert: {}, want: 4 },
  ])('maps severity $alert to syslog severity $want', ({ alert, want }) => {
    expect(syslogSeverity(alert)).toBe(want);
  });
});

// On a developer machine without rsyslog these are skipped; in CI (CI=true) they must run.
const skipSyslog = !isRsyslogAvailable() && process.env.CI !== 'true';

describe.skipIf(skipSyslog)('syslog output against a real rsyslog', () => {
  let directory: { path: string; remove: () => void };
  let certificates: TestCertificates;
  let rsyslog: RsyslogInstance;
  const cleanups: (() => void | Promise<void>)[] = [];

  beforeAll(async () => {
    directory = makeTempDir('rsyslog');
    certificates = makeTestCertificates(directory.path);
    rsyslog = await startRsyslog(directory.path, tlsFiles());
  });

  function tlsFiles() {
    return {
      caFile: certificates.caFile,
      certFile: certificates.serverCertFile,
      keyFile: certificates.serverKeyFile,
    };
  }

  afterAll(async () => {
    await rsyslog?.stop();
    directory?.remove();
  });

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  function startDelivery(output: Record<string, unknown>): Promise<Delivery> {
    return startTestDelivery({ type: 'syslog', host: '127.0.0.1', ...output }, cleanups);
  }

  function receivedFor(
    prefix: string,
  ): { pri: string; app: string; msgid: string; alert: AlertBody }[] {
    return rsyslog
      .messages()
      .map((line) => {
        const [pri, app, msgid] = line.split(' ');
        return {
          pri: pri as string,
          app: app as string,
          msgid: msgid as string,
          alert: JSON.parse(line.slice(line.indexOf('{'))) as AlertBody,
        };
      })
      .filter((entry) => String(entry.alert.event?.id ?? '').startsWith(prefix));
  }

  function alertsWithPrefix(prefix: string, count: number) {
    return makeAlerts(count).map((alert) => ({
      ...alert,
      event: {
        ...(alert['event'] as object),
        id: `${prefix}-${String((alert['event'] as { id: string }).id)}`,
      },
    }));
  }

  it('delivers octet-counted RFC 5424 messages over plain TCP', async () => {
    const before = rsyslog.messages().length;
    const delivery = await startDelivery({ protocol: 'tcp', port: rsyslog.plainPort });

    for (const alert of alertsWithPrefix('tcp', 20)) await delivery.submit(alert);
    await delivery.flush(10_000);
    await rsyslog.untilMessages(before + 20);

    const got = receivedFor('tcp');
    expect(got.map((entry) => entry.alert.event?.id)).toEqual(
      Array.from({ length: 20 }, (_, index) => `tcp-alert-${index}`),
    );
    expect(got[0]).toMatchObject({ pri: '132', app: 'execwatch', msgid: 'alert' });
    expect(got[3]?.alert).toEqual(alertsWithPrefix('tcp', 4)[3]);
    expect(delivery.stats()[0]).toMatchObject({ confirmed: 20, queueDepth: 0 });
  });

  it('shortens an oversized alert and keeps the framing of the messages around it', async () => {
    const before = rsyslog.messages().length;
    const delivery = await startDelivery({
      protocol: 'tcp',
      port: rsyslog.plainPort,
      maxMessageBytes: 4096,
    });
    const huge = { ...hugeAlert(1), event: { id: 'cap-huge' } };

    await delivery.submit({ ...makeAlert(0), event: { id: 'cap-before' } });
    await delivery.submit(huge);
    await delivery.submit({ ...makeAlert(2), event: { id: 'cap-after' } });
    await delivery.flush(10_000);
    await rsyslog.untilMessages(before + 3);

    const got = receivedFor('cap');
    expect(got.map((entry) => entry.alert.event?.id)).toEqual([
      'cap-before',
      'cap-huge',
      'cap-after',
    ]);
    expect(got[1]?.alert.execwatch).toEqual({
      truncated: true,
      original_bytes: Buffer.byteLength(JSON.stringify(huge)),
    });
    expect(delivery.stats()[0]).toMatchObject({ confirmed: 3, truncated: 1 });
  });

  it('delivers over TLS when the configured CA signed the server certificate', async () => {
    const before = rsyslog.messages().length;
    const delivery = await startDelivery({
      protocol: 'tls',
      port: rsyslog.tlsPort,
      tls: { caFile: certificates.caFile },
    });

    for (const alert of alertsWithPrefix('tls', 5)) await delivery.submit(alert);
    await delivery.flush(10_000);
    await rsyslog.untilMessages(before + 5);

    expect(receivedFor('tls').map((entry) => entry.alert.event?.id)).toEqual([
      'tls-alert-0',
      'tls-alert-1',
      'tls-alert-2',
      'tls-alert-3',
      'tls-alert-4',
    ]);
  });

  it(
    'refuses a server whose certificate the configured CA did not sign, ' + 'and keeps retrying',
    async () => {
      const delivery = await startDelivery({
        protocol: 'tls',
        port: rsyslog.tlsPort,
        tls: { caFile: certificates.wrongCaFile },
      });

      for (const alert of alertsWithPrefix('wrongca', 3)) await delivery.submit(alert);
      await delivery.flush(500);
      const got = delivery.stats()[0];

      expect(got).toMatchObject({ confirmed: 0, queueDepth: 3 });
      expect(got?.retried).toBeGreaterThan(0);
      expect(got?.lastError).toMatch(/TLS with 127\.0\.0\.1:\d+ failed/);
      expect(receivedFor('wrongca')).toEqual([]);
    },
  );

  it(
    'reconnects after rsyslog went down and came back, ' + 'delivering what queued meanwhile',
    async () => {
      const before = rsyslog.messages().length;
      const delivery = await startDelivery({ protocol: 'tcp', port: rsyslog.plainPort });
      for (const alert of alertsWithPrefix('outage', 3)) await delivery.submit(alert);
      await delivery.flush(10_000);
      await rsyslog.untilMessages(before + 3);
      const ports = { plain: rsyslog.plainPort, tls: rsyslog.tlsPort };

      await rsyslog.stop();
      for (const alert of alertsWithPrefix('outage', 6).slice(3)) await delivery.submit(alert);
      await delivery.flush(300);
      const whileDown = delivery.stats()[0];
      rsyslog = await startRsyslog(directory.path, tlsFiles(), ports);
      await delivery.flush(10_000);
      await rsyslog.untilMessages(before + 6);

      const got = receivedFor('outage');
      expect(whileDown).toMatchObject({ confirmed: 3, queueDepth: 3 });
      expect(whileDown?.lastError).toMatch(/Cannot connect|Connection to/);
      expect(got.map((entry) => entry.alert.event?.id)).toEqual(
        Array.from({ length: 6 }, (_, index) => `outage-alert-${index}`),
      );
    },
  );

  it('reports a refused connection as a retryable connect failure', async () => {
    const sender = createSyslogSender(
      syslogOutputSchema.parse({ type: 'syslog', host: '127.0.0.1', port: 1, protocol: 'tcp' }),
      {
        name: 'syslog',
        logger: createSilentLogger(),
        counters: new OutputCounters(),
        now: Date.now,
      },
    );

    const got = await sender
      .send(
        [{ seq: 0, payload: Buffer.from(JSON.stringify(makeAlert(0))) }],
        new AbortController().signal,
      )
      .catch((error: unknown) => error);

    expect(got).toMatchObject({ code: 'OUTPUT_CONNECT_FAILED' });
    await sender.close();
  });
});
