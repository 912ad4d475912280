import { Writable } from 'node:stream';

import { describe, expect, it } from 'vitest';
import winston from 'winston';

import { createBackend, createCommandRunner } from '../../src/notify/index.js';

function capturingLogger() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8').trim());
      done();
    },
  });
  const logger = winston.createLogger({
    format: winston.format.json(),
    transports: [new winston.transports.Stream({ stream })],
  });
  return { logger, lines };
}

describe('the log backend', () => {
  it(
    'logs the notification with its text nested under process_data, ' + 'so it cannot forge fields',
    async () => {
      const { logger, lines } = capturingLogger();
      const backend = createBackend('log', { run: createCommandRunner(), logger, timeoutMs: 1000 });
      const body = 'x","level":"error","message":"forged';

      const got = await backend.show({
        ruleId: 'r1',
        ruleName: 'R',
        severity: 'high',
        title: 'High: R',
        body,
      });

      expect(got).toBe('shown');
      expect(lines.map((line) => JSON.parse(line))).toEqual([
        {
          level: 'warn',
          message: 'notification',
          rule_id: 'r1',
          severity: 'high',
          process_data: { title: 'High: R', body },
        },
      ]);
    },
  );
});
