import { describe, expect, it } from 'vitest';

import {
  codeSignatureOf,
  createNormalizer,
  CS_ADHOC,
  CS_PLATFORM_BINARY,
  CS_SIGNED,
  CS_VALID,
  parseEsloggerLine,
  type Normalizer,
} from '../../src/normalize/index.js';
import { createProcessTable, type ProcessTable } from '../../src/process-table/index.js';
import type { EcsDocument, EventOrigin } from '../../src/shared/types.js';
import {
  execMessage,
  exitMessage,
  forkMessage,
  openMessage,
  toEsloggerLine,
  type EnvelopeSpec,
  type MessageVersion,
  type ProcessSpec,
} from '../fixtures/eslogger/message-factory.js';

const ORIGIN: EventOrigin = { source: 'replay', file: 'rec.jsonl', line: 3 };

const SHELL: ProcessSpec = {
  pid: 4101,
  pidversion: 100,
  path: '/bin/zsh',
  parent: { pid: 612, pidversion: 50 },
};

function setup(): { table: ProcessTable; normalizer: Normalizer } {
  const table = createProcessTable();
  return { table, normalizer: createNormalizer({ table, host: { hostname: 'mac-1' } }) };
}

function envelope(globalSeqNum: number, version: MessageVersion = 9): EnvelopeSpec {
  const second = String(globalSeqNum).padStart(2, '0');
  return { version, time: `2026-11-20T09:00:${second}.000000000Z`, globalSeqNum };
}

/** Feeds a message as a recording would (through its JSON line) and returns the event. */
function eventOf(normalizer: Normalizer, message: unknown): EcsDocument {
  const outcome = normalizer.normalize(parseEsloggerLine(toEsloggerLine(message)), ORIGIN);
  if (outcome.kind !== 'event')
    throw new Error(`expected an event, got ${JSON.stringify(outcome)}`);
  return outcome.event;
}

function field(document: EcsDocument, path: string): unknown {
  let value: unknown = document;
  for (const key of path.split('.')) value = (value as Record<string, unknown> | undefined)?.[key];
  return value;
}

/** The shell forks `pid`, which execs `path`: the two messages and the exec'd image. */
function spawnFromShell(pid: number, path: string, firstSeq: number, version: MessageVersion = 9) {
  const copy: ProcessSpec = { ...SHELL, pid, pidversion: pid * 10, parent: SHELL };
  const image: ProcessSpec = { ...copy, pidversion: pid * 10 + 1, path };
  return {
    fork: forkMessage(envelope(firstSeq, version), SHELL, copy),
    exec: (args: string[]) => execMessage(envelope(firstSeq + 1, version), copy, image, args),
    image,
  };
}

