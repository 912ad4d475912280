import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { realpathSync } from 'node:fs';

import { afterEach, describe, expect, it } from 'vitest';

import {
  parentFromProcStat,
  parsePsOutput,
  takeProcessSnapshot,
} from '../../src/sources/process-snapshot.js';

const children: ReturnType<typeof spawn>[] = [];

afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

describe('takeProcessSnapshot on Linux (/proc)', () => {
  it('lists a running child with its parent, executable and arguments', async () => {
    const script = 'setTimeout(() => undefined, 30_000)';
    const child = spawn(process.execPath, ['-e', script, 'marker argument']);
    children.push(child);
    await once(child, 'spawn');

    const got = await takeProcessSnapshot({ platform: 'linux' });

    const entry = got.find((candidate) => candidate.pid === child.pid);
    expect(entry).toEqual({
      pid: child.pid,
      ppid: process.pid,
      executable: realpathSync(process.execPath),
      args: [process.execPath, '-e', script, 'marker argument'],
      commandLine: `${process.execPath} -e ${script} marker argument`,
    });
  });

  it('lists this process and returns entries in pid order', async () => {
    const got = await takeProcessSnapshot({ platform: 'linux' });

    const pids = got.map((entry) => entry.pid);
    expect(pids).toContain(process.pid);
    expect(pids).toEqual([...pids].sort((a, b) => a - b));
  });
});

describe('parentFromProcStat', () => {
  it.each([
    ['1234 (bash) S 1 1234 1234 0 -1', 1],
    ['77 (a) b) weird) R 42 77 77 0 -1', 42],
    ['88 (tab\tname) S 7 88', 7],
  ])('reads the parent of %j as %i', (stat, want) => {
    const got = parentFromProcStat(stat);

    expect(got).toBe(want);
  });

  it('gives undefined for a line without a command name', () => {
    const got = parentFromProcStat('garbage');

    expect(got).toBeUndefined();
  });
});

describe('takeProcessSnapshot on macOS (ps)', () => {
  const executables = [
    '    1     0 /sbin/launchd',
    '  532     1 /usr/libexec/configd',
    ' 19745     1 /Applications/Mullvad VPN.app/Contents/MacOS/Mullvad VPN',
    '',
  ].join('\n');
  const commandLines = [
    '    1 /sbin/launchd',
    '  532 /usr/libexec/configd',
    ' 19745 /Applications/Mullvad VPN.app/Contents/MacOS/Mullvad VPN --hidden',
    '',
  ].join('\n');

  it('runs ps twice and joins executable paths with command lines by pid', async () => {
    const calls: string[] = [];
    const runCommand = (file: string, args: readonly string[]) => {
      calls.push([file, ...args].join(' '));
      return Promise.resolve(args.includes('pid=,ppid=,comm=') ? executables : commandLines);
    };

    const got = await takeProcessSnapshot({ platform: 'darwin', runCommand });

    expect(calls).toEqual(['/bin/ps -axww -o pid=,ppid=,comm=', '/bin/ps -axww -o pid=,args=']);
    expect(got.map((entry) => [entry.pid, entry.ppid, entry.executable])).toEqual([
      [1, 0, '/sbin/launchd'],
      [532, 1, '/usr/libexec/configd'],
      [19745, 1, '/Applications/Mullvad VPN.app/Contents/MacOS/Mullvad VPN'],
    ]);
  });

  it('keeps the exact command line, and splits args on spaces (lossy by nature of ps)', () => {
    const got = parsePsOutput(executables, commandLines).find((entry) => entry.pid === 19745);

    expect(got?.commandLine).toBe(
      '/Applications/Mullvad VPN.app/Contents/MacOS/Mullvad VPN --hidden',
    );
    expect(got?.args).toEqual([
      '/Applications/Mullvad',
      'VPN.app/Contents/MacOS/Mullvad',
      'VPN',
      '--hidden',
    ]);
  });

  it('gives null args for a process whose command line ps did not list', () => {
    const got = parsePsOutput('  9  1 /usr/bin/true\n', '');

    expect(got).toEqual([
      { pid: 9, ppid: 1, executable: '/usr/bin/true', args: null, commandLine: null },
    ]);
  });
});
