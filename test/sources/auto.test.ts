import { afterEach, describe, expect, it } from 'vitest';

import { ExecwatchError } from '../../src/shared/errors.js';
import { selectLiveSource, createSourceFromConfig } from '../../src/sources/auto.js';
import { sourceConfigSchema, type SourceConfig } from '../../src/sources/config-schema.js';
import type { EsAddon } from '../../src/sources/endpoint-security.js';
import type { EventSource } from '../../src/sources/types.js';
import { fakeEslogger } from './eslogger-harness.js';

const started: EventSource[] = [];

afterEach(async () => {
  for (const source of started.splice(0)) await source.stop();
});

function configWith(overrides: Record<string, unknown> = {}): SourceConfig {
  return sourceConfigSchema.parse({
    esloggerPath: fakeEslogger('print-recorded.sh'),
    ...overrides,
  });
}

/** An addon stand-in: starts, or fails the way the real one does (an Error with `code`). */
function fakeAddon(startFailure?: string): EsAddon {
  return {
    start: () => {
      if (startFailure === undefined) return { muteFailures: [] };
      throw Object.assign(new Error('es_new_client failed'), { code: startFailure });
    },
    stop: () => undefined,
    stats: () => ({}),
  };
}

function missingAddon(): EsAddon {
  throw new ExecwatchError('ES_ADDON_NOT_BUILT', 'The Endpoint Security addon is not built');
}

describe('source: auto', () => {
  it('chooses eslogger when the addon is missing, and says why', () => {
    const got = selectLiveSource(configWith(), { loadAddon: missingAddon });
    started.push(got.source);

    expect(got.name).toBe('eslogger');
    expect(got.reason).toContain('ES_ADDON_NOT_BUILT');
    expect(got.reason).toContain(`Using eslogger at ${fakeEslogger('print-recorded.sh')}`);
  });

  it.each([
    ['ES_NEW_CLIENT_RESULT_ERR_NOT_ENTITLED', 'ES_NOT_ENTITLED'],
    ['ES_NEW_CLIENT_RESULT_ERR_NOT_PERMITTED', 'ES_NOT_PERMITTED'],
    ['ES_NEW_CLIENT_RESULT_ERR_NOT_PRIVILEGED', 'ES_NOT_PRIVILEGED'],
  ])('falls back to eslogger when es_new_client fails with %s (%s)', (resultName, code) => {
    const got = selectLiveSource(configWith(), { loadAddon: () => fakeAddon(resultName) });
    started.push(got.source);

    expect(got.name).toBe('eslogger');
    expect(got.reason).toContain(code);
  });

  it('chooses the Endpoint Security addon when its client starts', () => {
    const got = selectLiveSource(configWith(), { loadAddon: () => fakeAddon() });
    started.push(got.source);

    expect(got.name).toBe('endpoint-security');
    expect(got.reason).toContain('Endpoint Security client started');
  });

  it('reports the real reason off macOS: the addon needs macOS', () => {
    const got = selectLiveSource(configWith(), { platform: 'linux' });
    started.push(got.source);

    expect(got.name).toBe('eslogger');
    expect(got.reason).toContain('ES_UNSUPPORTED_PLATFORM');
  });

  it('fails with NO_LIVE_SOURCE naming both reasons when eslogger is missing too', () => {
    const config = configWith({ esloggerPath: '/nonexistent/eslogger' });

    const got = (() => {
      try {
        selectLiveSource(config, { loadAddon: missingAddon });
        return undefined;
      } catch (error) {
        return error as ExecwatchError;
      }
    })();

    expect(got?.code).toBe('NO_LIVE_SOURCE');
    expect(got?.message).toContain('ES_ADDON_NOT_BUILT');
    expect(got?.message).toContain('/nonexistent/eslogger');
  });
});

describe('createSourceFromConfig', () => {
  it('never swaps an explicitly named endpoint-security source for eslogger', () => {
    const config = configWith({ type: 'endpoint-security' });

    const got = () =>
      createSourceFromConfig(config, {
        loadAddon: () => fakeAddon('ES_NEW_CLIENT_RESULT_ERR_NOT_PERMITTED'),
      });

    expect(got).toThrow(expect.objectContaining({ code: 'ES_NOT_PERMITTED' }));
  });

  it('builds an explicitly named eslogger source without a reason', () => {
    const got = createSourceFromConfig(configWith({ type: 'eslogger' }));
    started.push(got.source);

    expect(got).toMatchObject({ name: 'eslogger', reason: null });
    expect(got.source.name).toBe('eslogger');
  });

  it('builds the replay source from the replay section', () => {
    const got = createSourceFromConfig(
      configWith({ type: 'replay', replay: { files: ['a.jsonl'] } }),
    );
    started.push(got.source);

    expect(got).toMatchObject({ name: 'replay', reason: null });
    expect(got.source.name).toBe('replay');
  });
});
