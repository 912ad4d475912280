import { describe, expect, it } from 'vitest';

import { readAuditToken, readProcess, ShapeError } from '../../src/normalize/es-message.js';
import { parseEsloggerLine } from '../../src/normalize/index.js';
import {
  auditToken,
  esProcess,
  toEsloggerLine,
  type ProcessSpec,
} from '../fixtures/eslogger/message-factory.js';

const SHELL: ProcessSpec = {
  pid: 4101,
  pidversion: 52_002,
  path: '/bin/zsh',
  parent: { pid: 612, pidversion: 2204 },
  tty: true,
};

function roundTrip(value: unknown): unknown {
  return parseEsloggerLine(toEsloggerLine(value));
}

function shapeErrorOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    if (error instanceof ShapeError) return error.message;
    throw error;
  }
  return 'no error';
}

describe('readAuditToken', () => {
  it('reads the object form (versions 9, 11) and the array form (version 10) alike', () => {
    const token = { pid: 4101, pidversion: 52_002, uid: 0, gid: 0 };

    const got = [
      readAuditToken(auditToken(token, 9), 't'),
      readAuditToken(auditToken(token, 10), 't'),
    ];

    const want = {
      auid: 4_294_967_295,
      euid: 0,
      egid: 0,
      ruid: 0,
      rgid: 0,
      pid: 4101,
      asid: 100_019,
      pidversion: 52_002,
    };
    expect(got).toEqual([want, want]);
  });

  it.each([
    [[1, 2, 3], 'p: expected an audit token (object, or array of 8 integers)'],
    [[1, 2, 3, 4, 5, 6, 7, 'x'], 'p[7]: expected an integer'],
    [{ pid: 1 }, 'p.auid: expected an integer'],
    ['1-2', 'p: expected an audit token (object, or array of 8 integers)'],
  ])('rejects %j with "%s"', (value, want) => {
    const got = shapeErrorOf(() => readAuditToken(value, 'p'));

    expect(got).toBe(want);
  });
});

describe('readProcess', () => {
  it.each([9, 10, 11] as const)('reads the same process from a version %i message', (version) => {
    const raw = roundTrip(esProcess(SHELL, version));

    const got = readProcess(raw, 'process');

    expect(got).toMatchObject({
      auditToken: { pid: 4101, pidversion: 52_002 },
      parentToken: { pid: 612, pidversion: 2204 },
      ppid: 612,
      executablePath: '/bin/zsh',
      signingId: 'com.apple.zsh',
      teamId: undefined,
      tty: { path: '/dev/ttys003', rdev: 268_435_459 },
    });
  });

  it('ignores unknown keys and key order', () => {
    const raw = roundTrip(esProcess(SHELL, 11)) as Record<string, unknown>;
    const reordered = Object.fromEntries(Object.entries(raw).reverse());

    const got = readProcess({ ...reordered, added_in_macos_28: { x: 1 } }, 'process');

    expect(got).toEqual(readProcess(raw, 'process'));
  });

  it.each([
    ['executable', undefined, 'process.executable: expected an object'],
    ['ppid', 12.5, 'process.ppid: expected an integer'],
    ['signing_id', 7, 'process.signing_id: expected a string'],
    ['is_platform_binary', 'yes', 'process.is_platform_binary: expected true or false'],
  ])('names the field when %s is %j', (key, value, want) => {
    const raw = { ...(roundTrip(esProcess(SHELL, 9)) as Record<string, unknown>), [key]: value };

    const got = shapeErrorOf(() => readProcess(raw, 'process'));

    expect(got).toBe(want);
  });
});
