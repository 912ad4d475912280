import { readFileSync, writeFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { createNormalizer, parseEsloggerLine } from '../../src/normalize/index.js';
import { createProcessTable } from '../../src/process-table/index.js';
import type { EcsDocument } from '../../src/shared/types.js';
import { EXAMPLE_RECORDINGS } from '../fixtures/eslogger/example-recordings.js';

const SHOULD_UPDATE = process.env['UPDATE_GOLDEN'] === '1';

function execEventsOf(name: keyof typeof EXAMPLE_RECORDINGS): EcsDocument[] {
  const normalizer = createNormalizer({ table: createProcessTable(), host: { hostname: 'mac' } });
  const lines = readFileSync(`examples/${name}`, 'utf8').split('\n');
  const events: EcsDocument[] = [];
  for (const [index, line] of lines.entries()) {
    let message: unknown;
    try {
      message = parseEsloggerLine(line);
    } catch {
      continue;
    }
    const outcome = normalizer.normalize(message, { source: 'test', line: index + 1 });
    const isExec =
      outcome.kind === 'event' && (outcome.event['event'] as EcsDocument)['action'] === 'exec';
    if (isExec) events.push(outcome.event);
  }
  return events;
}

function processOf(event: EcsDocument): EcsDocument {
  return event['process'] as EcsDocument;
}

describe('bundled example recordings', () => {
  it.each(Object.keys(EXAMPLE_RECORDINGS) as (keyof typeof EXAMPLE_RECORDINGS)[])(
    'examples/%s is what example-recordings.ts builds',
    (name) => {
      const want = EXAMPLE_RECORDINGS[name]().join('\n') + '\n';
      if (SHOULD_UPDATE) writeFileSync(`examples/${name}`, want);

      const got = readFileSync(`examples/${name}`, 'utf8');

      expect(got).toBe(want);
    },
  );

  it('gives the SMB mounts the fields the seed rule reads', () => {
    const got = execEventsOf('smb-mount.eslogger.jsonl')
      .filter((event) => /mount|open|osascript/.test(String(processOf(event)['name'])))
      .map((event) => {
        const process = processOf(event);
        const parent = process['parent'] as EcsDocument;
        return [process['name'], process['command_line'], parent['executable'] ?? null];
      });

    const want = [
      ['open', 'open smb://fileserver.example/share', '/bin/zsh'],
      ['mount_smbfs', 'mount_smbfs //alice@fileserver.example/share /Volumes/share', '/bin/zsh'],
      ['mount', 'mount -t smbfs //alice@fileserver.example/projects /Volumes/projects', '/bin/zsh'],
      ['osascript', 'osascript -e mount volume "smb://fileserver.example/media"', '/bin/zsh'],
      [
        'mount_smbfs',
        '/sbin/mount_smbfs -N //drive@fileserver.example/gdrive /Volumes/GoogleDrive-smb',
        '/Applications/Google Drive.app/Contents/MacOS/Google Drive',
      ],
      ['mount_smbfs', 'mount_smbfs //alice@fileserver.example/backup /Volumes/backup', null],
    ];
    expect(got).toEqual(want);
  });

  it('names Terminal as the effective parent of commands typed in its shell', () => {
    const mount = execEventsOf('smb-mount.eslogger.jsonl').find(
      (event) => processOf(event)['name'] === 'mount_smbfs',
    );

    const got = (processOf(mount ?? {})['Ext'] as EcsDocument)['effective_parent'];

    expect(got).toMatchObject({
      pid: 612,
      name: 'Terminal',
      executable: '/System/Applications/Utilities/Terminal.app/Contents/MacOS/Terminal',
    });
  });
});
