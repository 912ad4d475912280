/**
 * Live process state, fed by fork, exec and exit events (and by any other sighting of a process),
 * giving each event its parent and ancestry.
 *
 * Approach: one entry per process image. Endpoint Security names an image by its audit token's
 * (pid, pidversion); exec keeps the pid and moves to a new pidversion, so the image before an exec
 * ends there and the new image is a new entry. Entries are stored by entity id (the primary map,
 * whose insertion order drives eviction) and indexed by (pid, pidversion) packed into one number.
 * ECS input has no pidversion; its entries are stored by entity id alone.
 *
 * Bounds: an exited entry stays for `exitedTtlMs` of event time (children that outlive their
 * parent still find it), then it is dropped and counted as expired. An image that an exec
 * replaced and that no child names leaves at the exec, uncounted: the forked copy a shell makes
 * for each command is such an image, half of all images on a busy host. Accepted edge: a
 * process whose responsible process exec'd without being its ancestor then shows a responsible
 * pid and entity id without a name (responsibility nearly always follows the process tree).
 * Event time is the newest time seen in any update, so a replay of last week's recording
 * expires exactly as the live agent did.
 * When the table holds more than `maxEntries`, the oldest-inserted entry is evicted and counted.
 * The expiry queue holds only (entity id, exit time) pairs, never entries, so an entry evicted
 * before its time to live is gone at once rather than kept alive by the queue until then; pairs
 * of entries gone are pruned once the queue outgrows twice the table.
 * Accepted edge: eviction is by insertion, not by use, so under a flood of more than `maxEntries`
 * live processes a long-lived one (launchd) can be evicted while still running; its children
 * then show a parent with a pid and entity id but no name. Live Macs run a few thousand
 * processes at most, far below the default cap.
 */
import type { EcsDocument } from '../shared/types.js';

/** The audit token's identity of one process image. */
export interface ProcessKey {
  pid: number;
  pidversion: number;
}

/** What the table knows about one process image. `fields` is its ECS `process.*` object. */
export interface ProcessEntry {
  readonly entityId: string;
  readonly pid: number;
  readonly pidversion: number | undefined;
  readonly parentEntityId: string | undefined;
  /** ECS `process.*` fields of this image (pid, entity_id, name, executable, args, …). */
  readonly fields: EcsDocument;
  /** Event time of its exit (or of the exec that replaced it), ms since the epoch. */
  readonly exitedAtMs: number | undefined;
}

/** One step of an ancestry, as alerts draw it. */
export interface ProcessSummary {
  pid: number;
  entity_id: string;
  name?: string;
  executable?: string;
  args?: string[];
}

export interface ProcessTableStats {
  /** Entries held now. */
  size: number;
  /** Entries dropped because the table was full. */
  evicted: number;
  /** Exited entries dropped after their time to live. */
  expired: number;
}

/** A sighting of a process image: its identity, its parent and its ECS `process.*` fields. */
export interface ProcessSighting {
  entityId: string;
  pid: number;
  pidversion?: number;
  parentEntityId?: string;
  fields: EcsDocument;
}

/** A process that was running when the agent started, as a listing of the system shows it. */
export interface SeedProcess {
  pid: number;
  ppid: number;
  executable: string | null;
  args: string[] | null;
  commandLine: string | null;
}

/** The entity id of the image (pid, pidversion); the normalizer's, so ids agree. */
export type EntityIdFor = (pid: number, pidversion: number) => string;

export interface ProcessTable {
  /**
   * Records a sighting. A new image is inserted; a known one keeps what it had and gains the
   * fields it lacked (a fork child seen again at its exec keeps its args). `eventTimeMs` advances
   * the table's clock.
   */
  observe(sighting: ProcessSighting, eventTimeMs: number): ProcessEntry;
  /**
   * Exec: the image `before` ends (as if exited at `eventTimeMs`) and `image` starts. An ended
   * image with no children in the table leaves it at once (see the module comment).
   */
  recordExec(before: ProcessKey, image: ProcessSighting, eventTimeMs: number): ProcessEntry;
  /** Exit of an image, by audit token or entity id. Unknown processes are ignored. */
  recordExit(process: ProcessKey | string, eventTimeMs: number): void;
  /**
   * A missing image is adopted from the start-up snapshot (see `seed`) when its pid is there,
   * so the parents of the first live events are known.
   */
  get(key: ProcessKey): ProcessEntry | undefined;
  /**
   * Remembers the processes running at start. A listing has no pidversion, so a seeded process
   * enters the table only when an event names its pid (as a parent, say) and then takes that
   * event's identity; its own parent stays unknown. A seeded pid is forgotten once any event
   * shows a new image or an exit for it, so pid reuse never dresses a new process in old data.
   */
  seed(processes: readonly SeedProcess[], entityIdFor: EntityIdFor): void;
  getByEntityId(entityId: string): ProcessEntry | undefined;
  /**
   * The ancestors of a process, nearest first (parent, grandparent, …), at most `maxDepth` of
   * them; the process itself is not included. Stops at the first ancestor the table does not
   * hold, and at a loop.
   */
  ancestry(process: ProcessKey | string, maxDepth: number): ProcessSummary[];
  stats(): ProcessTableStats;
}