describe('createNormalizer: exec', () => {
  it.each([9, 10, 11] as const)(
    'maps a version %i exec to an ECS start event of the new image',
    (version) => {
      const { normalizer } = setup();
      const spawn = spawnFromShell(4200, '/sbin/mount_smbfs', 1, version);
      eventOf(normalizer, spawn.fork);

      const got = eventOf(normalizer, spawn.exec(['mount_smbfs', '//u@h/s', '/Volumes/s']));

      expect({
        timestamp: field(got, '@timestamp'),
        event: field(got, 'event'),
        os: field(got, 'host.os.type'),
        pid: field(got, 'process.pid'),
        name: field(got, 'process.name'),
        executable: field(got, 'process.executable'),
        args: field(got, 'process.args'),
        argsCount: field(got, 'process.args_count'),
        commandLine: field(got, 'process.command_line'),
        cwd: field(got, 'process.working_directory'),
        parentPid: field(got, 'process.parent.pid'),
        parentExecutable: field(got, 'process.parent.executable'),
        user: field(got, 'user.id'),
      }).toEqual({
        timestamp: '2026-11-20T09:00:02.000000000Z',
        event: {
          kind: 'event',
          category: ['process'],
          type: ['start'],
          action: 'exec',
          sequence: 2,
        },
        os: 'macos',
        pid: 4200,
        name: 'mount_smbfs',
        executable: '/sbin/mount_smbfs',
        args: ['mount_smbfs', '//u@h/s', '/Volumes/s'],
        argsCount: 3,
        commandLine: 'mount_smbfs //u@h/s /Volumes/s',
        cwd: '/Users/alice',
        parentPid: 4101,
        parentExecutable: '/bin/zsh',
        user: '501',
      });
    },
  );

  it('leaves process.parent.executable empty when the parent was never seen', () => {
    const { normalizer } = setup();
    const spawn = spawnFromShell(4250, '/sbin/mount_smbfs', 1);

    const got = eventOf(normalizer, spawn.exec(['mount_smbfs']));

    expect(field(got, 'process.parent')).toEqual({
      pid: 4101,
      entity_id: Buffer.from('mac-1-4101-100').toString('base64'),
      user: { id: '501' },
      real_user: { id: '501' },
      group: { id: '20' },
      real_group: { id: '20' },
    });
  });

  it('takes the parent from the table, skipping the forked copy that exec replaced', () => {
    const { normalizer } = setup();
    const shellStart = execMessage(
      envelope(1),
      { ...SHELL, pidversion: 99, path: '/usr/bin/login' },
      SHELL,
      ['-zsh'],
    );
    eventOf(normalizer, shellStart);
    const spawn = spawnFromShell(4300, '/bin/ls', 2);
    eventOf(normalizer, spawn.fork);

    const got = eventOf(normalizer, spawn.exec(['ls', '-l']));

    expect(field(got, 'process.parent')).toMatchObject({
      pid: 4101,
      name: 'zsh',
      executable: '/bin/zsh',
      args: ['-zsh'],
      command_line: '-zsh',
    });
  });

  it('gives the exec image a new entity id and keeps the fork child id distinct', () => {
    const { normalizer } = setup();
    const spawn = spawnFromShell(4400, '/bin/ls', 1);

    const forked = eventOf(normalizer, spawn.fork);
    const execed = eventOf(normalizer, spawn.exec(['ls']));

    const ids = [field(forked, 'process.entity_id'), field(execed, 'process.entity_id')];
    expect(new Set(ids).size).toBe(2);
    expect(field(execed, 'process.parent.entity_id')).toBe(
      field(forked, 'process.parent.entity_id'),
    );
  });

  it('gives a reused pid a different entity id', () => {
    const { normalizer } = setup();
    const first = spawnFromShell(4500, '/bin/ls', 1);
    const second = { ...spawnFromShell(4500, '/bin/ls', 3) };
    const reused = { ...second.image, pidversion: 99_999 };
    const secondExec = execMessage(envelope(4), { ...reused, pidversion: 99_998 }, reused, ['ls']);

    const got = [
      field(eventOf(normalizer, first.exec(['ls'])), 'process.entity_id'),
      field(eventOf(normalizer, secondExec), 'process.entity_id'),
    ];

    expect(got[0]).not.toBe(got[1]);
  });

  it('names the responsible process as process.Ext.effective_parent', () => {
    const { normalizer } = setup();
    const terminal: ProcessSpec = {
      pid: 612,
      pidversion: 50,
      path: '/System/Applications/Utilities/Terminal.app/Contents/MacOS/Terminal',
      parent: { pid: 1, pidversion: 1 },
    };
    eventOf(
      normalizer,
      exitMessage(envelope(1), { ...SHELL, pid: 999, pidversion: 1, responsible: terminal }),
    );
    eventOf(normalizer, forkMessage(envelope(2), terminal, SHELL));
    const image: ProcessSpec = {
      ...SHELL,
      pidversion: 101,
      path: '/usr/bin/open',
      responsible: terminal,
    };

    const got = eventOf(normalizer, execMessage(envelope(3), SHELL, image, ['open', 'smb://h/s']));

    expect(field(got, 'process.Ext.effective_parent')).toMatchObject({
      pid: 612,
      name: 'Terminal',
      executable: '/System/Applications/Utilities/Terminal.app/Contents/MacOS/Terminal',
    });
  });

  it('never forwards the environment', () => {
    const { normalizer } = setup();
    const spawn = spawnFromShell(4600, '/usr/bin/env', 1);

    const got = JSON.stringify(eventOf(normalizer, spawn.exec(['env'])));

    expect(got).not.toContain('API_TOKEN');
  });
});

describe('createNormalizer: fork and exit', () => {
  it('maps a fork to a start event of the child, which inherits the parent args', () => {
    const { normalizer } = setup();
    eventOf(normalizer, execMessage(envelope(1), { ...SHELL, pidversion: 99 }, SHELL, ['-zsh']));
    const spawn = spawnFromShell(4700, '/bin/ls', 2);

    const got = eventOf(normalizer, spawn.fork);

    expect([
      field(got, 'event.action'),
      field(got, 'event.type'),
      field(got, 'process.pid'),
      field(got, 'process.args'),
      field(got, 'process.parent.pid'),
    ]).toEqual(['fork', ['start'], 4700, ['-zsh'], 4101]);
  });

  it.each([
    [0, 0],
    [256 * 64, 64],
    [9, undefined],
  ])('maps an exit with wait status %i to exit code %s', (status, want) => {
    const { normalizer } = setup();

    const got = eventOf(normalizer, exitMessage(envelope(1), SHELL, status));

    expect([
      field(got, 'event.action'),
      field(got, 'event.type'),
      field(got, 'process.exit_code'),
    ]).toEqual(['end', ['end'], want]);
  });

  it('marks the process exited in the table', () => {
    const { normalizer, table } = setup();

    eventOf(normalizer, exitMessage(envelope(1), SHELL));

    expect(table.get({ pid: 4101, pidversion: 100 })?.exitedAtMs).toBe(
      Date.parse('2026-11-20T09:00:01Z'),
    );
  });
});

