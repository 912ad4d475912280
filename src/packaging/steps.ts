/**
 * A build as a list of described steps: run in order, or with `--dry-run` only described. The
 * descriptions are the dry-run output, so what is printed is exactly what would run.
 */

export interface Step {
  description: string;
  run(): Promise<void> | void;
}

export async function runSteps(
  steps: readonly Step[],
  options: { dryRun: boolean; say: (line: string) => void },
): Promise<void> {
  for (const step of steps) {
    if (options.dryRun) {
      options.say(`would ${step.description}`);
      continue;
    }
    options.say(step.description);
    await step.run();
  }
}

/** A command line as a person would type it, for descriptions only (never executed). */
export function showCommand(program: string, args: readonly string[]): string {
  const quote = (arg: string) =>
    /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`;
  return [program, ...args].map(quote).join(' ');
}
