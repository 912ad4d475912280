import { afterEach, describe, expect, it } from 'vitest';

import {
  ConfigError,
  formatProblem,
  loadConfig,
  processSecretFileAccess,
} from '../../src/config/index.js';
import type { LoadConfigOptions } from '../../src/config/index.js';
import { createConfigDir } from './factories.js';

let configDir: ReturnType<typeof createConfigDir>;

afterEach(() => configDir?.remove());

function load(options: Partial<LoadConfigOptions>) {
  return loadConfig({
    configPath: options.configPath ?? configDir.writeJson('empty.json', {}),
    managedPreferencesPath: options.managedPreferencesPath ?? configDir.missing('none.plist'),
    ...(options.flags === undefined ? {} : { flags: options.flags }),
    secretFiles: { ...processSecretFileAccess, requiredOwnerUid: process.getuid?.() ?? 0 },
  });
}

function loadError(options: Partial<LoadConfigOptions>): ConfigError {
  try {
    load(options);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected the configuration to be rejected');
}

describe('loadConfig precedence', () => {
  it('uses the built-in defaults when the file is empty and nothing else is given', () => {
    configDir = createConfigDir();

    const got = load({}).config;

    expect(got.agent).toEqual({
      stateDir: '/Library/Application Support/execwatch',
      statusIntervalMs: 5000,
      shutdownDeadlineMs: 10000,
      logLevel: 'info',
      logFormat: 'json',
    });
    expect(got.notify.backend).toBe('auto');
    expect(got.notify.minSeverity).toBe('medium');
  });

  it('layers defaults < file < managed preferences < flags, key by key', () => {
    configDir = createConfigDir();
    const configPath = configDir.writeJson('config.json', {
      agent: { statusIntervalMs: 1000, shutdownDeadlineMs: 2000, logLevel: 'debug' },
      notify: { backend: 'log', minSeverity: 'low' },
    });
    const managedPreferencesPath = configDir.writePlist('managed.plist', {
      PayloadUUID: 'A1B2',
      agent: { shutdownDeadlineMs: 3000, logLevel: 'warn' },
      notify: { backend: 'osascript' },
    });
    const flags = { agent: { logLevel: 'error' } };

    const got = load({ configPath, managedPreferencesPath, flags });

    expect(got.config.agent.statusIntervalMs).toBe(1000); // file
    expect(got.config.agent.shutdownDeadlineMs).toBe(3000); // managed over file
    expect(got.config.agent.logLevel).toBe('error'); // flags over managed
    expect(got.config.notify.backend).toBe('osascript'); // managed over file
    expect(got.config.notify.minSeverity).toBe('low'); // file over defaults
    expect(got.sources).toEqual(['defaults', configPath, managedPreferencesPath, 'flags']);
  });

  it('reads binary managed preferences as mdmclient writes them', () => {
    configDir = createConfigDir();
    const managedPreferencesPath = configDir.writePlist(
      'managed.plist',
      { notify: { backend: 'none', quietPeriods: [{ start: '22:00', end: '07:00' }] } },
      'binary',
    );

    const got = load({ managedPreferencesPath }).config.notify;

    expect(got.backend).toBe('none');
    expect(got.quietPeriods).toEqual([{ start: '22:00', end: '07:00' }]);
  });

  it('replaces a list from a lower layer instead of merging it', () => {
    configDir = createConfigDir();
    const configPath = configDir.writeJson('config.json', {
      notify: {
        quietPeriods: [
          { start: '01:00', end: '02:00' },
          { start: '03:00', end: '04:00' },
        ],
      },
    });

    const got = load({ configPath, flags: { notify: { quietPeriods: [] } } });

    expect(got.config.notify.quietPeriods).toEqual([]);
  });

  it('puts the spool in the state directory unless the spool directory is set', () => {
    configDir = createConfigDir();
    const configPath = configDir.writeJson('config.json', { agent: { stateDir: '/var/ew' } });

    const derived = load({ configPath }).config.spool.directory;
    const explicit = load({ configPath, flags: { spool: { directory: '/spool' } } }).config.spool;

    expect(derived).toBe('/var/ew/spool');
    expect(explicit.directory).toBe('/spool');
  });

  it(
    'treats a missing default config file as empty ' + 'but a missing --config file as an error',
    () => {
      configDir = createConfigDir();
      const missing = configDir.missing('nope.json');

      const got = loadError({ configPath: missing });

      expect(got.message).toMatch(
        new RegExp(`^${missing}: the config file cannot be read: ENOENT`),
      );
    },
  );
});

describe('loadConfig validation messages', () => {
  it.each([
    [
      { agent: { shutdownDeadlineMs: 'soon' } },
      'agent.shutdownDeadlineMs: got "soon" (from FILE), expected a number',
    ],
    [
      { agent: { shutdownDeadlineMs: 1.5 } },
      'agent.shutdownDeadlineMs: got 1.5 (from FILE), expected an integer',
    ],
    [
      { agent: { shutdownDeadlineMs: 50 } },
      'agent.shutdownDeadlineMs: got 50 (from FILE), expected a number at least 100',
    ],
    [
      { agent: { statusIntervalMs: 4_000_000 } },
      'agent.statusIntervalMs: got 4000000 (from FILE), expected a number at most 3600000',
    ],
    [
      { agent: { stateDir: '' } },
      'agent.stateDir: got "" (from FILE), expected a string at least 1 characters',
    ],
    [
      { agent: { logLevel: 'loud' } },
      'agent.logLevel: got "loud" (from FILE), expected one of "error", "warn", "info", "debug"',
    ],
    [
      { notify: { backend: 'growl' } },
      'notify.backend: got "growl" (from FILE), ' +
        'expected one of "auto", "osascript", "notify-send", "log", "none"',
    ],
    [
      { notify: { minSeverity: 'urgent' } },
      'notify.minSeverity: got "urgent" (from FILE), ' +
        'expected one of "low", "medium", "high", "critical"',
    ],
    [
      { notify: { quietPeriods: [{ start: '25:00', end: '07:00' }] } },
      'notify.quietPeriods.0.start: got "25:00" (from FILE), ' +
        'expected a time of day as "HH:MM" (24-hour clock)',
    ],
    [
      { notify: { quietPeriods: [{ start: '22:00' }] } },
      'notify.quietPeriods.0.end: missing (in FILE), expected a string',
    ],
    [
      { notify: { quietPeriods: 'nights' } },
      'notify.quietPeriods: got "nights" (from FILE), expected an array',
    ],
    [
      { notify: { perRule: { maxNotifications: 0, windowMs: 60000 } } },
      'notify.perRule.maxNotifications: got 0 (from FILE), expected a number at least 1',
    ],
    [
      { notify: { overall: { maxNotifications: 5, windowMs: 10 } } },
      'notify.overall.windowMs: got 10 (from FILE), expected a number at least 1000',
    ],
    [
      {
        notify: {
          quietPeriods: Array.from({ length: 17 }, () => ({ start: '01:00', end: '02:00' })),
        },
      },
      'notify.quietPeriods: got ' +
        '[{"start":"01:00","end":"02:00"},{"start":"01:00","end":"02:00"},{"start":"01... ' +
        '(from FILE), expected a list of at most 16 items',
    ],
    [
      { notfy: {} },
      'notfy: got {} (from FILE), expected no such key (check the spelling and the nesting)',
    ],
    [
      { agent: { shutdownDeadline: 5 } },
      'agent.shutdownDeadline: got 5 (from FILE), ' +
        'expected no such key (check the spelling and the nesting)',
    ],
    [{ agent: [] }, 'agent: got [] (from FILE), expected an object'],
    [
      { outputs: [{ type: 'kafka' }] },
      'outputs.0.type: got "kafka" (from FILE), ' +
        'expected one of "elasticsearch", "http", "splunk", "syslog", "file"',
    ],
    [{ outputs: [{ type: 'http' }] }, 'outputs.0.url: missing (in FILE), expected a string'],
    [
      { outputs: [{ type: 'http', url: 'not a url' }] },
      'outputs.0.url: got "not a url" (from FILE), expected a valid url',
    ],
    [
      {
        outputs: [
          { type: 'file', path: '/a' },
          { type: 'file', path: '/b' },
        ],
      },
      'outputs.1.name: missing (in FILE), expected a valid value ' +
        '(output name "file" is used twice; give each output a distinct name)',
    ],
    [{ outputs: {} }, 'outputs: got {} (from FILE), expected an array'],
    [
      { spool: { maxBytes: 10 } },
      'spool.maxBytes: got 10 (from FILE), expected a number at least 65536',
    ],
    [
      { source: { type: 'dtrace' } },
      'source.type: got "dtrace" (from FILE), ' +
        'expected one of "auto", "endpoint-security", "eslogger", "replay"',
    ],
    [
      { source: { esloggerPath: 'eslogger' } },
      'source.esloggerPath: got "eslogger" (from FILE), expected an absolute path',
    ],
    [{ rules: { paths: 'rules/' } }, 'rules.paths: got "rules/" (from FILE), expected an array'],
    [
      { rules: { maxPendingMatches: 0 } },
      'rules.maxPendingMatches: got 0 (from FILE), expected a number at least 1',
    ],
  ])('reports %j as one problem naming key, value and expectation', (settings, want) => {
    configDir = createConfigDir();
    const configPath = configDir.writeJson('config.json', settings);

    const got = loadError({ configPath });

    expect(got.code).toBe('config-invalid');
    expect(got.problems.map(formatProblem)).toEqual([want.replace('FILE', configPath)]);
    expect(got.message).toContain(want.replace('FILE', configPath));
  });

  it(
    'lists every problem at once ' + 'and names the managed preferences or flags as their origin',
    () => {
      configDir = createConfigDir();
      const managedPreferencesPath = configDir.writePlist('managed.plist', {
        notify: { backend: 7 },
      });

      const got = loadError({ managedPreferencesPath, flags: { agent: { logFormat: 'yaml' } } });

      expect(got.message).toBe(
        'The configuration is invalid (2 problems):\n' +
          '  agent.logFormat: got "yaml" (from flags), expected one of "json", "text"\n' +
          `  notify.backend: got 7 (from ${managedPreferencesPath}), ` +
          'expected one of "auto", "osascript", "notify-send", "log", "none"',
      );
    },
  );

  it.each([
    ['{\n  "agent": {\n    "logLevel": "info",\n  }\n}', '4:3'],
    ['{"agent": }', '1:11'],
    ['{"a": 1} x', '1:10'],
    ['', '1:1'],
  ])('reports a JSON syntax error with line and column: %j', (text, want) => {
    configDir = createConfigDir();
    const configPath = configDir.writeText('config.json', text);

    const got = loadError({ configPath });

    expect(got.message).toMatch(new RegExp(`^${configPath}:${want}: not valid JSON: `));
  });

  it.each([
    ['[1, 2]', 'got a list at the top level, expected an object of settings'],
    ['"text"', 'got "text" at the top level, expected an object of settings'],
  ])('rejects a config file whose top level is not an object: %s', (text, want) => {
    configDir = createConfigDir();
    const configPath = configDir.writeText('config.json', text);

    const got = loadError({ configPath });

    expect(got.message).toBe(`${configPath}: ${want}`);
  });

  it('rejects managed preferences that are not a property list', () => {
    configDir = createConfigDir();
    const managedPreferencesPath = configDir.writeText(
      'managed.plist',
      '<plist><dict><key>a</key>',
    );

    const got = loadError({ managedPreferencesPath });

    expect(got.message).toMatch(
      new RegExp(`^${managedPreferencesPath}: not a readable property list: `),
    );
  });
});
