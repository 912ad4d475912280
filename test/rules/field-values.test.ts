import { describe, expect, it } from 'vitest';

import { readFieldValues } from '../../src/rules/field-values.js';

describe('readFieldValues', () => {
  it.each([
    ['a nested field', { process: { name: 'ls' } }, 'process.name', ['ls']],
    ['a dotted key', { 'process.name': 'ls' }, 'process.name', ['ls']],
    ['a mix of both', { process: { 'parent.name': 'zsh' } }, 'process.parent.name', ['zsh']],
    ['a leaf array', { process: { args: ['a', 'b'] } }, 'process.args', ['a', 'b']],
    ['an array of objects on the way', { p: [{ n: 1 }, { n: 2 }] }, 'p.n', [1, 2]],
    ['a missing field', { process: {} }, 'process.name', []],
    ['a null value', { process: { name: null } }, 'process.name', []],
    ['an object where a leaf is wanted', { process: { name: { x: 1 } } }, 'process.name', []],
    ['a value where an object is wanted', { process: 'ls' }, 'process.name', []],
  ])('reads %s', (_label, document, field, want) => {
    const got = readFieldValues(document, field);

    expect(got).toEqual(want);
  });
});
