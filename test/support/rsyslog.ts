/**
 * A real rsyslogd for integration tests, on loopback, with its own config, pid file, work
 * directory and output file (never the system instance). Two imtcp listeners, both with
 * octet-counted framing: plain TCP, and TLS through the gtls driver with the test's CA and
 * server certificate. Ports are picked by rsyslog itself (port 0, reported through
 * `listenPortFileName`). Every received message is written as one line
 * `<PRI> <APP-NAME> <MSGID> <MSG>` to `received.log`.
 *
 * Needs `rsyslogd` and the gtls module (Debian/Ubuntu: rsyslog, rsyslog-gnutls);
 * scripts/ci-services.sh installs them on a fresh machine.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

export interface RsyslogTls {
  caFile: string;
  certFile: string;
  keyFile: string;
}

export interface RsyslogInstance {
  plainPort: number;
  tlsPort: number;
  /** Lines received so far. */
  messages(): string[];
  /** Resolves with the lines once at least `count` arrived; rejects after `timeoutMs`. */
  untilMessages(count: number, timeoutMs?: number): Promise<string[]>;
  stop(): Promise<void>;
}

/** True when rsyslogd is installed (the tests say why they are skipped otherwise). */
export function isRsyslogAvailable(): boolean {
  return spawnSync('rsyslogd', ['-v'], { stdio: 'ignore' }).status === 0;
}

/**
 * Starts rsyslogd in `directory`. Ports are picked by rsyslog unless given (a restart on the
 * same ports simulates a collector that went down and came back).
 */
export async function startRsyslog(
  directory: string,
  tls: RsyslogTls,
  ports: { plain: number; tls: number } = { plain: 0, tls: 0 },
): Promise<RsyslogInstance> {
  const workDirectory = join(directory, 'work');
  mkdirSync(workDirectory, { recursive: true });
  const paths = {
    config: join(directory, 'rsyslog.conf'),
    pid: join(directory, 'rsyslog.pid'),
    received: join(directory, 'received.log'),
    plainPortFile: join(directory, 'plain.port'),
    tlsPortFile: join(directory, 'tls.port'),
  };
  rmSync(paths.plainPortFile, { force: true });
  rmSync(paths.tlsPortFile, { force: true });
  writeFileSync(paths.config, rsyslogConfig(workDirectory, paths, tls, ports));

  const child = spawn('rsyslogd', ['-n', '-f', paths.config, '-i', paths.pid], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));

  // rsyslog reports a port it picked in the port file; a given port is ready once it accepts.
  const ready = async (port: number, portFile: string): Promise<number> =>
    port === 0
      ? readPort(portFile, child, () => output)
      : untilAccepting(port, child, () => output);
  let plainPort: number;
  let tlsPort: number;
  try {
    plainPort = await ready(ports.plain, paths.plainPortFile);
    tlsPort = await ready(ports.tls, paths.tlsPortFile);
  } catch (error) {
    await stopChild(child);
    throw error;
  }
  const messages = (): string[] => readLines(paths.received);

  return {
    plainPort,
    tlsPort,
    messages,
    async untilMessages(count, timeoutMs = 15_000) {
      await pollUntil(
        () => messages().length >= count,
        timeoutMs,
        () => `rsyslog got ${messages().length} of ${count} messages; rsyslogd said: ${output}`,
      );
      return messages();
    },
    stop: () => stopChild(child),
  };
}

function rsyslogConfig(
  workDirectory: string,
  paths: { received: string; plainPortFile: string; tlsPortFile: string },
  tls: RsyslogTls,
  ports: { plain: number; tls: number },
): string {
  const { received, plainPortFile, tlsPortFile } = paths;
  return `
global(
  workDirectory="${workDirectory}"
  maxMessageSize="64k"
  defaultNetstreamDriverCAFile="${tls.caFile}"
  defaultNetstreamDriverCertFile="${tls.certFile}"
  defaultNetstreamDriverKeyFile="${tls.keyFile}"
)
module(load="imtcp" maxSessions="200")
template(name="received" type="string" string="%pri% %app-name% %msgid% %msg%\\n")
ruleset(name="collect") {
  action(type="omfile" file="${received}" template="received" flushOnTXEnd="on" asyncWriting="off")
}
input(type="imtcp" port="${ports.plain}" address="127.0.0.1" listenPortFileName="${plainPortFile}"
      ruleset="collect" supportOctetCountedFraming="on")
input(type="imtcp" port="${ports.tls}" address="127.0.0.1" listenPortFileName="${tlsPortFile}"
      ruleset="collect" supportOctetCountedFraming="on"
      streamDriver.name="gtls" streamDriver.mode="1" streamDriver.authMode="anon")
`;
}

/** Readiness of an external process: polls for its port file (not a timing assumption). */
async function readPort(path: string, child: ChildProcess, output: () => string): Promise<number> {
  await pollUntil(
    () => existsSync(path) && readFileSync(path, 'utf8').trim() !== '',
    15_000,
    () => `rsyslogd did not open its listener (exit ${String(child.exitCode)}): ${output()}`,
    () => child.exitCode !== null,
  );
  return Number(readFileSync(path, 'utf8').trim());
}

async function untilAccepting(
  port: number,
  child: ChildProcess,
  output: () => string,
): Promise<number> {
  const deadline = Date.now() + 15_000;
  while (!(await isAccepting(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      throw new Error(
        `rsyslogd did not listen on ${port} (exit ${String(child.exitCode)}): ${output()}`,
      );
    }
    await delay(20);
  }
  return port;
}

function isAccepting(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function pollUntil(
  condition: () => boolean,
  timeoutMs: number,
  describe: () => string,
  hasFailed: () => boolean = () => false,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (hasFailed() || Date.now() > deadline) throw new Error(describe());
    await delay(20);
  }
}

function readLines(path: string): string[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '');
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  await exited;
}
