import { EcsVersion } from '@elastic/ecs';
import { describe, expect, it } from 'vitest';

import {
  buildAlert,
  computeAlertId,
  ECS_VERSION,
  renderAlertText,
} from '../../src/alerts/index.js';
import type { AlertContext } from '../../src/alerts/index.js';
import type { Detection } from '../../src/detect/index.js';
import type { ThreatMapping } from '../../src/rules/index.js';
import { validateEcsDocument } from '../support/ecs-validate.js';
import { makeEvent, makeRule } from '../rules/factories.js';

const CONTEXT: AlertContext = {
  agent: { id: 'agent-1', name: 'mbp-alice', version: '0.1.0' },
  now: () => new Date('2026-12-01T10:00:00.000Z'),
};

const SMB_THREAT: ThreatMapping = {
  framework: 'MITRE ATT&CK',
  tactic: {
    id: 'TA0008',
    name: 'Lateral Movement',
    reference: 'https://attack.mitre.org/tactics/TA0008/',
  },
  technique: [
    {
      id: 'T1021',
      name: 'Remote Services',
      reference: 'https://attack.mitre.org/techniques/T1021/',
      subtechnique: [
        {
          id: 'T1021.002',
          name: 'SMB/Windows Admin Shares',
          reference: 'https://attack.mitre.org/techniques/T1021/002/',
        },
      ],
    },
  ],
};

function makeDetection(overrides: Partial<Detection> = {}): Detection {
  return {
    rule: makeRule({
      threat: [SMB_THREAT],
      references: ['https://example.test/rule'],
      tags: ['OS: macOS'],
    }),
    events: [
      makeEvent({ process: { name: 'mount_smbfs', Ext: { effective_parent: { pid: 1 } } } }),
    ],
    suppressedCount: 0,
    ...overrides,
  };
}

describe('buildAlert', () => {
  it('builds an alert whose every field is valid ECS', () => {
    const got = validateEcsDocument(buildAlert(makeDetection(), CONTEXT));

    expect(got).toEqual([]);
  });

  it('marks the document as an alert with the rule severity and risk', () => {
    const got = buildAlert(makeDetection(), CONTEXT).event;

    expect(got).toMatchObject({ kind: 'alert', severity: 21, risk_score: 21, action: 'exec' });
  });

  it('lays the ATT&CK mapping out as ECS threat arrays', () => {
    const got = buildAlert(makeDetection(), CONTEXT).threat;

    const want = {
      framework: 'MITRE ATT&CK',
      tactic: {
        id: ['TA0008'],
        name: ['Lateral Movement'],
        reference: ['https://attack.mitre.org/tactics/TA0008/'],
      },
      technique: {
        id: ['T1021'],
        name: ['Remote Services'],
        reference: ['https://attack.mitre.org/techniques/T1021/'],
        subtechnique: {
          id: ['T1021.002'],
          name: ['SMB/Windows Admin Shares'],
          reference: ['https://attack.mitre.org/techniques/T1021/002/'],
        },
      },
    };
    expect(got).toEqual(want);
  });

  it('drops Elastic Defend extensions (process.Ext) that are not ECS', () => {
    const got = buildAlert(makeDetection(), CONTEXT).process as Record<string, unknown>;

    expect(got.name).toBe('mount_smbfs');
    expect(got).not.toHaveProperty('Ext');
  });

  it('omits threat when the rule has no mapping', () => {
    const detection = makeDetection({ rule: makeRule() });

    const got = buildAlert(detection, CONTEXT);

    expect(got).not.toHaveProperty('threat');
  });

  it('says how many similar alerts were suppressed before this one', () => {
    const got = buildAlert(makeDetection({ suppressedCount: 4 }), CONTEXT).message;

    expect(got).toContain('4 similar alerts suppressed');
  });

  it('follows the ECS version of the @elastic/ecs field definitions', () => {
    expect(ECS_VERSION).toBe(EcsVersion);
  });
});

describe('computeAlertId', () => {
  it('gives the same id for the same rule and events, and another for another event', () => {
    const detection = makeDetection();
    const other = makeDetection({ rule: detection.rule });

    expect(computeAlertId(detection)).toBe(computeAlertId({ ...detection }));
    expect(computeAlertId(detection)).not.toBe(computeAlertId(other));
  });
});

describe('renderAlertText', () => {
  it('draws the ancestry as a tree ending at the matched process', () => {
    const alert = buildAlert(makeDetection(), CONTEXT);
    const ancestry = [
      { pid: 1, name: 'launchd', commandLine: '/sbin/launchd' },
      { pid: 400, name: 'zsh', commandLine: '-zsh' },
    ];

    const got = renderAlertText(alert, ancestry).split('\n').slice(-3);

    expect(got[0]).toBe('    /sbin/launchd  (pid 1)');
    expect(got[1]).toBe('    └─ -zsh  (pid 400)');
    expect(got[2]).toMatch(/^ {7}└─▶ .*\(pid \d+\)$/);
  });

  it('escapes control characters so process arguments cannot drive the terminal', () => {
    const detection = makeDetection({
      events: [makeEvent({ process: { name: 'evil', command_line: 'evil \u001b[2J\nrm' } })],
    });

    const got = renderAlertText(buildAlert(detection, CONTEXT), []);

    expect(got).toContain('evil \\x1b[2J\\x0arm');
    expect(got).not.toContain('\u001b');
  });
});
