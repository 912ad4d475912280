/**
 * The syslog output: RFC 5424 messages over TCP with RFC 6587 octet-counting framing
 * (`<length> <message>`), plain or over TLS (RFC 5425). The alert's JSON is the MSG part;
 * APP-NAME `execwatch`, MSGID `alert`, no structured data; severity from the alert's severity.
 *
 * Size cap: most receivers cut messages at a configured size (rsyslog's default is 8 KiB), which
 * would leave half a JSON document. An alert whose message would exceed `maxMessageBytes` is
 * replaced by a shortened document that still parses — the identifying fields (rule, event,
 * host, process) with long strings cut, plus `execwatch.truncated: true` and the original size —
 * and counted. The length prefix always matches the bytes that follow, so framing never breaks.
 *
 * What "confirmed" means here: syslog over TCP has no application acknowledgement, so a batch
 * counts as delivered when the kernel accepted all its bytes. Bytes in flight when the
 * connection drops can be lost; a dropped connection is noticed (close/end events) and the next
 * batch reconnects. TODO(#5): RELP would give per-message acknowledgement.
 */
import net from 'node:net';
import { hostname as systemHostname } from 'node:os';
import tls from 'node:tls';

import type { EcsDocument, JsonValue } from '../shared/types.js';
import type { SyslogOutputConfig } from './config-schema.js';
import { DeliveryError, translateNetworkError } from './delivery-error.js';
import { isObject, readField, writeField } from './document-fields.js';
import { readPemFile } from './secrets.js';
import { allDelivered, type Sender, type SenderContext } from './sender.js';

export interface SyslogFormatOptions {
  facility: number;
  hostname: string;
  appName: string;
  procId: string;
  maxMessageBytes: number;
  nowMs: number;
}

/** Fields kept in a shortened alert, in order of importance. */
const keptFields = [
  '@timestamp',
  'message',
  'event.id',
  'event.kind',
  'event.category',
  'event.type',
  'event.action',
  'event.severity',
  'event.risk_score',
  'rule.id',
  'rule.uuid',
  'rule.name',
  'kibana.alert.severity',
  'kibana.alert.risk_score',
  'host.name',
  'host.hostname',
  'host.id',
  'user.name',
  'process.entity_id',
  'process.pid',
  'process.name',
  'process.executable',
  'process.parent.pid',
  'process.parent.executable',
  'agent.id',
  'ecs.version',
];

/** One framed message: `<length> <RFC 5424 message>`, and whether the alert was shortened. */
export function formatSyslogFrame(
  alertJson: string,
  options: SyslogFormatOptions,
): { frame: Buffer; truncated: boolean } {
  const alert = JSON.parse(alertJson) as EcsDocument;
  const header = formatHeader(alert, options);
  const budgetBytes = options.maxMessageBytes - Buffer.byteLength(header);

  const fits = Buffer.byteLength(alertJson) <= budgetBytes;
  const body = fits ? alertJson : shortenAlert(alert, Buffer.byteLength(alertJson), budgetBytes);
  const message = Buffer.from(header + body, 'utf8');
  const frame = Buffer.concat([Buffer.from(`${message.length} `, 'ascii'), message]);
  return { frame, truncated: !fits };
}

function formatHeader(alert: EcsDocument, options: SyslogFormatOptions): string {
  const priority = options.facility * 8 + syslogSeverity(alert);
  const timestamp = rfc5424Timestamp(readField(alert, '@timestamp'), options.nowMs);
  const host = headerField(options.hostname, 255);
  const app = headerField(options.appName, 48);
  const procId = headerField(options.procId, 128);
  return `<${priority}>1 ${timestamp} ${host} ${app} ${procId} alert - `;
}

/** Syslog severity from the alert: critical 2, high 3, medium 4, low 5; warning (4) if unknown. */
export function syslogSeverity(alert: EcsDocument): number {
  const label = readField(alert, 'kibana.alert.severity') ?? readField(alert, 'rule.severity');
  if (typeof label === 'string') {
    const byLabel: Record<string, number> = { critical: 2, high: 3, medium: 4, low: 5 };
    return byLabel[label.toLowerCase()] ?? 4;
  }

  const score = readField(alert, 'event.risk_score') ?? readField(alert, 'event.severity');
  if (typeof score !== 'number') return 4;
  if (score >= 74) return 2;
  if (score >= 48) return 3;
  if (score >= 22) return 4;
  return 5;
}

function rfc5424Timestamp(value: JsonValue | undefined, nowMs: number): string {
  const isValid =
    typeof value === 'string' &&
    /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?(Z|[+-]\d\d:\d\d)$/.test(value);
  return isValid ? value : new Date(nowMs).toISOString();
}

/** Printable US-ASCII without spaces, as RFC 5424 header fields require; `-` when empty. */
function headerField(value: string, maxLength: number): string {
  const printable = value.replace(/[^\x21-\x7e]/g, '_').slice(0, maxLength);
  return printable === '' ? '-' : printable;
}

