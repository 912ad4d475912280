/**
 * Where execwatch's own rule pack lives: `rules/` at the package root, shipped with the package
 * (`files` in package.json). Both `src/rules/` (tests, tsx) and `dist/rules/` (the built CLI)
 * sit two levels below the root, so one relative path serves both.
 */
import { fileURLToPath } from 'node:url';

/** The absolute path of the built-in rule pack. */
export function builtinRulesDir(): string {
  return fileURLToPath(new URL('../../rules', import.meta.url));
}
