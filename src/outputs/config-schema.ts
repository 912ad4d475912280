/**
 * The configuration of delivery: a list of outputs (several may run at once, each with its own
 * name, batching and retry settings) and the spool they all read from. Defaults carry their unit
 * in the field name. Secrets may be given inline or as a file path (`apiKeyFile`, `passwordFile`,
 * `tokenFile`), read once when delivery starts.
 */
import { z } from 'zod';

const KiB = 1024;
const MiB = 1024 * KiB;

/** Output names become cursor file names, so they are restricted to a safe alphabet. */
const outputNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'use letters, digits, ".", "_" and "-" only');

export const tlsConfigSchema = z
  .object({
    /** PEM file of the CA(s) that signed the collector's certificate; system CAs otherwise. */
    caFile: z.string().optional(),
    /** PEM client certificate and key, for collectors that require mutual TLS. */
    certFile: z.string().optional(),
    keyFile: z.string().optional(),
    /** Certificate verification. Off only for a lab; never by default. */
    verify: z.boolean().default(true),
    /** The name to verify the certificate against, when it differs from the host. */
    serverName: z.string().optional(),
  })
  .strict();

export const retryConfigSchema = z
  .object({
    initialDelayMs: z.number().int().positive().default(500),
    maxDelayMs: z.number().int().positive().default(60_000),
    maxRetryAfterMs: z.number().int().positive().default(600_000),
  })
  .strict();

const commonFields = {
  name: outputNameSchema.optional(),
  maxBatchEvents: z.number().int().positive().default(500),
  maxBatchBytes: z
    .number()
    .int()
    .positive()
    .default(5 * MiB),
  flushIntervalMs: z.number().int().nonnegative().default(1000),
  timeoutMs: z.number().int().positive().default(30_000),
  retry: retryConfigSchema.prefault({}),
  /** Where refused alerts go; `<spool>/dead-letter/<name>.ndjson` by default. */
  deadLetterPath: z.string().optional(),
};

const httpAuthFields = {
  username: z.string().optional(),
  password: z.string().optional(),
  passwordFile: z.string().optional(),
  tls: tlsConfigSchema.prefault({}),
  gzip: z.boolean().default(false),
};

export const elasticsearchOutputSchema = z
  .object({
    type: z.literal('elasticsearch'),
    ...commonFields,
    ...httpAuthFields,
    /** Base URL of the cluster, e.g. https://es.example.com:9200 */
    url: z.url(),
    apiKey: z.string().optional(),
    apiKeyFile: z.string().optional(),
    gzip: z.boolean().default(true),
    /** Data stream `logs-execwatch.alerts-<namespace>`. */
    namespace: z
      .string()
      .regex(/^[a-z0-9_]+$/, 'use lowercase letters, digits and "_"')
      .default('default'),
    /** Overrides the whole data stream name. */
    dataStream: z.string().optional(),
    /** An ingest pipeline to request explicitly (the template already sets a default one). */
    pipeline: z.string().optional(),
  })
  .strict();

export const httpOutputSchema = z
  .object({
    type: z.literal('http'),
    ...commonFields,
    ...httpAuthFields,
    url: z.url(),
    method: z.enum(['POST', 'PUT']).default('POST'),
    headers: z.record(z.string(), z.string()).default({}),
    bearerToken: z.string().optional(),
    bearerTokenFile: z.string().optional(),
  })
  .strict();

export const splunkOutputSchema = z
  .object({
    type: z.literal('splunk'),
    ...commonFields,
    tls: tlsConfigSchema.prefault({}),
    gzip: z.boolean().default(false),
    /** Base URL of the HTTP Event Collector, e.g. https://splunk.example.com:8088 */
    url: z.url(),
    token: z.string().optional(),
    tokenFile: z.string().optional(),
    index: z.string().optional(),
    sourcetype: z.string().default('execwatch:alert'),
    source: z.string().default('execwatch'),
    host: z.string().optional(),
  })
  .strict();

export const syslogOutputSchema = z
  .object({
    type: z.literal('syslog'),
    ...commonFields,
    host: z.string().min(1),
    port: z.number().int().min(1).max(65_535).optional(),
    /** `tls` is RFC 5425 (port 6514 by default), `tcp` plain RFC 6587 (port 601). */
    protocol: z.enum(['tcp', 'tls']).default('tls'),
    tls: tlsConfigSchema.prefault({}),
    facility: z.number().int().min(0).max(23).default(16),
    appName: z.string().min(1).max(48).default('execwatch'),
    hostname: z.string().min(1).max(255).optional(),
    /** Whole syslog message (header + JSON); larger alerts are shortened, never split. */
    maxMessageBytes: z
      .number()
      .int()
      .min(2 * KiB)
      .default(8 * KiB),
  })
  .strict();

export const fileOutputSchema = z
  .object({
    type: z.literal('file'),
    ...commonFields,
    path: z.string().min(1),
    maxFileBytes: z
      .number()
      .int()
      .positive()
      .default(100 * MiB),
    /** Rotated files kept besides the current one: path.1 … path.N. */
    keepFiles: z.number().int().nonnegative().default(5),
    fsync: z.boolean().default(false),
  })
  .strict();

export const outputConfigSchema = z.discriminatedUnion('type', [
  elasticsearchOutputSchema,
  httpOutputSchema,
  splunkOutputSchema,
  syslogOutputSchema,
  fileOutputSchema,
]);

/** The outputs; names (given, or the type) must be unique. */
export const outputsConfigSchema = z.array(outputConfigSchema).superRefine((outputs, context) => {
  const seen = new Set<string>();
  outputs.forEach((output, index) => {
    const name = output.name ?? output.type;
    if (seen.has(name)) {
      context.addIssue({
        code: 'custom',
        path: [index, 'name'],
        message: `output name "${name}" is used twice; give each output a distinct name`,
      });
    }
    seen.add(name);
  });
});

export const spoolConfigSchema = z
  .object({
    directory: z.string().min(1),
    /** Disk the spool may use; past it the oldest undelivered alerts are dropped (and counted). */
    maxBytes: z
      .number()
      .int()
      .min(64 * KiB)
      .default(256 * MiB),
    /**
     * `always`: fsync before submit() resolves (survives power loss); `interval`: fsync every
     * fsyncIntervalMs (survives kill -9 and crashes of the agent, may lose that window on power
     * loss); `never`: leave it to the OS.
     */
    fsync: z.enum(['always', 'interval', 'never']).default('interval'),
    fsyncIntervalMs: z.number().int().positive().default(1000),
  })
  .strict();

export type TlsConfig = z.infer<typeof tlsConfigSchema>;
export type RetryConfig = z.infer<typeof retryConfigSchema>;
export type ElasticsearchOutputConfig = z.infer<typeof elasticsearchOutputSchema>;
export type HttpOutputConfig = z.infer<typeof httpOutputSchema>;
export type SplunkOutputConfig = z.infer<typeof splunkOutputSchema>;
export type SyslogOutputConfig = z.infer<typeof syslogOutputSchema>;
export type FileOutputConfig = z.infer<typeof fileOutputSchema>;
export type OutputConfig = z.infer<typeof outputConfigSchema>;
export type OutputConfigInput = z.input<typeof outputConfigSchema>;
export type SpoolConfig = z.infer<typeof spoolConfigSchema>;
export type SpoolConfigInput = z.input<typeof spoolConfigSchema>;

/** The name an output is known by: the configured one, or its type. */
export function outputName(output: OutputConfig): string {
  return output.name ?? output.type;
}
