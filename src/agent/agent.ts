/**
 * The daemon: configuration → source → pipeline → delivery, with the notifier beside
 * delivery. It runs until the source ends or `stop()` is called (SIGTERM/SIGINT), then shuts
 * down in order — stop the source, finish the events already read, wait for their alerts to
 * reach the spool, flush and close the outputs — all within `agent.shutdownDeadlineMs`.
 * `reload()` (SIGHUP) loads configuration and rules anew and swaps them in only if both are
 * sound; a broken set is logged, recorded as the last error, and the running one is kept.
 *
 * Invariant: detection never waits for notifications or outputs; alerts are handed to both
 * without awaiting, and only shutdown waits for them.
 */
import { describeLocalAgent } from '../alerts/agent-info.js';
import { loadConfig } from '../config/index.js';
import type { AgentConfig, LoadConfigOptions, LoadedConfig } from '../config/index.js';
import { createDetectionEngine } from '../detect/index.js';
import type { DetectionEngine } from '../detect/index.js';
import { createBackend, createCommandRunner, createNotifier } from '../notify/index.js';
import type { Notifier, NotifyBackend, NotifyConfig } from '../notify/index.js';
import type { Delivery } from '../outputs/index.js';
import { createDetectionPipeline, drainSource } from '../pipeline/index.js';
import type { DetectionPipeline, RaisedAlert } from '../pipeline/index.js';
import type { LoadedRuleSet } from '../rules/index.js';
import { ExecwatchError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import type { EcsDocument } from '../shared/types.js';
import type { EventSource } from '../sources/types.js';
import { configDirectoryOf, defaultCollaborators } from './collaborators.js';
import type { AgentCollaborators } from './collaborators.js';
import { createHealthReporter } from './health.js';
import { errorField } from './log-error.js';
import type { HealthReporter } from './health.js';

export interface AgentOptions {
  /** How to load (and on reload, load again) the configuration. */
  loadOptions: LoadConfigOptions;
  logger: Logger;
  version: string;
  collaborators?: AgentCollaborators;
  /** Builds the notification backend; defaults to the one `notify.backend` names. */
  createNotifyBackend?: (config: NotifyConfig, logger: Logger) => NotifyBackend;
  /** Also called with every alert (`run --json` prints them). */
  onAlert?: (alert: EcsDocument) => void;
  now?: () => number;
}

export interface Agent {
  /** Runs until stopped; resolves to the exit status (0: clean shutdown within the deadline). */
  run(): Promise<number>;
  /** Starts the shutdown; safe to call more than once. */
  stop(reason: string): void;
  /** Reloads configuration and rules; resolves false when the new set was rejected. */
  reload(): Promise<boolean>;
}

/** What is running, swapped as a whole on reload. */
interface Running {
  loaded: LoadedConfig;
  ruleSet: LoadedRuleSet;
  engine: DetectionEngine;
  delivery: Delivery;
  notifier: Notifier;
  pipeline: DetectionPipeline;
  source: EventSource;
  health: HealthReporter;
}

export function createAgent(options: AgentOptions): Agent {
  const logger = options.logger.child({ component: 'agent' });
  const collaborators = options.collaborators ?? defaultCollaborators;
  const now = options.now ?? Date.now;
  const pendingSubmits = new Set<Promise<void>>();
  let running: Running | null = null;
  let requestStop: (reason: string) => void = () => undefined;
  const stopRequested = new Promise<string>((resolve) => {
    requestStop = resolve;
  });
  let reloading: Promise<boolean> = Promise.resolve(true);

  async function run(): Promise<number> {
    running = await start();
    const pumping = pump(running);
    const reason = await Promise.race([stopRequested, pumping.then(() => 'the source ended')]);
    return shutdown(running, pumping, reason);
  }

  async function start(): Promise<Running> {
    const loaded = loadConfig(options.loadOptions);
    const { config } = loaded;
    const ruleSet = await loadRuleSetFor(loaded);
    reportRuleProblems(ruleSet);

    const engine = createDetectionEngine({
      rules: ruleSet.rules,
      maxPendingMatches: config.rules.maxPendingMatches,
    });
    const delivery = collaborators.createDelivery(config, options.logger);
    await delivery.start();
    const notifier = createNotifierFor(config.notify);
    const pipeline = createDetectionPipeline({
      engine,
      agent: describeLocalAgent(options.version),
      onAlert: (raised) => handleAlert(raised),
      onProblem: (error) => logger.warn('unreadable record', { err: errorField(error) }),
    });

    const { source, reason } = await createSourceOrClose(config, delivery, notifier);
    logger.info('source started', { source: source.name, reason });
    if (source.name !== 'replay') await seedRunningProcesses(pipeline);
    const health = createHealthReporter({
      stateDir: config.agent.stateDir,
      intervalMs: config.agent.statusIntervalMs,
      version: options.version,
      sourceReason: reason,
      now,
      logger,
    });
    const started = { loaded, ruleSet, engine, delivery, notifier, pipeline, source, health };
    health.start(started);
    logger.info('agent running', { rules: ruleSet.rules.length, config: loaded.sources });
    return started;
  }

  // Live events name parents that started before us; a listing of the running processes lets
  // the first of them carry parent fields. Without it the agent still runs, less informed.
  async function seedRunningProcesses(pipeline: DetectionPipeline): Promise<void> {
    try {
      const processes = await collaborators.takeProcessSnapshot();
      pipeline.seedProcesses(processes);
      logger.info('process snapshot taken', { processes: processes.length });
    } catch (error) {
      logger.warn('process snapshot failed', { err: errorField(error) });
    }
  }

  // A source that cannot start ends the run; the spool opened for it is closed first.
  async function createSourceOrClose(config: AgentConfig, delivery: Delivery, notifier: Notifier) {
    try {
      return await collaborators.createSource(config.source, options.logger);
    } catch (error) {
      await Promise.allSettled([delivery.close(1_000), notifier.close(0)]);
      throw error;
    }
  }

  function handleAlert(raised: RaisedAlert): void {
    if (running === null) return;
    options.onAlert?.(raised.alert);
    running.notifier.notify(raised.alert);

    const submitted = running.delivery.submit(raised.alert).catch((error: unknown) => {
      running?.health.recordError(error);
      logger.error('alert not spooled', { err: errorField(error) });
    });
    pendingSubmits.add(submitted);
    void submitted.finally(() => pendingSubmits.delete(submitted));
  }

  async function pump(current: Running): Promise<void> {
    try {
      await drainSource(current.source, current.pipeline.handle);
    } catch (error) {
      current.health.recordError(error);
      logger.error('source failed', { source: current.source.name, err: errorField(error) });
    }
  }

  async function shutdown(current: Running, pumping: Promise<void>, reason: string) {
    const deadlineAtMs = now() + current.loaded.config.agent.shutdownDeadlineMs;
    const remainingMs = () => Math.max(0, deadlineAtMs - now());
    logger.info('agent stopping', { reason, deadline_ms: remainingMs() });
    current.health.setState('stopping');

    // Each step gets what is left of the one deadline; a step that overruns is abandoned.
    const steps: Array<[string, () => Promise<unknown>]> = [
      ['stop the source', () => current.source.stop()],
      ['finish in-flight events', () => pumping],
      // A recording's end is the end of input: sequences waiting on a missing event complete.
      // A live source only pauses at shutdown, so its pending sequences are left unfinished.
      ['complete pending sequences', () => finishReplay(current)],
      ['spool pending alerts', () => Promise.allSettled([...pendingSubmits])],
      ['flush outputs', () => current.delivery.flush(remainingMs())],
      ['close outputs', () => current.delivery.close(remainingMs())],
      ['finish notifications', () => current.notifier.close(Math.min(1_000, remainingMs()))],
    ];
    let isClean = true;
    for (const [name, step] of steps) {
      isClean = (await runStep(name, step, remainingMs(), current)) && isClean;
    }

    current.health.setState('stopped');
    current.health.stop();
    await reloading.catch(() => undefined);
    logger.info('agent stopped', { clean: isClean });
    return isClean ? 0 : 1;
  }

  async function runStep(
    name: string,
    step: () => Promise<unknown>,
    budgetMs: number,
    current: Running,
  ): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const overrun = new Promise<'overrun'>((resolve) => {
      timer = setTimeout(() => resolve('overrun'), budgetMs);
    });
    try {
      const outcome = await Promise.race([step().then(() => 'done' as const), overrun]);
      if (outcome === 'done') return true;
      logger.error('shutdown step overran the deadline', { step: name });
      current.health.recordError(
        new ExecwatchError('shutdown-deadline', `${name}: deadline passed`),
      );
      return false;
    } catch (error) {
      logger.error('shutdown step failed', { step: name, err: errorField(error) });
      current.health.recordError(error);
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  function finishReplay(current: Running): Promise<void> {
    if (current.source.name === 'replay') current.pipeline.finish();
    return Promise.resolve();
  }

  function reload(): Promise<boolean> {
    reloading = reloading.catch(() => false).then(reloadNow);
    return reloading;
  }

  async function reloadNow(): Promise<boolean> {
    const current = running;
    if (current === null) return false;

    let loaded: LoadedConfig;
    let ruleSet: LoadedRuleSet;
    try {
      loaded = loadConfig(options.loadOptions);
      ruleSet = await loadRuleSetFor(loaded);
      rejectBrokenRuleSet(ruleSet);
    } catch (error) {
      current.health.recordError(error);
      logger.error('reload rejected; the previous configuration and rules stay in force', {
        err: errorField(error),
      });
      return false;
    }

    swapIn(current, loaded, ruleSet);
    return true;
  }

  function swapIn(current: Running, loaded: LoadedConfig, ruleSet: LoadedRuleSet): void {
    warnAboutRestartOnlyChanges(current.loaded.config, loaded.config);
    current.engine.replaceRules(ruleSet.rules);

    const isNotifyChanged =
      JSON.stringify(current.loaded.config.notify) !== JSON.stringify(loaded.config.notify);
    if (isNotifyChanged) {
      void current.notifier.close(1_000);
      current.notifier = createNotifierFor(loaded.config.notify);
    }

    // The log level applies at once; the log format is fixed for the process's lifetime.
    options.logger.level = loaded.config.agent.logLevel;
    current.loaded = loaded;
    current.ruleSet = ruleSet;
    current.health.rulesReloaded(loaded.config.agent.statusIntervalMs);
    reportRuleProblems(ruleSet);
    logger.info('reloaded', { rules: ruleSet.rules.length, config: loaded.sources });
  }

  function warnAboutRestartOnlyChanges(before: AgentConfig, after: AgentConfig): void {
    const restartOnly = ['source', 'outputs', 'spool'] as const;
    const isLogFormatChanged = before.agent.logFormat !== after.agent.logFormat;
    const changed: string[] = restartOnly.filter(
      (key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]),
    );
    if (before.agent.stateDir !== after.agent.stateDir) changed.push('agent.stateDir');
    if (isLogFormatChanged) changed.push('agent.logFormat');
    if (changed.length > 0) {
      logger.warn('these settings change only on restart', { settings: changed });
    }
  }

  async function loadRuleSetFor(loaded: LoadedConfig): Promise<LoadedRuleSet> {
    return collaborators.loadRuleSet(loaded.config.rules, configDirectoryOf(loaded.sources));
  }

  function reportRuleProblems(ruleSet: LoadedRuleSet): void {
    for (const report of ruleSet.reports) {
      if (report.status === 'ok') continue;
      const fields = { file: report.file, rule_id: report.rule_id, reason: report.reason };
      if (report.status === 'error') logger.error('rule not loaded', fields);
      else logger.info('rule unsupported', fields);
    }
  }

  function createNotifierFor(config: NotifyConfig): Notifier {
    const makeBackend = options.createNotifyBackend ?? defaultNotifyBackend;
    const backend = makeBackend(config, options.logger);
    return createNotifier({
      config,
      backend,
      logger: options.logger.child({ component: 'notify' }),
    });
  }

  return {
    run,
    stop: (reason) => requestStop(reason),
    reload,
  };
}

/** A rule set with any rule in error is refused as a whole on reload. */
function rejectBrokenRuleSet(ruleSet: LoadedRuleSet): void {
  const broken = ruleSet.reports.filter((report) => report.status === 'error');
  if (broken.length === 0) return;

  const details = broken.map((report) => `${report.file}: ${report.reason ?? 'error'}`);
  throw new ExecwatchError(
    'reload-rules-invalid',
    `${broken.length} rule file(s) have errors: ${details.join('; ')}`,
  );
}

function defaultNotifyBackend(config: NotifyConfig, logger: Logger): NotifyBackend {
  return createBackend(config.backend, {
    run: createCommandRunner(),
    logger: logger.child({ component: 'notify' }),
    timeoutMs: config.commandTimeoutMs,
  });
}
