import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { splitLines } from '../../src/sources/line-reader.js';

async function* chunksOf(bytes: Buffer, cuts: number[]): AsyncGenerator<Buffer> {
  let start = 0;
  for (const cut of [...new Set(cuts)].sort((a, b) => a - b)) {
    yield bytes.subarray(start, cut);
    start = cut;
  }
  yield bytes.subarray(start);
}

/** What a finished file's lines are: split at newlines, `\r` ends dropped, no line after a final newline. */
function expectedLines(text: string): string[] {
  const lines = text.split('\n');
  if (text.endsWith('\n') || text === '') lines.pop();
  return lines.map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
}

describe('splitLines', () => {
  it('gives the same lines however the bytes are cut into chunks', async () => {
    const piece = fc.constantFrom('{"a":1}', 'prôcess', '日本', '\n', '\r\n', '\n\n', 'x', '😀');
    const text = fc.array(piece, { maxLength: 30 }).map((pieces) => pieces.join(''));

    await fc.assert(
      fc.asyncProperty(text, fc.array(fc.nat(), { maxLength: 6 }), async (input, rawCuts) => {
        const bytes = Buffer.from(input);
        const cuts = rawCuts.map((cut) => cut % (bytes.length + 1));

        const got: string[] = [];
        for await (const lines of splitLines(chunksOf(bytes, cuts), true)) got.push(...lines);

        expect(got).toEqual(expectedLines(input));
      }),
      { numRuns: 500 },
    );
  });

  it('holds back an unfinished last line when following a file', async () => {
    const got: string[] = [];
    for await (const lines of splitLines(chunksOf(Buffer.from('a\nb\nc'), [3]), false)) {
      got.push(...lines);
    }

    expect(got).toEqual(['a', 'b']);
  });
});
