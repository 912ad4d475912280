import { parse } from 'plist';
import { describe, expect, it } from 'vitest';

import {
  buildLaunchDaemonPlist,
  buildNewsyslogEntry,
  EXECUTABLE_PATH,
  LOG_PATH,
} from '../../src/packaging/index.js';

describe('buildLaunchDaemonPlist', () => {
  it('parses back to the LaunchDaemon definition launchd needs', () => {
    const got = parse(buildLaunchDaemonPlist());

    expect(got).toEqual({
      Label: 'com.execwatch.agent',
      ProgramArguments: [
        EXECUTABLE_PATH,
        'run',
        '--config',
        '/Library/Application Support/execwatch/config.json',
      ],
      RunAtLoad: true,
      KeepAlive: true,
      ThrottleInterval: 10,
      ExitTimeOut: 15,
      ProcessType: 'Interactive',
      StandardOutPath: LOG_PATH,
      StandardErrorPath: LOG_PATH,
      EnvironmentVariables: { PATH: '/usr/bin:/bin:/usr/sbin:/sbin' },
    });
    expect(EXECUTABLE_PATH).toBe(
      '/Library/Application Support/execwatch/Execwatch.app/Contents/MacOS/execwatch',
    );
  });

  it(
    'keeps paths with XML-special characters intact ' + 'and gives launchd time past the deadline',
    () => {
      const executablePath = '/opt/a & b/<exec>"watch"';

      const got = parse(
        buildLaunchDaemonPlist({
          executablePath,
          shutdownDeadlineMs: 30_500,
          throttleIntervalSeconds: 30,
        }),
      ) as Record<string, unknown>;

      expect((got.ProgramArguments as string[])[0]).toBe(executablePath);
      expect(got.ExitTimeOut).toBe(36);
      expect(got.ThrottleInterval).toBe(30);
    },
  );
});

describe('buildNewsyslogEntry', () => {
  it('rotates the agent log at 10 MiB, keeps 7 compressed files and signals nothing', () => {
    const got = buildNewsyslogEntry()
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith('#'));

    expect(got).toEqual([
      '/Library/Logs/execwatch/execwatch.log  root:wheel  640  7  10240  *  NJ',
    ]);
    expect(got[0]?.split(/\s+/)).toHaveLength(7);
  });
});
