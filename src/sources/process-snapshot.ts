/**
 * The processes already running when the agent starts, so the parents of the first events are
 * known before any fork or exec of theirs is seen.
 *
 * Approach: behind one seam per platform. On macOS, `ps` (no private API, no entitlement):
 * `ps -axww -o pid=,ppid=,comm=` gives each executable path (the last column, so spaces in it
 * survive) and `ps -axww -o pid=,args=` the command line. On Linux, /proc: `stat` for the parent
 * (parsed after the last `)`, since the command name may hold anything), `exe` for the
 * executable and `cmdline` for the arguments. Anything unreadable (another user's process,
 * a process that exited meanwhile) is null, never an error.
 *
 * Accepted edge: `ps` joins arguments with spaces, so on macOS an argument that contains a space
 * splits in two in `args`; `commandLine` keeps the exact text. KERN_PROCARGS2 through the addon
 * would be exact, but is root-only and not worth a native call at startup.
 */
import { execFile } from 'node:child_process';
import { readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';

export interface ProcessSnapshotEntry {
  pid: number;
  ppid: number;
  /** The executable's path, or null when it could not be read. */
  executable: string | null;
  /** argv, or null when it could not be read (kernel threads, other users' processes). */
  args: string[] | null;
  /** The command line as one string, as `ps` prints it; null when unknown. */
  commandLine: string | null;
}

export interface ProcessSnapshotOptions {
  platform?: NodeJS.Platform;
  /** Linux: where procfs is mounted. Default `/proc`. */
  procRoot?: string;
  /** macOS: runs a command and resolves to its stdout. Default: child_process.execFile. */
  runCommand?: (file: string, args: readonly string[]) => Promise<string>;
}

const PS_MAX_BUFFER_BYTES = 64 * 1024 * 1024;

/** The running processes, in pid order. */
export async function takeProcessSnapshot(
  options: ProcessSnapshotOptions = {},
): Promise<ProcessSnapshotEntry[]> {
  const platform = options.platform ?? process.platform;
  const entries =
    platform === 'darwin'
      ? await snapshotWithPs(options.runCommand ?? runFile)
      : await snapshotFromProc(options.procRoot ?? '/proc');
  return entries.sort((a, b) => a.pid - b.pid);
}

async function snapshotWithPs(
  runCommand: (file: string, args: readonly string[]) => Promise<string>,
): Promise<ProcessSnapshotEntry[]> {
  const [executables, commandLines] = await Promise.all([
    runCommand('/bin/ps', ['-axww', '-o', 'pid=,ppid=,comm=']),
    runCommand('/bin/ps', ['-axww', '-o', 'pid=,args=']),
  ]);
  return parsePsOutput(executables, commandLines);
}

/** Joins the two `ps` listings (see the module comment) into entries. */
export function parsePsOutput(executables: string, commandLines: string): ProcessSnapshotEntry[] {
  const lineByPid = new Map<number, string>();
  for (const line of commandLines.split('\n')) {
    const match = /^\s*(\d+)\s(.*)$/.exec(line);
    if (match?.[1] !== undefined) lineByPid.set(Number(match[1]), (match[2] ?? '').trim());
  }

  const entries: ProcessSnapshotEntry[] = [];
  for (const line of executables.split('\n')) {
    const match = /^\s*(\d+)\s+(\d+)\s(.*)$/.exec(line);
    if (match?.[1] === undefined || match[2] === undefined) continue;
    const pid = Number(match[1]);
    const commandLine = lineByPid.get(pid) ?? null;
    entries.push({
      pid,
      ppid: Number(match[2]),
      executable: nonEmpty((match[3] ?? '').trim()),
      args: commandLine === null || commandLine === '' ? null : commandLine.split(/\s+/),
      commandLine: nonEmpty(commandLine ?? ''),
    });
  }
  return entries;
}

async function snapshotFromProc(procRoot: string): Promise<ProcessSnapshotEntry[]> {
  const names = await readdir(procRoot);
  const pids = names.filter((name) => /^\d+$/.test(name)).map(Number);
  const entries = await Promise.all(pids.map((pid) => readProcEntry(procRoot, pid)));
  return entries.filter((entry): entry is ProcessSnapshotEntry => entry !== undefined);
}

async function readProcEntry(
  procRoot: string,
  pid: number,
): Promise<ProcessSnapshotEntry | undefined> {
  const directory = join(procRoot, String(pid));
  const stat = await readFile(join(directory, 'stat'), 'utf8').catch(() => undefined);
  const ppid = stat === undefined ? undefined : parentFromProcStat(stat);
  if (ppid === undefined) return undefined; // exited while we looked

  const executable = await readlink(join(directory, 'exe')).catch(() => null);
  const cmdline = await readFile(join(directory, 'cmdline')).catch(() => undefined);
  const args = cmdline === undefined || cmdline.length === 0 ? null : splitCmdline(cmdline);
  return { pid, ppid, executable, args, commandLine: args === null ? null : args.join(' ') };
}

/** The 4th field of /proc/PID/stat, counted after the `)` that closes the command name. */
export function parentFromProcStat(stat: string): number | undefined {
  const close = stat.lastIndexOf(')');
  if (close === -1) return undefined;
  const fields = stat
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  const ppid = Number(fields[1]);
  return Number.isInteger(ppid) ? ppid : undefined;
}

function splitCmdline(cmdline: Buffer): string[] {
  const text = cmdline.toString('utf8');
  const trimmed = text.endsWith('\0') ? text.slice(0, -1) : text;
  return trimmed.split('\0');
}

function nonEmpty(text: string): string | null {
  return text === '' ? null : text;
}

function runFile(file: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, [...args], { maxBuffer: PS_MAX_BUFFER_BYTES }, (error, stdout) => {
      if (error !== null) reject(error);
      else resolve(stdout);
    });
  });
}
