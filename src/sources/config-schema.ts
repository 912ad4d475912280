/**
 * The `source` section of the configuration: which event source runs and how. Every key has a
 * default, so an empty section is a working one (`auto`: the Endpoint Security addon when the
 * executable is entitled, else /usr/bin/eslogger). Durations end in `Ms`.
 */
import { z } from 'zod';

/** The `eslogger` shipped with macOS 13 and later. */
export const DEFAULT_ESLOGGER_PATH = '/usr/bin/eslogger';

const absolutePath = z.string().startsWith('/', { message: 'must be an absolute path' });

/** A path whose exec events are dropped at the source: the path itself, or everything under it. */
const muteSchema = z.strictObject({
  path: absolutePath,
  /** `prefix` mutes every target path starting with `path`; `literal` only `path` itself. */
  match: z.enum(['prefix', 'literal']).default('prefix'),
});

const restartSchema = z
  .strictObject({
    /** Delay before the first restart of an eslogger that exited. */
    initialDelayMs: z.int().min(10).max(60_000).default(1_000),
    /** The delay doubles with each quick failure, up to this. */
    maxDelayMs: z.int().min(10).max(600_000).default(60_000),
    /**
     * A run at least this long counts as healthy: the next failure starts from the initial
     * delay.
     */
    resetAfterMs: z.int().min(0).max(3_600_000).default(60_000),
  })
  .prefault({});

const replaySchema = z
  .strictObject({
    files: z.array(z.string().min(1)).default([]),
    format: z.enum(['auto', 'eslogger', 'ecs']).default('auto'),
    /** Keep reading the last file as it grows, like `tail -f`. */
    follow: z.boolean().default(false),
  })
  .prefault({});

export const sourceConfigSchema = z
  .strictObject({
    type: z.enum(['auto', 'endpoint-security', 'eslogger', 'replay']).default('auto'),
    esloggerPath: absolutePath.default(DEFAULT_ESLOGGER_PATH),
    /**
     * Exec target paths to ignore. The addon mutes them in the kernel (macOS 13 target-path
     * mutes); the eslogger source drops them after parsing.
     */
    mutes: z.array(muteSchema).default([]),
    /**
     * Records waiting between the ES thread and JavaScript; beyond it they are dropped and
     * counted.
     */
    maxQueueEvents: z.int().min(64).max(1_048_576).default(65_536),
    /** Keep the environment of exec events. Off by default: it carries secrets. */
    includeEnv: z.boolean().default(false),
    restart: restartSchema,
    replay: replaySchema,
  })
  .prefault({});

export type SourceConfig = z.infer<typeof sourceConfigSchema>;
export type SourceMute = SourceConfig['mutes'][number];
export type RestartPolicy = SourceConfig['restart'];
