import { afterEach, describe, expect, it } from 'vitest';

import { ConfigError, loadConfig, processSecretFileAccess } from '../../src/config/index.js';
import type { SecretFileAccess } from '../../src/config/index.js';
import { resolveSecretReferences } from '../../src/config/secrets.js';
import { createConfigDir } from './factories.js';

let configDir: ReturnType<typeof createConfigDir>;

afterEach(() => configDir?.remove());

const currentUid = process.getuid?.() ?? 0;
const ownedByMe: SecretFileAccess = { ...processSecretFileAccess, requiredOwnerUid: currentUid };

describe('resolveSecretReferences', () => {
  it('replaces { secretFile } with the file contents, trailing newline trimmed', () => {
    configDir = createConfigDir();
    const path = configDir.writeText('token', 's3cr3t-token\n', 0o600);

    const got = resolveSecretReferences(
      { outputs: [{ apiKey: { secretFile: path }, url: 'x' }] },
      ownedByMe,
    );

    expect(got).toEqual({ outputs: [{ apiKey: 's3cr3t-token', url: 'x' }] });
  });

  it.each([
    [0o644, '644'],
    [0o640, '640'],
    [0o604, '604'],
  ])('refuses a secret file with mode %o, readable beyond its owner', (mode, shown) => {
    configDir = createConfigDir();
    const path = configDir.writeText('token', 'secret', mode);

    const got = () =>
      resolveSecretReferences({ outputs: { token: { secretFile: path } } }, ownedByMe);

    expect(got).toThrow(
      `outputs.token: the secret file ${path} has mode ${shown}, readable beyond its owner; ` +
        `run \`chmod 600 '${path}'\``,
    );
  });

  it('refuses a secret file that does not belong to the required owner', () => {
    configDir = createConfigDir();
    const path = configDir.writeText('token', 'secret', 0o600);
    const rootOnly: SecretFileAccess = {
      ...processSecretFileAccess,
      requiredOwnerUid: currentUid + 1,
    };

    const got = () => resolveSecretReferences({ key: { secretFile: path } }, rootOnly);

    expect(got).toThrow(
      `key: the secret file ${path} belongs to uid ${currentUid}, ` +
        `expected uid ${currentUid + 1}; run \`chown root '${path}'\``,
    );
  });

  it.each([
    [
      'missing',
      (dir: ReturnType<typeof createConfigDir>) => dir.missing('absent'),
      'cannot be read',
    ],
    ['a directory', (dir: ReturnType<typeof createConfigDir>) => dir.dir, 'is not a regular file'],
    [
      'empty',
      (dir: ReturnType<typeof createConfigDir>) => dir.writeText('e', '\n', 0o600),
      'is empty',
    ],
  ])('refuses a secret file that is %s', (_label, makePath, want) => {
    configDir = createConfigDir();
    const path = makePath(configDir);

    const got = () => resolveSecretReferences({ key: { secretFile: path } }, ownedByMe);

    expect(got).toThrow(`key: the secret file ${path} ${want}`);
  });

  it('surfaces a refused secret file from loadConfig as a ConfigError', () => {
    configDir = createConfigDir();
    const secret = configDir.writeText('token', 'secret', 0o644);
    const configPath = configDir.writeJson('config.json', {
      notify: { backend: { secretFile: secret } },
    });

    const got = () =>
      loadConfig({
        configPath,
        managedPreferencesPath: configDir.missing('m.plist'),
        secretFiles: ownedByMe,
      });

    expect(got).toThrow(ConfigError);
    expect(got).toThrow(`notify.backend: the secret file ${secret} has mode 644`);
  });

  it('checks the files that output settings name (apiKeyFile, tokenFile, …) the same way', () => {
    configDir = createConfigDir();
    const loose = configDir.writeText('es-key', 'k', 0o640);
    const tight = configDir.writeText('hec-token', 't', 0o600);
    const outputs = (apiKeyFile: string) => [
      { type: 'elasticsearch', url: 'https://es.example:9200', apiKeyFile },
      { type: 'splunk', url: 'https://hec.example:8088', tokenFile: tight },
    ];
    const load = (apiKeyFile: string) =>
      loadConfig({
        configPath: configDir.writeJson('config.json', { outputs: outputs(apiKeyFile) }),
        managedPreferencesPath: configDir.missing('m.plist'),
        secretFiles: ownedByMe,
      });

    const refused = () => load(loose);
    const accepted = load(tight).config.outputs;

    expect(refused).toThrow(
      `outputs.0.apiKeyFile: the secret file ${loose} has mode 640, readable beyond its owner`,
    );
    expect(accepted).toHaveLength(2);
  });
});
