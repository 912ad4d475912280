/**
 * Templates of the configuration profiles a fleet deploys with its MDM (Jamf, Kandji, …):
 * Full Disk Access for the agent (PPPC, by bundle identifier and code requirement), the
 * managed login item that keeps users from switching the LaunchDaemon off in System Settings,
 * and managed preferences for the `com.execwatch.agent` domain. Built with the plist library.
 * Payload UUIDs derive from the team id and payload name, so regenerating a profile gives the
 * same UUIDs and an MDM recognises it as the same profile.
 */
import { createHash } from 'node:crypto';

import { build } from 'plist';
import type { PlistValue } from 'plist';

import { BUNDLE_ID, EXECUTABLE_PATH, LABEL } from './layout.js';

export const TEAM_ID_PLACEHOLDER = 'TEAMID0000';

export interface ProfileOptions {
  /** The Apple Developer team that signs the bundle. */
  teamId?: string;
  organization?: string;
}

/** The designated requirement of our signed bundle, as TCC checks it. */
export function codeRequirement(teamId: string): string {
  return (
    `identifier "${BUNDLE_ID}" and anchor apple generic and ` +
    'certificate 1[field.1.2.840.113635.100.6.2.6] /* exists */ and ' +
    'certificate leaf[field.1.2.840.113635.100.6.1.13] /* exists */ and ' +
    `certificate leaf[subject.OU] = "${teamId}"`
  );
}

/** PPPC: Full Disk Access (SystemPolicyAllFiles) for the agent's bundle. */
export function buildFullDiskAccessProfile(options: ProfileOptions = {}): string {
  const teamId = options.teamId ?? TEAM_ID_PLACEHOLDER;
  const grant = {
    Identifier: BUNDLE_ID,
    IdentifierType: 'bundleID',
    CodeRequirement: codeRequirement(teamId),
    Authorization: 'Allow',
    StaticCode: false,
    Comment:
      'execwatch needs Full Disk Access to receive Endpoint Security events ' +
      `(${EXECUTABLE_PATH})`,
  };
  const payload = makePayload('com.apple.TCC.configuration-profile-policy', 'pppc', teamId, {
    PayloadDisplayName: 'execwatch: Full Disk Access',
    Services: { SystemPolicyAllFiles: [grant] },
  });
  return wrapProfile('pppc', 'execwatch Full Disk Access', [payload], teamId, options);
}

/** Managed login item: the LaunchDaemon stays on; users cannot turn it off. */
export function buildManagedLoginItemProfile(options: ProfileOptions = {}): string {
  const teamId = options.teamId ?? TEAM_ID_PLACEHOLDER;
  const payload = makePayload('com.apple.servicemanagement', 'login-item', teamId, {
    PayloadDisplayName: 'execwatch: managed background item',
    Rules: [
      { RuleType: 'Label', RuleValue: LABEL, Comment: 'the execwatch LaunchDaemon' },
      { RuleType: 'TeamIdentifier', RuleValue: teamId, Comment: 'anything signed by our team' },
    ],
  });
  return wrapProfile('login-item', 'execwatch managed login item', [payload], teamId, options);
}

/**
 * Managed preferences for the agent: the settings given (by default a commented starting
 * point) land in `/Library/Managed Preferences/com.execwatch.agent.plist`.
 */
export function buildManagedPreferencesProfile(
  settings: Record<string, PlistValue> = DEFAULT_MANAGED_SETTINGS,
  options: ProfileOptions = {},
): string {
  const teamId = options.teamId ?? TEAM_ID_PLACEHOLDER;
  const payload = makePayload(BUNDLE_ID, 'preferences', teamId, {
    PayloadDisplayName: 'execwatch: settings',
    ...settings,
  });
  return wrapProfile('preferences', 'execwatch settings', [payload], teamId, options);
}

const DEFAULT_MANAGED_SETTINGS: Record<string, PlistValue> = {
  notify: { backend: 'osascript', minSeverity: 'medium', quietPeriods: [] },
  outputs: [
    {
      type: 'elasticsearch',
      url: 'https://elasticsearch.example.com:9200',
      apiKey: { secretFile: '/Library/Application Support/execwatch/es-api-key' },
    },
  ],
};

function makePayload(
  type: string,
  name: string,
  teamId: string,
  body: Record<string, PlistValue>,
): Record<string, PlistValue> {
  return {
    PayloadType: type,
    PayloadIdentifier: `${BUNDLE_ID}.profile.${name}.payload`,
    PayloadUUID: stableUuid(`${teamId}/${name}/payload`),
    PayloadVersion: 1,
    ...body,
  };
}

function wrapProfile(
  name: string,
  displayName: string,
  payloads: Array<Record<string, PlistValue>>,
  teamId: string,
  options: ProfileOptions,
): string {
  return build({
    PayloadType: 'Configuration',
    PayloadVersion: 1,
    PayloadIdentifier: `${BUNDLE_ID}.profile.${name}`,
    PayloadUUID: stableUuid(`${teamId}/${name}`),
    PayloadDisplayName: displayName,
    PayloadOrganization: options.organization ?? 'execwatch',
    PayloadScope: 'System',
    PayloadContent: payloads,
  });
}

/** A UUID (version-4 layout) derived from a name, so profiles are reproducible. */
function stableUuid(name: string): string {
  const hex = createHash('sha256').update(name).digest('hex');
  const variant = ((parseInt(hex.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return [
    hex.slice(0, 8),
    hex.slice(8, 12),
    `4${hex.slice(13, 16)}`,
    `${variant}${hex.slice(17, 20)}`,
    hex.slice(20, 32),
  ]
    .join('-')
    .toUpperCase();
}
