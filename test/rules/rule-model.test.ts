import { describe, expect, it } from 'vitest';

import { parseDurationMs, readRuleFields } from '../../src/rules/rule-model.js';

function makeRawRule(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    rule_id: 'r-1',
    name: 'A rule',
    description: 'Finds things',
    type: 'eql',
    language: 'eql',
    query: 'process where true',
    severity: 'medium',
    risk_score: 47,
    ...overrides,
  };
}

describe('readRuleFields', () => {
  it('applies the defaults of Kibana for what a rule leaves out', () => {
    const got = readRuleFields(makeRawRule());

    expect(got.ok && got.fields).toMatchObject({
      maxSignals: 100,
      intervalMs: 300_000,
      references: [],
      threat: [],
      version: null,
      license: null,
      suppression: null,
      enabled: true,
    });
  });

  it('reads interval, max_signals, index and the threat tables', () => {
    const raw = makeRawRule({
      interval: '10m',
      max_signals: 33,
      index: ['logs-endpoint.events.process-*'],
      threat: [
        {
          framework: 'MITRE ATT&CK',
          tactic: {
            id: 'TA0008',
            name: 'Lateral Movement',
            reference: 'https://attack.mitre.org/tactics/TA0008/',
          },
          technique: [{ id: 'T1021', name: 'Remote Services', reference: 'r' }],
        },
      ],
    });

    const got = readRuleFields(raw);

    expect(got.ok && got.fields).toMatchObject({
      intervalMs: 600_000,
      maxSignals: 33,
      index: ['logs-endpoint.events.process-*'],
      threat: [
        {
          tactic: { id: 'TA0008' },
          technique: [{ id: 'T1021', subtechnique: [] }],
        },
      ],
    });
  });

  it('reads alert_suppression with its duration', () => {
    const raw = makeRawRule({
      alert_suppression: {
        group_by: ['host.name', 'user.name'],
        duration: { value: 6, unit: 'h' },
        missing_fields_strategy: 'doNotSuppress',
      },
    });

    const got = readRuleFields(raw);

    expect(got.ok && got.fields.suppression).toEqual({
      groupBy: ['host.name', 'user.name'],
      durationMs: 6 * 3_600_000,
      missingFields: 'doNotSuppress',
    });
  });

  it.each([
    [{ rule_id: undefined }, '`rule_id` is required'],
    [{ name: '' }, '`name` is required'],
    [{ severity: 'urgent' }, '`severity` must be one of low, medium, high, critical'],
    [{ risk_score: 101 }, '`risk_score` is required and must be an integer from 0 to 100'],
    [{ interval: 'soon' }, '`interval` must be a duration'],
    [{ max_signals: -1 }, '`max_signals` must be a non-negative integer'],
    [{ tags: 'a,b' }, undefined],
    [{ tags: [1] }, '`tags` must be a list of strings'],
    [{ exceptions_list: [{ id: 'x' }] }, 'every `exceptions_list` entry needs a string `list_id`'],
  ])('names the problem in %j', (overrides, want) => {
    const got = readRuleFields(makeRawRule(overrides));

    if (want === undefined) expect(got.ok).toBe(true);
    else expect(got.ok ? [] : got.problems.join('; ')).toContain(want);
  });
});

describe('parseDurationMs', () => {
  it.each([
    ['5m', 300_000],
    ['30s', 30_000],
    ['1h', 3_600_000],
    ['2d', 172_800_000],
    ['250ms', 250],
    ['5', null],
    ['m', null],
    ['1.5m', null],
    ['-5m', null],
  ])('%s → %s', (text, want) => {
    expect(parseDurationMs(text)).toBe(want);
  });
});