describe('createNormalizer: process field order', () => {
  const CHILD: ProcessSpec = { pid: 4200, pidversion: 101, path: '/bin/zsh', parent: SHELL };

  it.each(['cdhash', 'start_time', 'group_id'])(
    'keeps the key order of process fields when %s is missing',
    (missing) => {
      const complete = forkMessage(envelope(1), SHELL, CHILD) as {
        event: { fork: { child: Record<string, unknown> } };
      };
      const partial = structuredClone(complete);
      delete partial.event.fork.child[missing];

      const [full, lacking] = [complete, partial].map((message) =>
        Object.keys(field(eventOf(setup().normalizer, message), 'process') as object),
      );

      const dropped = { cdhash: 'hash', start_time: 'start', group_id: 'group_leader' }[missing];
      expect(lacking).toEqual(full?.filter((key) => key !== dropped));
      expect(full).toContain(dropped);
    },
  );
});

describe('createNormalizer: skipped and malformed messages', () => {
  it('skips event types it does not map, naming the type', () => {
    const { normalizer } = setup();
    const message = parseEsloggerLine(
      toEsloggerLine(openMessage(envelope(1), SHELL, '/etc/hosts')),
    );

    const got = normalizer.normalize(message, ORIGIN);

    expect(got).toEqual({ kind: 'skipped', reason: 'unsupported event type: open' });
  });

  it.each([
    [[1, 2], '(message): expected a JSON object'],
    [{ time: 'x' }, 'event: expected an object keyed by the event name'],
    [{ event: { exec: {} }, time: 'yesterday' }, 'time: expected an RFC 3339 timestamp'],
    [{ event: { exit: {} }, time: '2026-01-01T00:00:00Z' }, 'process: expected an object'],
  ])('reports %j as malformed: %s', (message, want) => {
    const { normalizer } = setup();

    const got = normalizer.normalize(message, ORIGIN);

    expect(got.kind === 'malformed' && [got.error.code, got.error.describe()]).toEqual([
      'MALFORMED_EVENT',
      `rec.jsonl:3: Not a usable event: ${want}`,
    ]);
  });

  it('leaves the table untouched by a malformed exec', () => {
    const { normalizer, table } = setup();
    const message = parseEsloggerLine(
      toEsloggerLine(execMessage(envelope(1), SHELL, SHELL, ['x'])),
    );
    delete (message as { event: { exec: Record<string, unknown> } }).event.exec['args'];

    const got = normalizer.normalize(message, ORIGIN);

    expect([got.kind, table.stats().size]).toEqual(['malformed', 0]);
  });
});

describe('createNormalizer: ECS input', () => {
  it('expands dotted keys and feeds the process and its parent to the table', () => {
    const { normalizer, table } = setup();
    const document = {
      '@timestamp': '2026-11-20T09:00:00Z',
      'event.category': ['process'],
      'process.pid': 10,
      'process.entity_id': 'child',
      'process.name': 'mount',
      'process.parent': { pid: 9, entity_id: 'parent', name: 'zsh' },
    };

    const got = normalizer.normalizeEcs(document, ORIGIN);

    expect(got).toEqual({
      kind: 'event',
      event: {
        '@timestamp': '2026-11-20T09:00:00Z',
        event: { category: ['process'] },
        process: {
          pid: 10,
          entity_id: 'child',
          name: 'mount',
          parent: { pid: 9, entity_id: 'parent', name: 'zsh' },
        },
      },
    });
    expect(table.ancestry('child', 5)).toEqual([{ pid: 9, entity_id: 'parent', name: 'zsh' }]);
  });

  it('reports a key given both as a value and as an object', () => {
    const { normalizer } = setup();

    const got = normalizer.normalizeEcs({ process: 'x', 'process.name': 'y' }, ORIGIN);

    expect(got.kind === 'malformed' && got.error.message).toBe(
      'Not a usable event: process.name: expected an object at process, not a value',
    );
  });
});

describe('codeSignatureOf', () => {
  const APPLE = CS_SIGNED | CS_VALID | CS_PLATFORM_BINARY;
  it.each([
    [
      'an Apple platform binary',
      APPLE,
      true,
      { exists: true, trusted: true, status: 'trusted', subject_name: 'Software Signing' },
    ],
    [
      'a Developer ID app',
      CS_SIGNED | CS_VALID,
      false,
      { exists: true, trusted: true, status: 'trusted' },
    ],
    [
      'an ad hoc signed tool',
      CS_SIGNED | CS_VALID | CS_ADHOC,
      false,
      { exists: true, trusted: false, status: 'adhoc' },
    ],
    [
      'a signature that failed validation',
      CS_SIGNED,
      false,
      { exists: true, trusted: false, status: 'invalid' },
    ],
    ['an unsigned binary', 0, false, { exists: false, trusted: false, status: 'unsigned' }],
  ])('describes %s', (_label, flags, isPlatformBinary, want) => {
    const got = codeSignatureOf({
      signingId: undefined,
      teamId: undefined,
      codesigningFlags: flags,
      isPlatformBinary,
    });

    expect(got).toEqual(want);
  });
});
