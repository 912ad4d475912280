import { describe, expect, it } from 'vitest';

import type { ExecwatchError } from '../../src/shared/errors.js';
import {
  createEndpointSecuritySource,
  loadEndpointSecurityAddon,
  type EsAddon,
  type EsAddonStartOptions,
} from '../../src/sources/endpoint-security.js';
import type { SourceRecord } from '../../src/sources/types.js';

function thrownBy(action: () => unknown): ExecwatchError | undefined {
  try {
    action();
    return undefined;
  } catch (error) {
    return error as ExecwatchError;
  }
}

/** An addon stand-in that records its start options and lets the test deliver records. */
function createScriptedAddon() {
  let deliver: (records: unknown[]) => void = () => undefined;
  const calls: { start: EsAddonStartOptions[]; stop: number } = { start: [], stop: 0 };
  const addon: EsAddon = {
    start: (options, onRecords) => {
      calls.start.push(options);
      deliver = onRecords;
      return { muteFailures: ['/bad/mute'] };
    },
    stop: () => {
      calls.stop += 1;
    },
    stats: () => ({ queueDrops: 3 }),
  };
  return { addon, calls, deliver: (records: unknown[]) => deliver(records) };
}

describe('loadEndpointSecurityAddon', () => {
  it('says the source needs macOS instead of crashing elsewhere', () => {
    const got = thrownBy(() => loadEndpointSecurityAddon({ platform: 'linux' }));

    expect(got?.code).toBe('ES_UNSUPPORTED_PLATFORM');
    expect(got?.message).toContain('needs macOS');
  });

  it('says the addon is not built, naming where it looked', () => {
    const got = thrownBy(() =>
      loadEndpointSecurityAddon({ platform: 'darwin', candidates: ['/nowhere/execwatch_es.node'] }),
    );

    expect(got?.code).toBe('ES_ADDON_NOT_BUILT');
    expect(got?.message).toContain('/nowhere/execwatch_es.node');
  });

  it('rejects a module that is not the ES addon', () => {
    const testAddon = new URL('../../build/Release/execwatch_native_test.node', import.meta.url);

    const got = thrownBy(() =>
      loadEndpointSecurityAddon({ platform: 'darwin', candidates: [testAddon.pathname] }),
    );

    expect(got?.code).toBe('ES_ADDON_LOAD_FAILED');
  });
});

describe('endpoint-security source', () => {
  it('starts the client with the configured mutes, queue bound and no environment', () => {
    const scripted = createScriptedAddon();
    const source = createEndpointSecuritySource({
      loadAddon: () => scripted.addon,
      maxQueueEvents: 128,
      mutes: [{ path: '/usr/libexec/', match: 'prefix' }],
    });

    const got = source.open();

    expect(got).toEqual({ muteFailures: ['/bad/mute'] });
    expect(scripted.calls.start).toEqual([
      {
        includeEnv: false,
        maxQueueEvents: 128,
        mutes: [{ path: '/usr/libexec/', match: 'prefix' }],
      },
    ]);
  });

  it('yields delivered messages as es-message records and ends on stop', async () => {
    const scripted = createScriptedAddon();
    const source = createEndpointSecuritySource({ loadAddon: () => scripted.addon });
    const iterator = source.records()[Symbol.asyncIterator]();

    scripted.deliver([{ event_type: 9 }, { event_type: 15 }]);
    const got: SourceRecord[] = [(await iterator.next()).value, (await iterator.next()).value];
    await source.stop();

    expect(got).toEqual([
      { kind: 'es-message', message: { event_type: 9 }, origin: { source: 'endpoint-security' } },
      { kind: 'es-message', message: { event_type: 15 }, origin: { source: 'endpoint-security' } },
    ]);
    expect((await iterator.next()).done).toBe(true);
    expect(scripted.calls.stop).toBe(1);
    expect(source.stats()).toEqual({ queueDrops: 3, channelDrops: 0 });
  });

  it.each([
    ['ES_NEW_CLIENT_RESULT_ERR_NOT_PERMITTED', 'ES_NOT_PERMITTED'],
    ['ES_NEW_CLIENT_RESULT_ERR_NOT_ENTITLED', 'ES_NOT_ENTITLED'],
    ['ES_SUBSCRIBE_FAILED', 'ES_SUBSCRIBE_FAILED'],
  ])('turns a start failure %s into %s', (nativeCode, want) => {
    const failing: EsAddon = {
      start: () => {
        throw Object.assign(new Error('failed'), { code: nativeCode });
      },
      stop: () => undefined,
      stats: () => ({}),
    };
    const source = createEndpointSecuritySource({ loadAddon: () => failing });

    const got = thrownBy(() => source.open());

    expect(got?.code).toBe(want);
  });
});
