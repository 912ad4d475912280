/**
 * The HTTP layer shared by the Elasticsearch, HTTP and Splunk outputs (and `setup`): axios with
 * keep-alive agents, TLS from the output's settings (verification on unless turned off), gzip
 * request bodies on demand, a timeout per request, and failures translated to DeliveryError.
 * Every status comes back to the caller, which decides what it means for its protocol.
 *
 * Proxies from the environment are ignored (`proxy: false`): an agent run by launchd has no such
 * environment, and tests must not be routed elsewhere. TODO(#5): a `proxy` option per output.
 */
import http from 'node:http';
import https from 'node:https';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';

import axios, { type AxiosInstance } from 'axios';

import type { TlsConfig } from './config-schema.js';
import { DeliveryError, translateNetworkError } from './delivery-error.js';
import { parseRetryAfterMs } from './retry-policy.js';
import { readPemFile } from './secrets.js';

const gzipAsync = promisify(gzip);

export interface HttpClientOptions {
  tls: TlsConfig;
  timeoutMs: number;
  now?: () => number;
}

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT';
  url: string;
  body?: string | Buffer;
  headers?: Record<string, string>;
  gzip?: boolean;
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | undefined>;
  body: string;
}

export class HttpClient {
  private readonly axios: AxiosInstance;
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;
  private readonly now: () => number;

  constructor(options: HttpClientOptions) {
    this.now = options.now ?? Date.now;
    this.httpAgent = new http.Agent({ keepAlive: true });
    this.httpsAgent = new https.Agent({
      keepAlive: true,
      rejectUnauthorized: options.tls.verify,
      ...definedOnly({
        ca: readPemFile(options.tls.caFile, 'tls.caFile'),
        cert: readPemFile(options.tls.certFile, 'tls.certFile'),
        key: readPemFile(options.tls.keyFile, 'tls.keyFile'),
        servername: options.tls.serverName,
      }),
    });
    this.axios = axios.create({
      timeout: options.timeoutMs,
      httpAgent: this.httpAgent,
      httpsAgent: this.httpsAgent,
      proxy: false,
      maxBodyLength: Infinity,
      maxContentLength: Infinity,
      responseType: 'text',
      // Bodies are sent as given: axios would re-encode a string body that is not one JSON value
      // (HEC's concatenated events) as a JSON string.
      transformRequest: (data: unknown) => data,
      transformResponse: (data: unknown) => data,
      validateStatus: () => true,
    });
  }

  /** Sends one request; resolves with any status, throws DeliveryError when there was none. */
  async request(request: HttpRequest): Promise<HttpResponse> {
    const headers = { ...request.headers };
    let body = request.body;
    if (request.gzip === true && body !== undefined) {
      body = await gzipAsync(body);
      headers['Content-Encoding'] = 'gzip';
    }

    try {
      const response = await this.axios.request<string>({
        method: request.method,
        url: request.url,
        headers,
        data: body,
        ...definedOnly({ signal: request.signal }),
      });
      return {
        status: response.status,
        headers: Object.fromEntries(
          Object.entries(response.headers).map(([name, value]) => [name, headerText(value)]),
        ),
        body: typeof response.data === 'string' ? response.data : '',
      };
    } catch (error) {
      throw translateNetworkError(error, hostOf(request.url));
    }
  }

  /** A DeliveryError for a status that is not success, with Retry-After when given. */
  statusError(response: HttpResponse, url: string): DeliveryError {
    const retryAfterMs = parseRetryAfterMs(response.headers['retry-after'], this.now());
    const snippet = response.body.slice(0, 300).replace(/\s+/g, ' ');
    return new DeliveryError(
      'OUTPUT_HTTP_STATUS',
      `${hostOf(url)} answered HTTP ${response.status}${snippet === '' ? '' : `: ${snippet}`}`,
      retryAfterMs === undefined
        ? { status: response.status }
        : { status: response.status, retryAfterMs },
    );
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}

export function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** Joins a base URL and a path without doubling or losing the slash. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

function headerText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  return Array.isArray(value) ? value.join(', ') : String(value);
}

/** Drops undefined members, for options objects under exactOptionalPropertyTypes. */
function definedOnly<T extends Record<string, unknown>>(object: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(object).filter(([, value]) => value !== undefined),
  ) as Partial<T>;
}
