/**
 * Public surface of the process table: live process state keyed by (pid, pidversion), entity ids,
 * parents and ancestry. Fed by src/normalize; read by the alert builder for ancestry trees.
 */
export {
  createProcessTable,
  PROCESS_TABLE_DEFAULTS,
  type ProcessEntry,
  type ProcessKey,
  type ProcessSighting,
  type ProcessSummary,
  type ProcessTable,
  type ProcessTableOptions,
  type ProcessTableStats,
  type SeedProcess,
  type EntityIdFor,
} from './process-table.js';
export { entityIdOf, type EntityIdScope } from './entity-id.js';
