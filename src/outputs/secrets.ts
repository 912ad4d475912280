/**
 * Secrets (API keys, tokens, passwords) come inline or from a file; a file is read once, when
 * delivery starts, and its surrounding whitespace dropped. A missing file is a configuration
 * error that names the option and the path.
 */
import { readFileSync } from 'node:fs';

import { ExecwatchError } from '../shared/errors.js';

export function readSecret(
  inline: string | undefined,
  file: string | undefined,
  option: string,
): string | undefined {
  if (inline !== undefined) return inline;
  if (file === undefined) return undefined;

  try {
    return readFileSync(file, 'utf8').trim();
  } catch (error) {
    throw new ExecwatchError(
      'OUTPUT_CONFIG',
      `Cannot read ${option} from "${file}"; check that the file exists and is readable`,
      { cause: error },
    );
  }
}

/** A PEM file for TLS options, read now. */
export function readPemFile(file: string | undefined, option: string): Buffer | undefined {
  if (file === undefined) return undefined;
  try {
    return readFileSync(file);
  } catch (error) {
    throw new ExecwatchError('OUTPUT_CONFIG', `Cannot read ${option} "${file}"`, { cause: error });
  }
}

export function basicAuthorization(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}
