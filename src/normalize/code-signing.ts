/**
 * `process.code_signature.*` from what ES reports about a process: its code-signing flags (the
 * kernel's `cs_flags`, values from Apple's `kern/cs_blobs.h`), signing id, team id and whether it
 * is a platform binary.
 *
 * Derivation (the kernel validated the signature when it mapped the image; execwatch re-checks
 * nothing):
 * - `exists`: CS_SIGNED is set; without flags, a signing id was reported.
 * - `trusted`: signed, CS_VALID still set (the kernel clears it when a page fails validation),
 *   and not ad hoc (an ad hoc signature has no certificate chain to trust).
 * - `status`: "trusted", "adhoc", "invalid" or "unsigned", the same reasoning as one word.
 * - `signing_id`, `team_id`: as reported; ES gives null for none, which stays absent.
 * - `subject_name`: "Software Signing" for platform binaries, the leaf certificate Apple signs
 *   the operating system with. Left empty for everything else: ES does not report certificate
 *   names, and "Developer ID Application: …" cannot be rebuilt from a team id.
 */
import type { EcsDocument } from '../shared/types.js';

export const CS_VALID = 0x0000_0001;
export const CS_ADHOC = 0x0000_0002;
export const CS_RUNTIME = 0x0001_0000;
export const CS_PLATFORM_BINARY = 0x0400_0000;
export const CS_SIGNED = 0x2000_0000;

export const APPLE_PLATFORM_SUBJECT = 'Software Signing';

export interface SigningFacts {
  signingId: string | undefined;
  teamId: string | undefined;
  codesigningFlags: number | undefined;
  isPlatformBinary: boolean | undefined;
}

/** The ECS `code_signature` object for one process image. */
export function codeSignatureOf(facts: SigningFacts): EcsDocument {
  const flags = facts.codesigningFlags;
  const exists = flags === undefined ? facts.signingId !== undefined : hasFlag(flags, CS_SIGNED);
  const valid = flags === undefined ? exists : hasFlag(flags, CS_VALID);
  const adhoc = flags !== undefined && hasFlag(flags, CS_ADHOC);
  const isPlatform =
    facts.isPlatformBinary ?? (flags !== undefined && hasFlag(flags, CS_PLATFORM_BINARY));

  const signature: EcsDocument = {
    exists,
    trusted: exists && valid && !adhoc,
    status: statusOf(exists, valid, adhoc),
  };
  if (facts.signingId !== undefined && facts.signingId !== '') {
    signature['signing_id'] = facts.signingId;
  }
  if (facts.teamId !== undefined && facts.teamId !== '') signature['team_id'] = facts.teamId;
  if (isPlatform && exists && valid) signature['subject_name'] = APPLE_PLATFORM_SUBJECT;
  return signature;
}

function statusOf(exists: boolean, valid: boolean, adhoc: boolean): string {
  if (!exists) return 'unsigned';
  if (!valid) return 'invalid';
  return adhoc ? 'adhoc' : 'trusted';
}

function hasFlag(flags: number, flag: number): boolean {
  return (flags & flag) !== 0;
}
