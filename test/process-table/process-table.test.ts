import { describe, expect, it } from 'vitest';

import {
  createProcessTable,
  entityIdOf,
  type ProcessSighting,
  type ProcessTable,
  type SeedProcess,
} from '../../src/process-table/index.js';

const T0_MS = Date.parse('2026-11-20T09:00:00Z');
const SCOPE = { hostKey: 'mac-1' };

function sighting(pid: number, pidversion: number, parent?: [number, number]): ProcessSighting {
  const name = `proc-${pid}`;
  return {
    entityId: entityIdOf(SCOPE, pid, pidversion),
    pid,
    pidversion,
    ...(parent === undefined ? {} : { parentEntityId: entityIdOf(SCOPE, ...parent) }),
    fields: { pid, name, executable: `/bin/${name}`, args: [name] },
  };
}

describe('entityIdOf', () => {
  it.each([
    [{ hostKey: 'mac-1' }, 10, 1, 'mac-1-10-1'],
    [{ hostKey: 'mac-1', bootId: 'B00T' }, 10, 1, 'mac-1-B00T-10-1'],
  ])('encodes %j pid %i pidversion %i as base64 of %s', (scope, pid, pidversion, want) => {
    const got = Buffer.from(entityIdOf(scope, pid, pidversion), 'base64').toString();

    expect(got).toBe(want);
  });
});

describe('createProcessTable', () => {
  it('finds a process by (pid, pidversion) and by entity id', () => {
    const table = createProcessTable();
    const inserted = table.observe(sighting(10, 1), T0_MS);

    const got = [table.get({ pid: 10, pidversion: 1 }), table.getByEntityId(inserted.entityId)];

    expect(got).toEqual([inserted, inserted]);
    expect(table.get({ pid: 10, pidversion: 2 })).toBeUndefined();
  });

  it('walks the ancestry nearest first, up to maxDepth, without the process itself', () => {
    const table = createProcessTable();
    table.observe(sighting(1, 1), T0_MS);
    table.observe(sighting(10, 5, [1, 1]), T0_MS);
    table.observe(sighting(20, 9, [10, 5]), T0_MS);
    table.observe(sighting(30, 12, [20, 9]), T0_MS);

    const got = table.ancestry({ pid: 30, pidversion: 12 }, 2).map((step) => step.pid);

    expect(got).toEqual([20, 10]);
  });

  it('returns summaries with name, executable and args', () => {
    const table = createProcessTable();
    table.observe(sighting(1, 1), T0_MS);
    const child = table.observe(sighting(10, 5, [1, 1]), T0_MS);

    const got = table.ancestry(child.entityId, 10);

    expect(got).toEqual([
      {
        pid: 1,
        entity_id: entityIdOf(SCOPE, 1, 1),
        name: 'proc-1',
        executable: '/bin/proc-1',
        args: ['proc-1'],
      },
    ]);
  });

  it('stops the ancestry at a loop', () => {
    const table = createProcessTable();
    table.observe(sighting(10, 1, [20, 1]), T0_MS);
    table.observe(sighting(20, 1, [10, 1]), T0_MS);

    const got = table.ancestry({ pid: 10, pidversion: 1 }, 10).map((step) => step.pid);

    expect(got).toEqual([20, 10]);
  });

  it('keeps known fields and gains missing ones when a process is seen again', () => {
    const table = createProcessTable();
    table.observe(sighting(10, 1), T0_MS);

    table.observe({ ...sighting(10, 1), fields: { pid: 10, name: 'other', start: 'S' } }, T0_MS);

    expect(table.get({ pid: 10, pidversion: 1 })?.fields).toMatchObject({
      name: 'proc-10',
      start: 'S',
    });
  });

  it('ends the image before an exec and starts the new one', () => {
    const table = createProcessTable();
    table.observe(sighting(10, 1), T0_MS);
    table.observe(sighting(20, 1, [10, 1]), T0_MS);

    table.recordExec({ pid: 10, pidversion: 1 }, sighting(10, 2), T0_MS + 5);

    expect(table.get({ pid: 10, pidversion: 1 })?.exitedAtMs).toBe(T0_MS + 5);
    expect(table.get({ pid: 10, pidversion: 2 })?.exitedAtMs).toBeUndefined();
    expect(table.ancestry({ pid: 20, pidversion: 1 }, 5).map((step) => step.pid)).toEqual([10]);
  });

  it('lets an image replaced by exec go at once when no child names it', () => {
    const table = createProcessTable();
    table.observe(sighting(10, 1), T0_MS);

    table.recordExec({ pid: 10, pidversion: 1 }, sighting(10, 2), T0_MS + 5);

    const got = [table.get({ pid: 10, pidversion: 1 }), table.stats()];
    expect(got).toEqual([undefined, { size: 1, evicted: 0, expired: 0 }]);
  });

  it('drops an exited process once its time to live has passed in event time', () => {
    const table = createProcessTable({ exitedTtlMs: 1000 });
    table.observe(sighting(10, 1), T0_MS);
    table.recordExit({ pid: 10, pidversion: 1 }, T0_MS + 100);

    table.observe(sighting(11, 1), T0_MS + 1100);
    const stillThere = table.get({ pid: 10, pidversion: 1 }) !== undefined;
    table.observe(sighting(12, 1), T0_MS + 1101);

    expect([stillThere, table.get({ pid: 10, pidversion: 1 }), table.stats()]).toEqual([
      true,
      undefined,
      { size: 2, evicted: 0, expired: 1 },
    ]);
  });

  it('keeps running processes however much event time passes', () => {
    const table = createProcessTable({ exitedTtlMs: 1000 });
    table.observe(sighting(10, 1), T0_MS);

    table.observe(sighting(11, 1), T0_MS + 86_400_000);

    expect(table.stats()).toEqual({ size: 2, evicted: 0, expired: 0 });
  });

  it('does not expire an image seen again after its exited entry was evicted', () => {
    const table = createProcessTable({ maxEntries: 1, exitedTtlMs: 1000 });
    table.observe(sighting(10, 1), T0_MS);
    table.recordExit({ pid: 10, pidversion: 1 }, T0_MS);
    table.observe(sighting(11, 1), T0_MS);
    table.observe(sighting(10, 1), T0_MS);

    table.observe(sighting(10, 1), T0_MS + 5000);

    const got = [table.get({ pid: 10, pidversion: 1 })?.exitedAtMs, table.stats()];
    expect(got).toEqual([undefined, { size: 1, evicted: 2, expired: 0 }]);
  });

  it('still expires every held exit after pruning the exits of evicted entries', () => {
    const table = createProcessTable({ maxEntries: 100, exitedTtlMs: 60_000 });
    // 9,800 exits: the queue is pruned many times, the last time by the very last exit.
    for (let index = 0; index < 9_800; index += 1) {
      table.observe(sighting(1000 + index, index), T0_MS + index);
      table.recordExit({ pid: 1000 + index, pidversion: index }, T0_MS + index);
    }
    const held = table.stats();

    table.observe(sighting(1, 1), T0_MS + 9_800 + 60_000);

    expect([held, table.stats()]).toEqual([
      { size: 100, evicted: 9_700, expired: 0 },
      { size: 1, evicted: 9_700, expired: 100 },
    ]);
  });

  it('evicts the oldest entries past maxEntries and counts them', () => {
    const table = createProcessTable({ maxEntries: 3 });

    for (let pid = 1; pid <= 5; pid += 1) table.observe(sighting(pid, 1), T0_MS);

    expect(table.stats()).toEqual({ size: 3, evicted: 2, expired: 0 });
    expect([1, 2, 3].map((pid) => table.get({ pid, pidversion: 1 }) !== undefined)).toEqual([
      false,
      false,
      true,
    ]);
  });

  it('ignores exits of processes it never saw', () => {
    const table = createProcessTable();

    table.recordExit({ pid: 99, pidversion: 1 }, T0_MS);
    table.recordExit('unknown-entity', T0_MS);

    expect(table.stats()).toEqual({ size: 0, evicted: 0, expired: 0 });
  });
});

