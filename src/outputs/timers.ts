/**
 * The clock and timers delivery uses, passed in so tests can drive them (vi.useFakeTimers works
 * with the defaults too: they look up the global functions at each call).
 */

export type TimerHandle = unknown;

export interface Timers {
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  setInterval(callback: () => void, intervalMs: number): TimerHandle;
  clearInterval(handle: TimerHandle): void;
}

export const systemTimers: Timers = {
  setTimeout: (callback, delayMs) => setTimeout(callback, delayMs),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
  setInterval: (callback, intervalMs) => setInterval(callback, intervalMs),
  clearInterval: (handle) => clearInterval(handle as NodeJS.Timeout),
};

/** Lets a background interval not keep the process alive, when the handle supports it. */
export function unrefTimer(handle: TimerHandle): void {
  (handle as { unref?: () => void } | null)?.unref?.();
}
