/**
 * The dead-letter file: alerts a collector refused for good (a 400 for a mapping conflict, an
 * event HEC cannot parse), one NDJSON line each with the reason, so an operator can fix the
 * cause and resend them. Bounded by `maxBytes`: past it, refused alerts are only counted and
 * logged, so a misconfigured collector cannot fill the disk.
 */
import { mkdirSync, statSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { dirname } from 'node:path';

import type { Logger } from '../shared/logger.js';

export interface DeadLetterEntry {
  output: string;
  reason: string;
  status: number | undefined;
  /** The alert's JSON, exactly as spooled. */
  payload: Buffer;
}

export class DeadLetterFile {
  private sizeBytes: number | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    readonly path: string,
    private readonly logger: Logger,
    private readonly maxBytes = 64 * 1024 * 1024,
    private readonly now: () => number = Date.now,
  ) {}

  /** Appends the entries; resolves once they are written (or counted as not written). */
  write(entries: DeadLetterEntry[]): Promise<void> {
    this.writing = this.writing.then(() => this.append(entries));
    return this.writing;
  }

  private async append(entries: DeadLetterEntry[]): Promise<void> {
    const text = entries.map((entry) => this.formatLine(entry)).join('');
    const currentBytes = this.currentSize();
    if (currentBytes + Buffer.byteLength(text) > this.maxBytes) {
      this.logger.error('dead-letter file full; refused alerts not kept', {
        path: this.path,
        alerts: entries.length,
        maxBytes: this.maxBytes,
      });
      return;
    }

    try {
      mkdirSync(dirname(this.path), { recursive: true });
      await appendFile(this.path, text);
      this.sizeBytes = currentBytes + Buffer.byteLength(text);
    } catch (error) {
      this.logger.error('cannot write the dead-letter file', { path: this.path, err: error });
    }
  }

  private formatLine(entry: DeadLetterEntry): string {
    const head = JSON.stringify({
      '@timestamp': new Date(this.now()).toISOString(),
      output: entry.output,
      reason: entry.reason,
      status: entry.status ?? null,
    });
    // The payload is JSON already: embed it as the `alert` member without re-encoding.
    return `${head.slice(0, -1)},"alert":${entry.payload.toString('utf8')}}\n`;
  }

  private currentSize(): number {
    if (this.sizeBytes !== undefined) return this.sizeBytes;
    try {
      this.sizeBytes = statSync(this.path).size;
    } catch {
      this.sizeBytes = 0;
    }
    return this.sizeBytes;
  }
}
