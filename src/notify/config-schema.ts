/**
 * The `notify` section of the configuration: which backend shows alerts to the person at the
 * machine, and the limits that keep a noisy rule from flooding their screen. Every duration is
 * in milliseconds and every limit names its unit.
 */
import { z } from 'zod';

export const NOTIFY_BACKENDS = ['auto', 'osascript', 'notify-send', 'log', 'none'] as const;
export type NotifyBackendName = (typeof NOTIFY_BACKENDS)[number];

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

const clockTime = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'a time of day as "HH:MM" (24-hour clock)' });

const quietPeriodSchema = z.strictObject({
  /** Start of the quiet period, local time, "HH:MM". */
  start: clockTime,
  /** End of the quiet period, local time, "HH:MM"; before `start` means it spans midnight. */
  end: clockTime,
});

const rateLimitSchema = z.strictObject({
  maxNotifications: z.int().min(1).max(1000),
  windowMs: z.int().min(1000).max(86_400_000),
});

/** The `notify` configuration section. */
export const notifyConfigSchema = z
  .strictObject({
    /** `auto` picks `osascript` on macOS and `log` elsewhere. */
    backend: z.enum(NOTIFY_BACKENDS).default('auto'),
    /** Alerts below this severity are never shown (they still reach the outputs). */
    minSeverity: z.enum(SEVERITIES).default('medium'),
    /** At most this many notifications per rule per window; the rest are summed up. */
    perRule: rateLimitSchema.default({ maxNotifications: 3, windowMs: 60_000 }),
    /** At most this many notifications over all rules per window. */
    overall: rateLimitSchema.default({ maxNotifications: 10, windowMs: 60_000 }),
    /** Local times during which nothing is shown; suppressed alerts are summed up afterwards. */
    quietPeriods: z.array(quietPeriodSchema).max(16).default([]),
    /** Notifications waiting to be shown; beyond this the oldest waiting one is dropped. */
    maxQueuedNotifications: z.int().min(1).max(10_000).default(100),
    /** How long one `osascript`/`notify-send` run may take before it is killed. */
    commandTimeoutMs: z.int().min(100).max(60_000).default(5_000),
    /** Notification Center shows about this much of a title and a body. */
    maxTitleChars: z.int().min(8).max(256).default(64),
    maxBodyChars: z.int().min(16).max(1024).default(220),
  })
  .prefault({});

export type NotifyConfig = z.infer<typeof notifyConfigSchema>;
