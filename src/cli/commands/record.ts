import type { Command } from 'commander';

import type { CliContext } from '../context.js';

// Placeholder until the command lands; it is registered so that --help lists it.
export function registerRecordCommand(program: Command, _context: CliContext): void {
  program.command('record').description('(not built yet)');
}
