/**
 * Alert delivery: a durable spool and the collectors alerts go to (Elasticsearch, HTTP NDJSON,
 * Splunk HEC, syslog, file). The daemon and `replay --output-config` use createDelivery and the
 * two config schemas; `setup elasticsearch` uses the es-setup functions.
 */
export {
  outputConfigSchema,
  outputsConfigSchema,
  spoolConfigSchema,
  outputName,
  type OutputConfig,
  type OutputConfigInput,
  type SpoolConfig,
  type SpoolConfigInput,
  type TlsConfig,
} from './config-schema.js';
export {
  createDelivery,
  type Delivery,
  type DeliveryOptions,
  type SpoolStats,
} from './delivery.js';
export type { OutputStats } from './stats.js';
export type { Timers } from './timers.js';
export { DeliveryError, type DeliveryErrorCode } from './delivery-error.js';
export { alertDocumentId, dataStreamName } from './elasticsearch.js';
export {
  buildIndexTemplate,
  buildIngestPipeline,
  installElasticsearchSetup,
  type ElasticsearchSetupOptions,
} from './es-setup.js';
