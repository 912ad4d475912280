/**
 * A one-line progress display on stderr for long replays, redrawn at most every `intervalMs`
 * and only when stderr is a terminal (never in logs or pipes).
 */
export interface ProgressReporter {
  update(state: {
    file: string;
    bytesRead: number;
    totalBytes: number | null;
    events: number;
  }): void;
  finish(): void;
}

export interface ProgressOptions {
  enabled: boolean;
  intervalMs?: number;
  now?: () => number;
}

export function createProgressReporter(
  stream: NodeJS.WritableStream & { isTTY?: boolean },
  options: ProgressOptions,
): ProgressReporter {
  if (!options.enabled || stream.isTTY !== true) {
    return { update: () => undefined, finish: () => undefined };
  }

  const intervalMs = options.intervalMs ?? 200;
  const now = options.now ?? Date.now;

  let lastDrawMs = 0;
  let drawn = false;

  return {
    update(state) {
      const nowMs = now();
      if (nowMs - lastDrawMs < intervalMs) return;
      lastDrawMs = nowMs;
      drawn = true;
      const percent =
        state.totalBytes === null || state.totalBytes === 0
          ? ''
          : ` ${Math.min(100, Math.floor((state.bytesRead / state.totalBytes) * 100))}%`;
      const eventCount = state.events.toLocaleString('en-US');
      stream.write(`\r\x1b[2Kreplaying ${state.file}${percent}  ${eventCount} events`);
    },
    finish() {
      if (drawn) stream.write('\r\x1b[2K');
    },
  };
}