export interface ProcessTableOptions {
  /** Most entries held; past it the oldest-inserted entry is evicted. Default 32 768. */
  maxEntries?: number;
  /** How long an exited image stays, in event time. Default 10 minutes. */
  exitedTtlMs?: number;
}

export const PROCESS_TABLE_DEFAULTS = {
  maxEntries: 32_768,
  exitedTtlMs: 10 * 60 * 1000,
} as const;

/** Creates an empty, bounded process table. */
export function createProcessTable(options: ProcessTableOptions = {}): ProcessTable {
  return new BoundedProcessTable(
    options.maxEntries ?? PROCESS_TABLE_DEFAULTS.maxEntries,
    options.exitedTtlMs ?? PROCESS_TABLE_DEFAULTS.exitedTtlMs,
  );
}

interface MutableEntry {
  entityId: string;
  pid: number;
  pidversion: number | undefined;
  parentEntityId: string | undefined;
  fields: EcsDocument;
  exitedAtMs: number | undefined;
  /** Whether the table still holds this entry (the queues may name entries gone). */
  held: boolean;
  /** Whether an entry naming this one as its parent was ever inserted. */
  hasChildren: boolean;
}

/** pid and pidversion are both below 2^32, so the pair packs exactly into one double. */
function packKey(pid: number, pidversion: number): number {
  return pid * 0x1_0000_0000 + pidversion;
}