/** A parseable stand-in for an alert too large for the cap (see the module header). */
export function shortenAlert(
  alert: EcsDocument,
  originalBytes: number,
  budgetBytes: number,
): string {
  for (const maxStringLength of [1024, 256, 64, 16]) {
    const shortened: EcsDocument = {};
    for (const name of keptFields) {
      const value = readField(alert, name);
      if (value !== undefined) writeField(shortened, name, cutStrings(value, maxStringLength));
    }
    writeField(shortened, 'execwatch', { truncated: true, original_bytes: originalBytes });

    const json = JSON.stringify(shortened);
    if (Buffer.byteLength(json) <= budgetBytes) return json;
  }
  return JSON.stringify({ execwatch: { truncated: true, original_bytes: originalBytes } });
}

function cutStrings(value: JsonValue, maxLength: number): JsonValue {
  if (typeof value === 'string')
    return value.length <= maxLength ? value : `${value.slice(0, maxLength)}…`;
  if (Array.isArray(value)) return value.slice(0, 8).map((item) => cutStrings(item, maxLength));
  if (isObject(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, cutStrings(item, maxLength)]),
    );
  }
  return value;
}

export function createSyslogSender(config: SyslogOutputConfig, context: SenderContext): Sender {
  const port = config.port ?? (config.protocol === 'tls' ? 6514 : 601);
  const target = `${config.host}:${port}`;
  const tlsOptions = config.protocol === 'tls' ? readTlsOptions(config) : undefined;
  const formatOptions = {
    facility: config.facility,
    hostname: config.hostname ?? systemHostname(),
    appName: config.appName,
    procId: String(process.pid),
    maxMessageBytes: config.maxMessageBytes,
  };
  let socket: net.Socket | undefined;

  const connect = (signal: AbortSignal): Promise<net.Socket> =>
    openConnection({
      host: config.host,
      port,
      target,
      tlsOptions,
      timeoutMs: config.timeoutMs,
      signal,
    });

  return {
    async send(records, signal) {
      const formatted = records.map((record) =>
        formatSyslogFrame(record.payload.toString('utf8'), {
          ...formatOptions,
          nowMs: context.now(),
        }),
      );
      if (socket === undefined || socket.destroyed) {
        socket = await connect(signal);
        socket.once('close', () => (socket = undefined));
      }

      try {
        await writeAll(
          socket,
          Buffer.concat(formatted.map((item) => item.frame)),
          config.timeoutMs,
          target,
        );
      } catch (error) {
        socket?.destroy();
        socket = undefined;
        throw error;
      }
      context.counters.truncated += formatted.filter((item) => item.truncated).length;
      return allDelivered(records);
    },
    async close() {
      if (socket === undefined) return;
      const closing = socket;
      socket = undefined;
      await new Promise<void>((resolve) => closing.end(resolve));
      closing.destroy();
    },
  };
}

function readTlsOptions(config: SyslogOutputConfig): tls.ConnectionOptions {
  const options: tls.ConnectionOptions = { rejectUnauthorized: config.tls.verify };
  const ca = readPemFile(config.tls.caFile, 'tls.caFile');
  const cert = readPemFile(config.tls.certFile, 'tls.certFile');
  const key = readPemFile(config.tls.keyFile, 'tls.keyFile');
  if (ca !== undefined) options.ca = ca;
  if (cert !== undefined) options.cert = cert;
  if (key !== undefined) options.key = key;
  const serverName =
    config.tls.serverName ?? (net.isIP(config.host) === 0 ? config.host : undefined);
  if (serverName !== undefined) options.servername = serverName;
  return options;
}

interface ConnectionRequest {
  host: string;
  port: number;
  target: string;
  tlsOptions: tls.ConnectionOptions | undefined;
  timeoutMs: number;
  signal: AbortSignal;
}

/** A connected (and for TLS, verified) socket, or a DeliveryError. */
function openConnection(request: ConnectionRequest): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const { host, port } = request;
    const socket =
      request.tlsOptions === undefined
        ? net.connect({ host, port })
        : tls.connect({ ...request.tlsOptions, host, port });
    const readyEvent = request.tlsOptions === undefined ? 'connect' : 'secureConnect';

    const fail = (error: unknown): void => {
      cleanup();
      socket.destroy();
      reject(translateNetworkError(error, request.target));
    };
    const onTimeout = (): void =>
      fail(new DeliveryError('OUTPUT_TIMEOUT', `No connection to ${request.target} in time`));
    const onAbort = (): void => fail(new DeliveryError('OUTPUT_TIMEOUT', 'Delivery stopped'));
    const onReady = (): void => {
      cleanup();
      socket.setTimeout(0);
      socket.on('error', () => socket.destroy());
      socket.on('end', () => socket.destroy());
      resolve(socket);
    };
    const cleanup = (): void => {
      socket.off('error', fail);
      socket.off('timeout', onTimeout);
      socket.off(readyEvent, onReady);
      request.signal.removeEventListener('abort', onAbort);
    };

    socket.setTimeout(request.timeoutMs);
    socket.once('error', fail);
    socket.once('timeout', onTimeout);
    socket.once(readyEvent, onReady);
    request.signal.addEventListener('abort', onAbort, { once: true });
  });
}

function writeAll(
  socket: net.Socket,
  bytes: Buffer,
  timeoutMs: number,
  target: string,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new DeliveryError('OUTPUT_TIMEOUT', `Writing to ${target} did not finish in time`));
    }, timeoutMs);
    socket.write(bytes, (error) => {
      clearTimeout(timer);
      if (error === undefined || error === null) resolve();
      else reject(translateNetworkError(error, target));
    });
  });
}