describe('createProcessTable under churn', () => {
  it('stays bounded and fast through a million short-lived processes', () => {
    const table = createProcessTable({ maxEntries: 1000, exitedTtlMs: 10 });

    for (let index = 0; index < 1_000_000; index += 1) {
      const pid = 100 + (index % 50_000);
      table.observe(sighting(pid, index), T0_MS + index);
      if (index % 2 === 0) table.recordExit({ pid, pidversion: index }, T0_MS + index);
    }

    const got = table.stats();
    expect(got.size).toBeLessThanOrEqual(1000);
    expect(got.evicted + got.expired + got.size).toBe(1_000_000);
  });
});

describe('a table seeded with the processes running at start', () => {
  const finder: SeedProcess = {
    pid: 400,
    ppid: 1,
    executable: '/System/Library/CoreServices/Finder.app/Contents/MacOS/Finder',
    args: ['/System/Library/CoreServices/Finder.app/Contents/MacOS/Finder'],
    commandLine: '/System/Library/CoreServices/Finder.app/Contents/MacOS/Finder',
  };
  const idFor = (pid: number, pidversion: number) => entityIdOf(SCOPE, pid, pidversion);

  it('adopts a listed process when an event first names its pid, under that identity', () => {
    const table = createProcessTable();
    table.seed([finder], idFor);

    const got = table.get({ pid: 400, pidversion: 77 });

    expect(got?.entityId).toBe(idFor(400, 77));
    expect(got?.fields).toEqual({
      pid: 400,
      name: 'Finder',
      executable: finder.executable,
      args: finder.args,
      args_count: 1,
      command_line: finder.commandLine,
    });
  });

  it('adopts a listed process once; a later image of the same pid is not dressed in it', () => {
    const table = createProcessTable();
    table.seed([finder], idFor);
    table.get({ pid: 400, pidversion: 77 });

    const got = table.get({ pid: 400, pidversion: 78 });

    expect(got).toBeUndefined();
  });

  it.each([
    ['an exit', (table: ProcessTable) => table.recordExit({ pid: 400, pidversion: 3 }, T0_MS)],
    ['a new image', (table: ProcessTable) => table.observe(sighting(400, 90), T0_MS)],
  ])('forgets a listed pid after %s, so pid reuse never inherits it', (_, event) => {
    const table = createProcessTable();
    table.seed([finder], idFor);

    event(table);

    expect(table.get({ pid: 400, pidversion: 91 })).toBeUndefined();
  });

  it('leaves what the table learned from events ahead of the listing', () => {
    const table = createProcessTable();
    const seen = table.observe(sighting(400, 77), T0_MS);
    table.seed([finder], idFor);

    const got = table.get({ pid: 400, pidversion: 77 });

    expect(got).toBe(seen);
  });
});