class BoundedProcessTable implements ProcessTable {
  private readonly byEntityId = new Map<string, MutableEntry>();
  private readonly byKey = new Map<number, MutableEntry>();
  /** Entries in insertion order (eviction order); some may be gone already. */
  private insertedQueue = new Fifo<MutableEntry>();
  /** Exits in exit order (expiry order); some of these entries may be gone already. */
  private exitedQueue = new ExitQueue();
  private seeded = new Map<number, SeedProcess>();
  private entityIdFor: EntityIdFor | undefined;
  private nowMs = Number.NEGATIVE_INFINITY;
  private evicted = 0;
  private expired = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly exitedTtlMs: number,
  ) {}

  observe(sighting: ProcessSighting, eventTimeMs: number): ProcessEntry {
    return this.observeEntry(sighting, eventTimeMs);
  }

  private observeEntry(sighting: ProcessSighting, eventTimeMs: number): MutableEntry {
    this.advanceClock(eventTimeMs);

    const known = this.byEntityId.get(sighting.entityId);
    if (known !== undefined) {
      known.fields = withMissingFields(known.fields, sighting.fields);
      if (known.parentEntityId === undefined && sighting.parentEntityId !== undefined) {
        known.parentEntityId = sighting.parentEntityId;
        this.noteChildOf(sighting.parentEntityId);
      }
      return known;
    }
    return this.insert(sighting);
  }

  recordExec(before: ProcessKey, image: ProcessSighting, eventTimeMs: number): ProcessEntry {
    const isSameImage = before.pid === image.pid && before.pidversion === image.pidversion;
    if (!isSameImage) this.endImage(before, eventTimeMs);
    const entry = this.observeEntry(image, eventTimeMs);
    // The new image's own fields (args, cwd) come from the exec itself: they win.
    const isJustInserted = entry.fields === image.fields;
    if (!isJustInserted) entry.fields = { ...entry.fields, ...image.fields };
    return entry;
  }

  recordExit(process: ProcessKey | string, eventTimeMs: number): void {
    this.advanceClock(eventTimeMs);

    if (typeof process !== 'string') this.seeded.delete(process.pid);
    const entry = typeof process === 'string' ? this.byEntityId.get(process) : this.lookup(process);
    if (entry === undefined || entry.exitedAtMs !== undefined) return;
    entry.exitedAtMs = eventTimeMs;
    this.exitedQueue.push(entry.entityId, eventTimeMs);
    // Exits of entries evicted since linger until their time to live passes; under a flood of
    // short processes that is many times the table, so the queue is pruned to the table's size.
    if (this.exitedQueue.size > 2 * this.byEntityId.size + 1024) {
      this.exitedQueue.retain((entityId, exitedAtMs) => this.isHeldExit(entityId, exitedAtMs));
    }
  }

  /**
   * The image an exec replaced: it has exited. When no child names it, nothing ever will (later
   * processes are children of the new image, and ES names a parent by its current token), so it
   * leaves at once instead of filling the table for its time to live.
   */
  private endImage(before: ProcessKey, eventTimeMs: number): void {
    this.recordExit(before, eventTimeMs);
    const ended = this.lookup(before);
    if (ended !== undefined && !ended.hasChildren) this.remove(ended);
  }

  /** Marks the entry `parentEntityId` names, if held, as a parent. */
  private noteChildOf(parentEntityId: string): void {
    const parent = this.byEntityId.get(parentEntityId);
    if (parent !== undefined) parent.hasChildren = true;
  }

  get(key: ProcessKey): ProcessEntry | undefined {
    return this.lookup(key) ?? this.adoptSeeded(key);
  }

  seed(processes: readonly SeedProcess[], entityIdFor: EntityIdFor): void {
    this.entityIdFor = entityIdFor;
    this.seeded = new Map(processes.map((process) => [process.pid, process]));
  }

  getByEntityId(entityId: string): ProcessEntry | undefined {
    return this.byEntityId.get(entityId);
  }

  ancestry(process: ProcessKey | string, maxDepth: number): ProcessSummary[] {
    const start = typeof process === 'string' ? this.byEntityId.get(process) : this.lookup(process);
    const ancestors: ProcessSummary[] = [];
    const seen = new Set<string>();
    let next = start?.parentEntityId;

    while (next !== undefined && ancestors.length < maxDepth && !seen.has(next)) {
      const entry = this.byEntityId.get(next);
      if (entry === undefined) break;
      seen.add(next);
      ancestors.push(summarize(entry));
      next = entry.parentEntityId;
    }
    return ancestors;
  }

  stats(): ProcessTableStats {
    return { size: this.byEntityId.size, evicted: this.evicted, expired: this.expired };
  }

  private lookup(key: ProcessKey): MutableEntry | undefined {
    return this.byKey.get(packKey(key.pid, key.pidversion));
  }

  private adoptSeeded(key: ProcessKey): MutableEntry | undefined {
    const seeded = this.seeded.get(key.pid);
    if (seeded === undefined || this.entityIdFor === undefined) return undefined;

    const entityId = this.entityIdFor(key.pid, key.pidversion);
    // An entry of an ECS recording may hold the id (it had no pidversion to be found by): the
    // listing's process replaces it.
    const replaced = this.byEntityId.get(entityId);
    if (replaced !== undefined) this.remove(replaced);
    return this.insert({
      entityId,
      pid: key.pid,
      pidversion: key.pidversion,
      fields: seedFields(seeded),
    });
  }

  private insert(sighting: ProcessSighting): MutableEntry {
    // A new image of a seeded pid: the listed process is this one (adopted) or long gone.
    this.seeded.delete(sighting.pid);
    const entry: MutableEntry = {
      entityId: sighting.entityId,
      pid: sighting.pid,
      pidversion: sighting.pidversion,
      parentEntityId: sighting.parentEntityId,
      fields: sighting.fields,
      exitedAtMs: undefined,
      held: true,
      hasChildren: false,
    };
    if (entry.parentEntityId !== undefined) this.noteChildOf(entry.parentEntityId);
    // Callers insert only ids the table does not hold.
    this.byEntityId.set(entry.entityId, entry);
    this.insertedQueue.push(entry);
    // Expired entries linger in the insertion queue until eviction passes them; when eviction
    // never comes (a table under its cap), this keeps the queue within twice the table.
    if (this.insertedQueue.size > 2 * this.byEntityId.size + 1024) {
      this.insertedQueue.retain((queued) => queued.held);
    }
    if (entry.pidversion !== undefined) {
      this.byKey.set(packKey(entry.pid, entry.pidversion), entry);
    }

    while (this.byEntityId.size > this.maxEntries) this.evictOldest();
    return entry;
  }

  /** Evicts the oldest entry still held (entries that expired meanwhile are passed over). */
  private evictOldest(): void {
    for (let oldest = this.insertedQueue.shift(); oldest !== undefined;) {
      if (oldest.held) {
        this.remove(oldest);
        this.evicted += 1;
        return;
      }
      oldest = this.insertedQueue.shift();
    }
  }

  private remove(entry: MutableEntry): void {
    entry.held = false;
    this.byEntityId.delete(entry.entityId);
    if (entry.pidversion === undefined) return;
    const key = packKey(entry.pid, entry.pidversion);
    if (this.byKey.get(key) === entry) this.byKey.delete(key);
  }

  /** Moves event time forward (never back) and drops exited entries past their time to live. */
  private advanceClock(eventTimeMs: number): void {
    if (!(eventTimeMs > this.nowMs)) return;
    this.nowMs = eventTimeMs;

    const cutoffMs = this.nowMs - this.exitedTtlMs;
    const queue = this.exitedQueue;
    while (queue.size > 0 && queue.headTimeMs() < cutoffMs) {
      const exitedAtMs = queue.headTimeMs();
      const entityId = queue.shift();
      const entry = entityId === undefined ? undefined : this.byEntityId.get(entityId);
      if (entry !== undefined && entry.exitedAtMs === exitedAtMs) {
        this.remove(entry);
        this.expired += 1;
      }
    }
  }

  /** Whether the image that exited then is still held (not evicted, not seen again since). */
  private isHeldExit(entityId: string, exitedAtMs: number): boolean {
    return this.byEntityId.get(entityId)?.exitedAtMs === exitedAtMs;
  }
}

