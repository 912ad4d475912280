/**
 * The one error type outputs throw. A sender translates whatever went wrong (a socket error, an
 * HTTP status, a TLS refusal) into a DeliveryError at the place it happened; the retry policy
 * then decides from `status` and `code` alone whether the batch is tried again.
 */
import { ExecwatchError } from '../shared/errors.js';

/** Stable codes, for logs and `execwatch status`. */
export type DeliveryErrorCode =
  | 'OUTPUT_CONNECT_FAILED'
  | 'OUTPUT_CONNECTION_LOST'
  | 'OUTPUT_TIMEOUT'
  | 'OUTPUT_TLS_FAILED'
  | 'OUTPUT_HTTP_STATUS'
  | 'OUTPUT_BAD_RESPONSE'
  | 'OUTPUT_WRITE_FAILED'
  | 'OUTPUT_CONFIG';

export interface DeliveryErrorOptions {
  cause?: unknown;
  /** The HTTP status the collector answered with, when there was one. */
  status?: number;
  /** How long the collector asked us to wait (`Retry-After`), already converted to ms. */
  retryAfterMs?: number;
}

export class DeliveryError extends ExecwatchError {
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(code: DeliveryErrorCode, message: string, options: DeliveryErrorOptions = {}) {
    super(code, message, options.cause === undefined ? {} : { cause: options.cause });
    this.name = 'DeliveryError';
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
  }
}

const tlsErrorCodes = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'EPROTO',
]);

/** Turns a socket-level failure (Node's `err.code`) into a DeliveryError naming the target. */
export function translateNetworkError(error: unknown, target: string): DeliveryError {
  if (error instanceof DeliveryError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const detail = error instanceof Error ? error.message : String(error);

  if (typeof code === 'string' && tlsErrorCodes.has(code)) {
    return new DeliveryError(
      'OUTPUT_TLS_FAILED',
      `TLS with ${target} failed (${code}); check the CA file, the client certificate and the ` +
        `server name`,
      { cause: error },
    );
  }
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EHOSTUNREACH') {
    return new DeliveryError('OUTPUT_CONNECT_FAILED', `Cannot connect to ${target}: ${detail}`, {
      cause: error,
    });
  }
  if (code === 'ETIMEDOUT' || code === 'ECONNABORTED' || code === 'ERR_CANCELED') {
    return new DeliveryError('OUTPUT_TIMEOUT', `No answer from ${target} in time: ${detail}`, {
      cause: error,
    });
  }
  return new DeliveryError('OUTPUT_CONNECTION_LOST', `Connection to ${target} failed: ${detail}`, {
    cause: error,
  });
}
