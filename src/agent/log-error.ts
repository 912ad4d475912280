/**
 * An error as a plain log field. winston's JSON format renders an `Error` as `{}`, so the agent
 * logs `{ code, message }` under `err`, with the position (file:line:column) in the message.
 */
import { ExecwatchError, describeError } from '../shared/errors.js';

export function errorField(error: unknown): { code: string | null; message: string } {
  const code = error instanceof ExecwatchError ? error.code : null;
  return { code, message: describeError(error) };
}
