import type { Command } from 'commander';

import type { CliContext } from '../context.js';

// Placeholder until the command lands; it is registered so that --help lists it.
export function registerQueryCommand(program: Command, _context: CliContext): void {
  program.command('query').description('(not built yet)');
}
