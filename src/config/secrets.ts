/**
 * Secrets (API keys, tokens) never sit in the config file or the managed preferences, which are
 * readable by every user. Instead a setting holds `{ "secretFile": "/path" }`, and the file's
 * contents (trailing newline trimmed) take its place before validation. The file must belong
 * to root and be unreadable by group and others; anything looser is refused, naming the file,
 * its mode and the `chmod`/`chown` that fixes it.
 *
 * Settings that name a secret file themselves (`apiKeyFile`, `passwordFile`, `tokenFile`,
 * `bearerTokenFile`; the outputs read them when delivery starts) get the same ownership and
 * mode check here, at load time.
 */
import { readFileSync, statSync } from 'node:fs';

import { ExecwatchError } from '../shared/errors.js';

export interface SecretFileAccess {
  stat(path: string): { mode: number; uid: number; isFile(): boolean };
  read(path: string): string;
  /** The owner a secret file must have: root (0) in production, the test user in tests. */
  requiredOwnerUid: number;
}

export const processSecretFileAccess: SecretFileAccess = {
  stat: (path) => statSync(path),
  read: (path) => readFileSync(path, 'utf8'),
  requiredOwnerUid: 0,
};

/** Returns a copy of `tree` with every `{ secretFile }` reference replaced by the secret. */
export function resolveSecretReferences(
  tree: unknown,
  access: SecretFileAccess = processSecretFileAccess,
  path: string[] = [],
): unknown {
  if (Array.isArray(tree)) {
    return tree.map((item, index) =>
      resolveSecretReferences(item, access, [...path, String(index)]),
    );
  }
  if (tree === null || typeof tree !== 'object') return tree;

  const record = tree as Record<string, unknown>;
  if (isSecretReference(record)) return readSecretFile(record.secretFile, path.join('.'), access);

  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    copy[key] = resolveSecretReferences(value, access, [...path, key]);
  }
  return copy;
}

/** Settings whose value is the path of a secret file read later by their owner. */
const SECRET_FILE_KEY = /^(apiKey|password|token|bearerToken)File$/;

/**
 * Checks ownership and mode of every file a `…File` secret setting names; throws on the first
 * bad one.
 */
export function checkSecretFileSettings(
  tree: unknown,
  access: SecretFileAccess = processSecretFileAccess,
  path: string[] = [],
): void {
  if (tree === null || typeof tree !== 'object') return;
  for (const [key, value] of Object.entries(tree as Record<string, unknown>)) {
    const keyPath = [...path, key];
    if (SECRET_FILE_KEY.test(key) && typeof value === 'string') {
      assertSecretFileIsPrivate(value, keyPath.join('.'), access);
    } else {
      checkSecretFileSettings(value, access, keyPath);
    }
  }
}

function isSecretReference(record: Record<string, unknown>): record is { secretFile: string } {
  const keys = Object.keys(record);
  return keys.length === 1 && keys[0] === 'secretFile' && typeof record.secretFile === 'string';
}

function readSecretFile(file: string, key: string, access: SecretFileAccess): string {
  assertSecretFileIsPrivate(file, key, access);
  const secret = access.read(file).replace(/\r?\n$/, '');
  if (secret === '') throw secretError(`${key}: the secret file ${file} is empty`);
  return secret;
}

function assertSecretFileIsPrivate(file: string, key: string, access: SecretFileAccess): void {
  let info: ReturnType<SecretFileAccess['stat']>;
  try {
    info = access.stat(file);
  } catch (error) {
    throw secretError(`${key}: the secret file ${file} cannot be read`, error);
  }

  if (!info.isFile()) throw secretError(`${key}: the secret file ${file} is not a regular file`);
  const mode = (info.mode & 0o777).toString(8).padStart(3, '0');
  if ((info.mode & 0o077) !== 0) {
    throw secretError(
      `${key}: the secret file ${file} has mode ${mode}, readable beyond its owner; ` +
        `run \`chmod 600 '${file}'\``,
    );
  }
  if (info.uid !== access.requiredOwnerUid) {
    throw secretError(
      `${key}: the secret file ${file} belongs to uid ${info.uid}, expected uid ` +
        `${access.requiredOwnerUid}; run \`chown root '${file}'\``,
    );
  }
}

function secretError(message: string, cause?: unknown): ExecwatchError {
  return new ExecwatchError('config-secret-file', message, cause === undefined ? {} : { cause });
}
