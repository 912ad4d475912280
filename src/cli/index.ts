/**
 * The `execwatch` command. Each subcommand lives in its own module under `commands/` and
 * registers itself on the program; this file only assembles them and turns a thrown error into
 * a message and an exit status. Exit status: 0 ok, 1 the command found a problem (a failing
 * rule test, a rule in error), 2 usage or input errors.
 */
import { Command, CommanderError } from 'commander';

import { describeError } from '../shared/errors.js';
import { registerDoctorCommand } from './commands/doctor.js';
import { registerQueryCommand } from './commands/query.js';
import { registerRecordCommand } from './commands/record.js';
import { registerReplayCommand } from './commands/replay.js';
import { registerRulesCommand } from './commands/rules.js';
import { registerRunCommand } from './commands/run.js';
import { registerSetupCommand } from './commands/setup.js';
import { registerStatusCommand } from './commands/status.js';
import type { CliContext } from './context.js';

export function buildProgram(context: CliContext): Command {
  const program = new Command('execwatch')
    .description(
      'Watch every process execution on a Mac, run Elastic EQL detection rules on the host, ' +
        'and send ECS alerts to your collector. Recordings replay through the same pipeline ' +
        'on any OS, so rules can be tested in CI.',
    )
    .version(context.version)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => context.stdout.write(text),
      writeErr: (text) => context.stderr.write(text),
    })
    .showHelpAfterError('(run with --help for usage and examples)');

  registerRunCommand(program, context);
  registerReplayCommand(program, context);
  registerQueryCommand(program, context);
  registerRulesCommand(program, context);
  registerRecordCommand(program, context);
  registerStatusCommand(program, context);
  registerDoctorCommand(program, context);
  registerSetupCommand(program, context);
  return program;
}

/** Runs the CLI and resolves to the exit status; never throws. */
export async function main(argv: string[], context?: CliContext): Promise<number> {
  const ctx = context ?? (await import('./context.js')).createProcessContext();
  const program = buildProgram(ctx);

  try {
    await program.parseAsync(argv);
    return ctx.exitCode();
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    ctx.stderr.write(`execwatch: ${describeError(error)}\n`);
    return 2;
  }
}
