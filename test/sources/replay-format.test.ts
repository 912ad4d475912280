import { describe, expect, it } from 'vitest';

import { detectRecordFormat } from '../../src/sources/index.js';

describe('detectRecordFormat', () => {
  it.each([
    [{ event_type: 9, event: { exec: {} }, process: {}, version: 9 }, 'eslogger'],
    [{ process: {}, event: { fork: {} } }, 'eslogger'],
    [{ event_type: 11 }, 'eslogger'],
    [{ '@timestamp': '2026-11-20T09:00:00Z', process: { name: 'ls' } }, 'ecs'],
    [{ 'event.category': ['process'], 'process.name': 'ls' }, 'ecs'],
    [{ event: { category: ['process'] }, process: { name: 'ls' } }, 'ecs'],
    [{ '@timestamp': 'x', event: { exec: {} }, process: {} }, 'ecs'],
    [{}, undefined],
    [{ hello: 'world' }, undefined],
    [{ event: { exec: {} } }, undefined],
    [{ process: { name: 'ls' } }, undefined],
  ])('reads %j as %s', (value, want) => {
    const got = detectRecordFormat(value);

    expect(got).toBe(want);
  });
});
