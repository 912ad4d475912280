/**
 * Reports bad input lines on stderr as `execwatch: file:line:column: message`, the first
 * `maxPrinted` in full and the rest only counted, so a recording full of garbage cannot flood
 * the terminal while every problem still counts in the summary.
 */
import type { ExecwatchError } from '../shared/errors.js';

export interface ProblemPrinter {
  report(error: ExecwatchError): void;
  /** Prints how many problems were not shown, if any. */
  finish(): void;
}

export function createProblemPrinter(
  stream: NodeJS.WritableStream,
  maxPrinted = 20,
): ProblemPrinter {
  let seen = 0;
  return {
    report(error) {
      seen += 1;
      if (seen <= maxPrinted) stream.write(`execwatch: ${error.describe()}\n`);
    },
    finish() {
      if (seen > maxPrinted) {
        stream.write(`execwatch: … and ${seen - maxPrinted} more malformed lines not shown\n`);
      }
    },
  };
}