/**
 * Exits waiting for their time to live to pass: (entity id, exit time) pairs in exit order, kept
 * in two arrays rather than as an object per exit (the times array holds plain doubles), since a
 * busy host has tens of thousands of them pending and each object would be garbage-collector work.
 */
class ExitQueue {
  private ids: (string | undefined)[] = [];
  private times: number[] = [];
  private head = 0;

  get size(): number {
    return this.ids.length - this.head;
  }

  push(entityId: string, exitedAtMs: number): void {
    this.ids.push(entityId);
    this.times.push(exitedAtMs);
  }

  /** The exit time at the head; only meaningful while `size > 0`. */
  headTimeMs(): number {
    return this.times[this.head] ?? Number.POSITIVE_INFINITY;
  }

  shift(): string | undefined {
    const entityId = this.ids[this.head];
    this.ids[this.head] = undefined;
    this.head += 1;
    if (this.head > 1024 && this.head * 2 > this.ids.length) this.retain(() => true);
    return entityId;
  }

  /** Keeps only the pairs `keep` accepts, in order (and lets go of those shifted out). */
  retain(keep: (entityId: string, exitedAtMs: number) => boolean): void {
    const ids: string[] = [];
    const times: number[] = [];
    for (let index = this.head; index < this.ids.length; index += 1) {
      const entityId = this.ids[index];
      const exitedAtMs = this.times[index] ?? 0;
      if (entityId !== undefined && keep(entityId, exitedAtMs)) {
        ids.push(entityId);
        times.push(exitedAtMs);
      }
    }
    this.ids = ids;
    this.times = times;
    this.head = 0;
  }
}

/**
 * A FIFO: an array and a head index, compacted once mostly consumed. (A Map's own insertion
 * order would do, but V8 walks over deleted slots to reach the first live entry, which makes
 * eviction quadratic under churn.) Items may name entries gone from the table; callers check.
 */
class Fifo<T> {
  private items: (T | undefined)[] = [];
  private head = 0;

  push(item: T): void {
    this.items.push(item);
  }

  get size(): number {
    return this.items.length - this.head;
  }

  peek(): T | undefined {
    return this.items[this.head];
  }

  /** Keeps only the items `keep` accepts, in order. */
  retain(keep: (item: T) => boolean): void {
    this.items = this.items.slice(this.head).filter((item) => item !== undefined && keep(item));
    this.head = 0;
  }

  shift(): T | undefined {
    const item = this.items[this.head];
    if (item === undefined) return undefined;
    // Let go of the item now, not at the next compaction (it may hold a whole entry).
    this.items[this.head] = undefined;
    this.head += 1;

    const isMostlyConsumed = this.head > 1024 && this.head * 2 > this.items.length;
    if (isMostlyConsumed) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
}

/** `fields` plus the keys of `extra` it lacks; `fields` itself when nothing is missing. */
function withMissingFields(fields: EcsDocument, extra: EcsDocument): EcsDocument {
  let merged: EcsDocument | undefined;
  for (const key of Object.keys(extra)) {
    const value = extra[key];
    if (key in fields || value === undefined) continue;
    merged ??= { ...fields };
    merged[key] = value;
  }
  return merged ?? fields;
}

function summarize(entry: MutableEntry): ProcessSummary {
  const summary: ProcessSummary = { pid: entry.pid, entity_id: entry.entityId };
  const { name, executable, args } = entry.fields;
  if (typeof name === 'string') summary.name = name;
  if (typeof executable === 'string') summary.executable = executable;
  if (Array.isArray(args) && args.every((arg) => typeof arg === 'string')) summary.args = args;
  return summary;
}

/** The ECS `process.*` fields a listing gives: name, path and arguments where readable. */
function seedFields(process: SeedProcess): EcsDocument {
  const fields: EcsDocument = { pid: process.pid };
  const path = process.executable ?? process.args?.[0] ?? null;
  if (path !== null) fields.name = path.slice(path.lastIndexOf('/') + 1);
  if (process.executable !== null) fields.executable = process.executable;
  if (process.args !== null) {
    fields.args = process.args;
    fields.args_count = process.args.length;
  }
  const commandLine = process.commandLine ?? process.args?.join(' ') ?? null;
  if (commandLine !== null) fields.command_line = commandLine;
  return fields;
}
