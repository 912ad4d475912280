import { describe, expect, it } from 'vitest';

import { buildLoadOptions } from '../../src/cli/commands/run.js';

describe('buildLoadOptions', () => {
  it.each([
    [{}, {}],
    [{ notify: 'notify-send' }, { notify: { backend: 'notify-send' } }],
    [
      { stateDir: '/tmp/ew', logFormat: 'text' as const },
      { agent: { stateDir: '/tmp/ew', logFormat: 'text' } },
    ],
    [{ source: 'eslogger' }, { source: { type: 'eslogger' } }],
    [
      { replay: ['a.jsonl', 'b.jsonl'], follow: true },
      { source: { type: 'replay', replay: { files: ['a.jsonl', 'b.jsonl'], follow: true } } },
    ],
    [
      { source: 'auto', replay: ['a.jsonl'] },
      { source: { type: 'auto', replay: { files: ['a.jsonl'] } } },
    ],
  ])('turns flags %j into the flag layer %j', (options, want) => {
    const got = buildLoadOptions(options);

    expect(got.flags).toEqual(want);
  });

  it('passes --config and --managed-preferences through as paths', () => {
    const got = buildLoadOptions({ config: '/etc/ew.json', managedPreferences: '/tmp/m.plist' });

    expect(got).toEqual({
      configPath: '/etc/ew.json',
      managedPreferencesPath: '/tmp/m.plist',
      flags: {},
    });
  });
});
