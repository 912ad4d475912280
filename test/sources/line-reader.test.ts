import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { quoteValueLikeIntegers } from '../../src/normalize/index.js';
import { splitLines } from '../../src/sources/line-reader.js';

async function* chunksOf(bytes: Buffer, cuts: number[]): AsyncGenerator<Buffer> {
  let start = 0;
  for (const cut of [...new Set(cuts)].sort((a, b) => a - b)) {
    yield bytes.subarray(start, cut);
    start = cut;
  }
  yield bytes.subarray(start);
}

/** A finished file's lines: split at newlines, `\r` ends dropped, none after a final newline. */
function expectedLines(text: string): string[] {
  const lines = text.split('\n');
  if (text.endsWith('\n') || text === '') lines.pop();
  return lines.map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
}

async function linesOf(chunks: AsyncIterable<Buffer>, flushPartial: boolean) {
  const originals: string[] = [];
  const guessed: string[] = [];
  for await (const batch of splitLines(chunks, flushPartial)) {
    batch.guessed.forEach((line, index) => {
      guessed.push(line);
      originals.push(batch.original(index));
    });
  }
  return { originals, guessed };
}

/** A text of up to 30 of `pieces`, and the lines of a finished file holding it, cut anywhere. */
const cutText = (pieces: string[]) =>
  fc
    .tuple(
      fc.array(fc.constantFrom(...pieces), { maxLength: 30 }),
      fc.array(fc.nat(), { maxLength: 6 }),
    )
    .map(([chosen, rawCuts]) => {
      const input = chosen.join('');
      const bytes = Buffer.from(input);
      return { input, bytes, cuts: rawCuts.map((cut) => cut % (bytes.length + 1)) };
    });

describe('splitLines', () => {
  it('gives the same lines however the bytes are cut into chunks', async () => {
    const text = cutText(['{"a":1}', 'prôcess', '日本', '😀', 'x', '\n', '\r\n', '\n\n']);

    await fc.assert(
      fc.asyncProperty(text, async ({ input, bytes, cuts }) => {
        const got = await linesOf(chunksOf(bytes, cuts), true);

        expect(got.originals).toEqual(expectedLines(input));
      }),
      { numRuns: 500 },
    );
  });

  it('holds back an unfinished last line when following a file', async () => {
    const got = await linesOf(chunksOf(Buffer.from('a\nb\nc'), [3]), false);

    expect(got.originals).toEqual(['a', 'b']);
  });

  it('guesses on whole chunks exactly as on each line alone', async () => {
    const text = cutText([
      '{"n":12345678901234567890}',
      '[9007199254740993,1]',
      '{"n":9007199254740991,"m":-9007199254740992}',
      '{"s":"x:12345678901234567890","t":[ 12345678901234567890 ]}',
      '12345678901234567890',
      '[\r\t12345678901234567890]',
      '{"n":00000000000000001234}',
      '{"f":12345678901234567.5,"e":12345678901234567e3}',
      '\n',
      '\r\n',
      ' ',
      'é',
    ]);

    await fc.assert(
      fc.asyncProperty(text, async ({ input, bytes, cuts }) => {
        const got = await linesOf(chunksOf(bytes, cuts), true);

        expect(got.guessed).toEqual(got.originals.map((line) => quoteValueLikeIntegers(line)));
        expect(got.originals).toEqual(expectedLines(input));
      }),
      { numRuns: 500 },
    );
  });
});
