/**
 * The file output: NDJSON, one alert per line, appended to `path`. When the next batch would
 * take the file past `maxFileBytes`, it is rotated: path.N-1 → path.N … path → path.1,
 * keeping `keepFiles` old files (the oldest is deleted). A batch counts as delivered once
 * written (and fsynced when `fsync` is on). A single line is never split across files.
 */
import { mkdirSync } from 'node:fs';
import { open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';

import type { FileOutputConfig } from './config-schema.js';
import { DeliveryError } from './delivery-error.js';
import { allDelivered, type Sender } from './sender.js';

export function createFileSender(config: FileOutputConfig): Sender {
  let handle: FileHandle | undefined;
  let sizeBytes = 0;

  const openCurrent = async (): Promise<FileHandle> => {
    if (handle !== undefined) return handle;
    mkdirSync(dirname(config.path), { recursive: true });
    handle = await open(config.path, 'a');
    sizeBytes = (await stat(config.path)).size;
    return handle;
  };

  const rotate = async (): Promise<void> => {
    await handle?.close();
    handle = undefined;
    await rotateFiles(config.path, config.keepFiles);
  };

  return {
    async send(records) {
      const bytes = Buffer.from(
        records.map((record) => `${record.payload.toString('utf8')}\n`).join(''),
      );
      try {
        await openCurrent();
        if (sizeBytes > 0 && sizeBytes + bytes.length > config.maxFileBytes) await rotate();
        const current = await openCurrent();
        await current.write(bytes, 0, bytes.length);
        if (config.fsync) await current.datasync();
        sizeBytes += bytes.length;
      } catch (error) {
        await handle?.close().catch(() => undefined);
        handle = undefined;
        throw new DeliveryError('OUTPUT_WRITE_FAILED', `Cannot write alerts to ${config.path}`, {
          cause: error,
        });
      }
      return allDelivered(records);
    },
    async close() {
      await handle?.close();
      handle = undefined;
    },
  };
}

/** path → path.1 → … → path.keepFiles; what would become path.keepFiles+1 is deleted. */
export async function rotateFiles(path: string, keepFiles: number): Promise<void> {
  await rm(`${path}.${keepFiles}`, { force: true });
  for (let index = keepFiles - 1; index >= 1; index -= 1) {
    await rename(`${path}.${index}`, `${path}.${index + 1}`).catch(ignoreMissing);
  }
  if (keepFiles === 0) await rm(path, { force: true });
  else await rename(path, `${path}.1`).catch(ignoreMissing);
}

function ignoreMissing(error: unknown): void {
  if ((error as { code?: unknown }).code !== 'ENOENT') throw error;
}
