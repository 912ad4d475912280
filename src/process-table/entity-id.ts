/**
 * Entity ids: one per process image, stable and computable from an audit token alone.
 *
 * Approach: the id is the base64 of `host-boot-pid-pidversion` (the boot part only when the host
 * reports one). Elastic Defend also issues a new entity id for each exec'd image, and ES bumps
 * the pidversion at exec, so the audit token is exactly the identity of one image. Because the id
 * needs nothing but the token, a parent or responsible process that the table never saw still
 * gets the same id it will have (or had) in its own events.
 *
 * Invariant: two images of one host never share an id within a boot, whatever pid reuse does
 * (pidversion grows for every new process and exec). Accepted edge: without a boot id (replayed
 * eslogger recordings carry none) a recording that spans a reboot can reuse an id, since
 * pidversion restarts at boot; the live sources pass the boot session's id.
 */

/** The host part of entity ids: a stable id where known, else the host name. */
export interface EntityIdScope {
  hostKey: string;
  bootId?: string;
  /** Ids already made, by packed (pid, pidversion); each event asks for the same few again. */
  cache?: Map<number, string>;
}

/** Past this many cached ids the cache starts over (a bound, not a tuning knob). */
const MAX_CACHED_IDS = 65_536;

/** The entity id of the process image (pid, pidversion) on `scope`'s host and boot. */
export function entityIdOf(scope: EntityIdScope, pid: number, pidversion: number): string {
  const key = pid * 0x1_0000_0000 + pidversion;
  const cached = scope.cache?.get(key);
  if (cached !== undefined) return cached;

  const boot = scope.bootId === undefined ? '' : `${scope.bootId}-`;
  const id = Buffer.from(`${scope.hostKey}-${boot}${pid}-${pidversion}`).toString('base64');
  if (scope.cache !== undefined) {
    if (scope.cache.size >= MAX_CACHED_IDS) scope.cache.clear();
    scope.cache.set(key, id);
  }
  return id;
}
