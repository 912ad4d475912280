/**
 * The seed rule's query as the built-in pack ships it, read from its TOML file, so tests and
 * benchmarks exercise exactly the text users run.
 */
import { readFileSync } from 'node:fs';

import { parse } from 'smol-toml';

const SEED_RULE_FILE = new URL(
  '../../rules/lateral_movement_mount_smb_share_via_command_line.toml',
  import.meta.url,
);

function readSeedQuery(): string {
  const document = parse(readFileSync(SEED_RULE_FILE, 'utf8')) as { rule?: { query?: unknown } };
  const query = document.rule?.query;
  if (typeof query !== 'string') throw new Error(`no [rule] query in ${SEED_RULE_FILE.pathname}`);
  return query;
}

export const SEED_RULE_QUERY = readSeedQuery();
