import { parse } from 'plist';
import { describe, expect, it } from 'vitest';

import {
  buildFullDiskAccessProfile,
  buildManagedLoginItemProfile,
  buildManagedPreferencesProfile,
  codeRequirement,
  TEAM_ID_PLACEHOLDER,
} from '../../src/packaging/index.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed plists are untyped trees
type Profile = Record<string, any>;

describe('MDM profile templates', () => {
  it('grants Full Disk Access to our bundle by its code requirement', () => {
    const got = parse(buildFullDiskAccessProfile({ teamId: 'ABCDE12345' })) as Profile;

    expect(got).toMatchObject({
      PayloadType: 'Configuration',
      PayloadScope: 'System',
      PayloadIdentifier: 'com.execwatch.agent.profile.pppc',
    });
    const payload = got.PayloadContent[0];
    expect(payload.PayloadType).toBe('com.apple.TCC.configuration-profile-policy');
    expect(payload.Services.SystemPolicyAllFiles).toEqual([
      expect.objectContaining({
        Identifier: 'com.execwatch.agent',
        IdentifierType: 'bundleID',
        Authorization: 'Allow',
        StaticCode: false,
        CodeRequirement:
          'identifier "com.execwatch.agent" and anchor apple generic and ' +
          'certificate 1[field.1.2.840.113635.100.6.2.6] /* exists */ and ' +
          'certificate leaf[field.1.2.840.113635.100.6.1.13] /* exists */ and ' +
          'certificate leaf[subject.OU] = "ABCDE12345"',
      }),
    ]);
  });

  it('uses a visible placeholder when no team id is given', () => {
    const got = buildFullDiskAccessProfile();

    expect(got).toContain(TEAM_ID_PLACEHOLDER);
    expect(codeRequirement('X')).toContain('subject.OU] = "X"');
  });

  it('manages the LaunchDaemon as a login item by label and team', () => {
    const got = parse(buildManagedLoginItemProfile({ teamId: 'ABCDE12345' })) as Profile;

    expect(got.PayloadContent[0].PayloadType).toBe('com.apple.servicemanagement');
    expect(got.PayloadContent[0].Rules).toEqual([
      {
        RuleType: 'Label',
        RuleValue: 'com.execwatch.agent',
        Comment: 'the execwatch LaunchDaemon',
      },
      {
        RuleType: 'TeamIdentifier',
        RuleValue: 'ABCDE12345',
        Comment: 'anything signed by our team',
      },
    ]);
  });

  it('carries the managed preferences for the com.execwatch.agent domain', () => {
    const settings = { notify: { backend: 'none' }, agent: { shutdownDeadlineMs: 20000 } };

    const got = parse(buildManagedPreferencesProfile(settings)) as Profile;

    expect(got.PayloadContent[0]).toMatchObject({
      PayloadType: 'com.execwatch.agent',
      ...settings,
    });
  });

  it('gives the same payload UUIDs on every build, distinct across profiles', () => {
    const uuids = () =>
      [
        buildFullDiskAccessProfile(),
        buildManagedLoginItemProfile(),
        buildManagedPreferencesProfile(),
      ]
        .map((text) => parse(text) as Profile)
        .flatMap((profile) => [profile.PayloadUUID, profile.PayloadContent[0].PayloadUUID]);

    const got = uuids();

    expect(got).toEqual(uuids());
    expect(new Set(got).size).toBe(6);
    for (const uuid of got)
      expect(uuid).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/);
  });
});
