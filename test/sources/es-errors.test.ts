import { describe, expect, it } from 'vitest';

import {
  ES_CLIENT_FAILURES,
  esClientError,
  findEsClientResultName,
} from '../../src/sources/es-errors.js';

describe('esClientError', () => {
  it.each([
    ['ES_NEW_CLIENT_RESULT_ERR_NOT_ENTITLED', 'ES_NOT_ENTITLED', 'use the eslogger source'],
    [
      'ES_NEW_CLIENT_RESULT_ERR_NOT_PERMITTED',
      'ES_NOT_PERMITTED',
      'System Settings › Privacy & Security › Full Disk Access',
    ],
    ['ES_NEW_CLIENT_RESULT_ERR_NOT_PRIVILEGED', 'ES_NOT_PRIVILEGED', 'needs root'],
    ['ES_NEW_CLIENT_RESULT_ERR_TOO_MANY_CLIENTS', 'ES_TOO_MANY_CLIENTS', 'limit'],
    ['ES_NEW_CLIENT_RESULT_ERR_INVALID_ARGUMENT', 'ES_INVALID_ARGUMENT', 'bug in execwatch'],
    ['ES_NEW_CLIENT_RESULT_ERR_INTERNAL', 'ES_INTERNAL', 'restart the Mac'],
  ])('turns %s into %s with a sentence that says what to do', (name, code, advice) => {
    const got = esClientError(name, 'endpoint-security');

    expect(got.code).toBe(code);
    expect(got.message.toLowerCase()).toContain(advice.toLowerCase());
    expect(got.message).toContain(name);
  });

  it('names who needs Full Disk Access for each source', () => {
    const addon = esClientError('ES_NEW_CLIENT_RESULT_ERR_NOT_PERMITTED', 'endpoint-security');
    const eslogger = esClientError('ES_NEW_CLIENT_RESULT_ERR_NOT_PERMITTED', 'eslogger');

    expect(addon.message).toContain('the execwatch executable');
    expect(eslogger.message).toContain('your terminal app');
  });

  it('keeps an unknown result name in a generic error', () => {
    const got = esClientError('ES_NEW_CLIENT_RESULT_UNKNOWN_9', 'eslogger');

    expect(got.code).toBe('ES_CLIENT_FAILED');
    expect(got.message).toContain('ES_NEW_CLIENT_RESULT_UNKNOWN_9');
  });

  it('has one stable code per failure, all distinct', () => {
    const codes = Object.values(ES_CLIENT_FAILURES).map((failure) => failure.code);

    expect(new Set(codes).size).toBe(codes.length);
  });
});

describe('findEsClientResultName', () => {
  it.each([
    [
      'eslogger: failed: ES_NEW_CLIENT_RESULT_ERR_NOT_PERMITTED\n',
      'ES_NEW_CLIENT_RESULT_ERR_NOT_PERMITTED',
    ],
    ['x ES_NEW_CLIENT_RESULT_ERR_TOO_MANY_CLIENTS.', 'ES_NEW_CLIENT_RESULT_ERR_TOO_MANY_CLIENTS'],
    ['Segmentation fault', undefined],
    ['', undefined],
  ])('finds the name in %j', (text, want) => {
    const got = findEsClientResultName(text);

    expect(got).toBe(want);
  });
});
