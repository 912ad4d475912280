import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { parseEsloggerLine } from '../../src/normalize/index.js';
import { loadNativeTestAddon } from './native-addon.js';

const addon = loadNativeTestAddon();

function recordedMessage(relativePath: string): Record<string, unknown> {
  const text = readFileSync(
    new URL(`../fixtures/eslogger/${relativePath}`, import.meta.url),
    'utf8',
  );
  return parseEsloggerLine(text.trim()) as Record<string, unknown>;
}

/** eslogger's exec event minus `fds`, which the addon does not copy. */
function withoutFds(message: Record<string, unknown>): Record<string, unknown> {
  const event = message.event as { exec: Record<string, unknown> };
  const exec = { ...event.exec };
  delete exec.fds;
  return { ...message, event: { exec } };
}

describe('record conversion to JS (native)', () => {
  it('gives the exact object eslogger printed for the version 9 exec sample', () => {
    const want = withoutFds(recordedMessage('v9/exec.jsonl'));

    const got = addon.convertSample('exec', { withEnv: true });

    expect(got).toEqual(want);
  });

  it('gives the exact object eslogger printed for the version 9 exit sample', () => {
    const want = recordedMessage('v9/exit.jsonl');

    const got = addon.convertSample('exit');

    expect(got).toEqual(want);
  });

  it('leaves the environment out unless it was asked for', () => {
    const got = addon.convertSample('exec') as { event: { exec: Record<string, unknown> } };

    expect(Object.keys(got.event.exec)).not.toContain('env');
    expect(got.event.exec.args).toEqual(['/bin/connection-checker']);
  });

  it('nests a fork as event.fork.child with the full process shape', () => {
    const got = addon.convertSample('fork') as {
      event_type: number;
      event: { fork: { child: Record<string, unknown> } };
    };

    expect(got.event_type).toBe(11);
    expect(Object.keys(got.event.fork.child).sort()).toEqual(
      [
        'audit_token',
        'cdhash',
        'codesigning_flags',
        'executable',
        'group_id',
        'is_es_client',
        'is_platform_binary',
        'original_ppid',
        'parent_audit_token',
        'ppid',
        'responsible_audit_token',
        'session_id',
        'signing_id',
        'start_time',
        'team_id',
        'tty',
      ].sort(),
    );
  });

  it.each([
    [2n ** 53n - 1n, 9007199254740991],
    [2n ** 53n, '9007199254740992'],
    [1152921500312525701n, '1152921500312525701'],
    [2n ** 64n - 1n, '18446744073709551615'],
  ])('writes inode %s as %j, the way parseEsloggerLine reads it', (inode, want) => {
    const got = addon.convertSample('exit', { inode }) as {
      process: { executable: { stat: { st_ino: unknown } } };
    };

    expect(got.process.executable.stat.st_ino).toBe(want);
  });

  it('keeps the largest pidversion and auid exact', () => {
    const got = addon.convertSample('exit', { pidversion: 2147483647 }) as {
      process: { audit_token: { pidversion: number; auid: number } };
    };

    expect(got.process.audit_token).toMatchObject({ pidversion: 2147483647, auid: 4294967295 });
  });

  it('writes a Mach time beyond 2^53 as an exact decimal string', () => {
    const got = addon.convertSample('exit', { machTime: 2n ** 60n + 7n }) as { mach_time: unknown };

    expect(got.mach_time).toBe('1152921504606846983');
  });
});

describe('es_new_client result names (native)', () => {
  it.each([
    [3, 'ES_NEW_CLIENT_RESULT_ERR_NOT_ENTITLED'],
    [4, 'ES_NEW_CLIENT_RESULT_ERR_NOT_PERMITTED'],
    [5, 'ES_NEW_CLIENT_RESULT_ERR_NOT_PRIVILEGED'],
    [6, 'ES_NEW_CLIENT_RESULT_ERR_TOO_MANY_CLIENTS'],
    [99, 'ES_NEW_CLIENT_RESULT_UNKNOWN_99'],
  ])('names result %i %s', (result, want) => {
    const got = addon.newClientResultName(result);

    expect(got).toBe(want);
  });
});

describe('kernel drop counting (native)', () => {
  it('counts seq_num gaps per event type and global_seq_num gaps separately', () => {
    const got = addon.trackSequences([
      [9, 1, 1],
      [11, 1, 2],
      [9, 4, 3],
      [15, 1, 9],
      [9, 5, null],
    ]);

    expect(got).toEqual({ globalDrops: 5, eventTypeDrops: 2, byEventType: { 9: 2, 11: 0, 15: 0 } });
  });
});
