/**
 * The generic HTTP output: a batch is one request whose body is NDJSON (one alert per line), for
 * Logstash's http input, Vector, Fluent Bit, Cribl and the like. Any 2xx means the whole batch
 * was taken; other statuses go to the retry policy. Auth: basic, bearer token, or any headers.
 */
import type { HttpOutputConfig } from './config-schema.js';
import { HttpClient, isSuccess } from './http-client.js';
import { basicAuthorization, readSecret } from './secrets.js';
import { allDelivered, type Sender, type SenderContext } from './sender.js';

export function createHttpSender(config: HttpOutputConfig, context: SenderContext): Sender {
  const client = new HttpClient({ tls: config.tls, timeoutMs: config.timeoutMs, now: context.now });
  const headers = {
    'Content-Type': 'application/x-ndjson',
    ...authorization(config),
    ...config.headers,
  };

  return {
    async send(records, signal) {
      const body = `${records.map((record) => record.payload.toString('utf8')).join('\n')}\n`;
      const response = await client.request({
        method: config.method,
        url: config.url,
        body,
        headers,
        gzip: config.gzip,
        signal,
      });
      if (!isSuccess(response.status)) throw client.statusError(response, config.url);
      return allDelivered(records);
    },
    async close() {
      client.close();
    },
  };
}

function authorization(config: HttpOutputConfig): Record<string, string> {
  const token = readSecret(config.bearerToken, config.bearerTokenFile, 'bearerToken');
  if (token !== undefined) return { Authorization: `Bearer ${token}` };

  const password = readSecret(config.password, config.passwordFile, 'password');
  if (config.username !== undefined && password !== undefined) {
    return { Authorization: basicAuthorization(config.username, password) };
  }
  return {};
}
