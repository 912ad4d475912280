/**
 * What a notification costs the detection path: notify() calls per second while the backend is
 * hung (the worst case: an osascript that never returns), with the rate limits wide open so
 * every alert reaches the bounded queue, and with the default limits (most alerts summed up).
 */
import { createNotifier, notifyConfigSchema } from '../src/notify/index.js';
import type { NotifyBackend } from '../src/notify/index.js';
import { createSilentLogger } from '../src/shared/logger.js';
import type { EcsDocument } from '../src/shared/types.js';

const CALLS = 200_000;

function makeAlert(index: number): EcsDocument {
  return {
    rule: { id: `rule-${index % 50}`, name: `Rule ${index % 50}` },
    event: { severity: 73 },
    process: {
      name: 'curl',
      pid: index,
      command_line: `curl https://example.com/${index} -o /tmp/x`,
    },
  };
}

const hungBackend: NotifyBackend = { name: 'hung', show: () => new Promise(() => undefined) };

async function measure(label: string, overrides: Record<string, unknown>): Promise<void> {
  const config = notifyConfigSchema.parse(overrides);
  const notifier = createNotifier({ config, backend: hungBackend, logger: createSilentLogger() });
  const alerts = Array.from({ length: 1000 }, (_, index) => makeAlert(index));

  const startedMs = performance.now();
  for (let i = 0; i < CALLS; i += 1) notifier.notify(alerts[i % alerts.length] ?? {});
  const elapsedMs = performance.now() - startedMs;

  const stats = notifier.stats();
  const perSecond = Math.round((CALLS / elapsedMs) * 1000);
  const microsPerCall = ((elapsedMs * 1000) / CALLS).toFixed(2);
  process.stdout.write(
    `${label}: ${perSecond} notify()/s (${microsPerCall} µs each), queued ${stats.queued}, ` +
      `dropped ${stats.droppedQueueFull}, rate-limited ${stats.rateLimited}\n`,
  );
  await notifier.close(0);
}

export async function run(): Promise<void> {
  const wideOpen = { maxNotifications: 1000, windowMs: 1000 };
  await measure('limits wide open, hung backend', { perRule: wideOpen, overall: wideOpen });
  await measure('default limits, hung backend', {});
}
