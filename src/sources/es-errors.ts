/**
 * The one table of Endpoint Security client failures: each `es_new_client` result becomes a
 * stable error code and a sentence that tells an operator what to do. The native addon reports a
 * failure by its raw result name (`ES_NEW_CLIENT_RESULT_ERR_NOT_PERMITTED`); eslogger prints the
 * same names on stderr. Both paths come through `esClientError`, so the same failure reads the
 * same whichever source met it.
 */
import { ExecwatchError } from '../shared/errors.js';

/** The result names of `es_new_client_result_t` (ESTypes.h) that mean failure. */
export type EsClientResultName =
  | 'ES_NEW_CLIENT_RESULT_ERR_INVALID_ARGUMENT'
  | 'ES_NEW_CLIENT_RESULT_ERR_INTERNAL'
  | 'ES_NEW_CLIENT_RESULT_ERR_NOT_ENTITLED'
  | 'ES_NEW_CLIENT_RESULT_ERR_NOT_PERMITTED'
  | 'ES_NEW_CLIENT_RESULT_ERR_NOT_PRIVILEGED'
  | 'ES_NEW_CLIENT_RESULT_ERR_TOO_MANY_CLIENTS';

/** Which source met the failure; it decides who needs Full Disk Access. */
export type EsClientOwner = 'endpoint-security' | 'eslogger';

export interface EsClientFailure {
  /** Stable, for scripts and logs. */
  code: string;
  /** What went wrong and what to do, given who holds the ES client. */
  sentence: (owner: EsClientOwner) => string;
}

const FULL_DISK_ACCESS = 'System Settings › Privacy & Security › Full Disk Access';

function fullDiskAccessHolder(owner: EsClientOwner): string {
  return owner === 'eslogger'
    ? 'the program that starts execwatch (your terminal app when run by hand, the execwatch ' +
        'executable when run as a LaunchDaemon)'
    : 'the execwatch executable';
}

export const ES_CLIENT_FAILURES: Readonly<Record<EsClientResultName, EsClientFailure>> = {
  ES_NEW_CLIENT_RESULT_ERR_NOT_ENTITLED: {
    code: 'ES_NOT_ENTITLED',
    sentence: () =>
      'The executable lacks the com.apple.developer.endpoint-security.client entitlement. ' +
      'Use the eslogger source (source: eslogger, or source: auto), or run a build of execwatch ' +
      'signed with the entitlement and its provisioning profile.',
  },
  ES_NEW_CLIENT_RESULT_ERR_NOT_PERMITTED: {
    code: 'ES_NOT_PERMITTED',
    sentence: (owner) =>
      `Endpoint Security needs Full Disk Access. Open ${FULL_DISK_ACCESS}, turn it on for ` +
      `${fullDiskAccessHolder(owner)}, then start execwatch again.`,
  },
  ES_NEW_CLIENT_RESULT_ERR_NOT_PRIVILEGED: {
    code: 'ES_NOT_PRIVILEGED',
    sentence: () =>
      'Endpoint Security needs root. Run execwatch with sudo, or install it as a LaunchDaemon ' +
      '(execwatch setup).',
  },
  ES_NEW_CLIENT_RESULT_ERR_TOO_MANY_CLIENTS: {
    code: 'ES_TOO_MANY_CLIENTS',
    sentence: () =>
      'macOS has reached its limit of Endpoint Security clients. Stop another eslogger or ' +
      'security agent on this Mac, then start execwatch again.',
  },
  ES_NEW_CLIENT_RESULT_ERR_INVALID_ARGUMENT: {
    code: 'ES_INVALID_ARGUMENT',
    sentence: () =>
      'Endpoint Security rejected the client’s arguments. This is a bug in execwatch: please ' +
      'report it with your macOS version.',
  },
  ES_NEW_CLIENT_RESULT_ERR_INTERNAL: {
    code: 'ES_INTERNAL',
    sentence: () =>
      'The Endpoint Security subsystem failed to create a client. Start execwatch again; if it ' +
      'keeps failing, restart the Mac.',
  },
};

const RESULT_NAME_PATTERN = /ES_NEW_CLIENT_RESULT_[A-Z_]+/;

/** Whether `name` is one of the failure names in the table. */
export function isEsClientResultName(name: string): name is EsClientResultName {
  return Object.hasOwn(ES_CLIENT_FAILURES, name);
}

/**
 * The actionable error for a failed `es_new_client`. An unknown name (a newer SDK) still gives
 * an error with code `ES_CLIENT_FAILED` that carries the name.
 */
export function esClientError(
  resultName: string,
  owner: EsClientOwner,
  cause?: unknown,
): ExecwatchError {
  const options = cause === undefined ? {} : { cause };
  if (!isEsClientResultName(resultName)) {
    return new ExecwatchError(
      'ES_CLIENT_FAILED',
      `Endpoint Security refused the client (${resultName}). Check the system log, then start ` +
        'execwatch again.',
      options,
    );
  }

  const failure = ES_CLIENT_FAILURES[resultName];
  return new ExecwatchError(failure.code, `${failure.sentence(owner)} (${resultName})`, options);
}

/** The first `ES_NEW_CLIENT_RESULT_…` name in some text (eslogger's stderr), if any. */
export function findEsClientResultName(text: string): string | undefined {
  return RESULT_NAME_PATTERN.exec(text)?.[0];
}
