/**
 * `npm run bench`: every benchmark of the project, one after another, each printing its own
 * figures. Pass names to run only some: `npm run bench -- eql replay`.
 */
const BENCHMARKS: Record<string, () => Promise<{ run: () => Promise<void> }>> = {
  eql: () => import('./eql.js'),
  'eql-parser': () => import('./eql-parser.js'),
  'detect-engine': () => import('./detect-engine.js'),
  'replay-read': () => import('./replay-read.js'),
  replay: () => import('./replay.js'),
  delivery: () => import('./delivery.js'),
  'native-pump': () => import('./native-pump.js'),
  notify: () => import('./notify.js'),
};

async function main(): Promise<void> {
  const requested = process.argv.slice(2);
  const names = requested.length > 0 ? requested : Object.keys(BENCHMARKS);

  for (const name of names) {
    const load = BENCHMARKS[name];
    if (load === undefined) {
      process.stderr.write(
        `unknown benchmark "${name}"; known: ${Object.keys(BENCHMARKS).join(', ')}\n`,
      );
      process.exitCode = 2;
      return;
    }
    process.stdout.write(`\n== ${name} ==\n`);
    const bench = await load();
    await bench.run();
  }
}

await main();
