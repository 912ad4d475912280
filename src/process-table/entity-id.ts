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
}

/**
 * The entity id of the process image (pid, pidversion) on `scope`'s host and boot. Callers look
 * known images up in the process table, which holds their ids, so this runs about once per image.
 */
export function entityIdOf(scope: EntityIdScope, pid: number, pidversion: number): string {
  const boot = scope.bootId === undefined ? '' : `${scope.bootId}-`;
  const prefix = `${scope.hostKey}-${boot}`;
  const text = `${prefix}${pid}-${pidversion}`;
  // For ASCII text its UTF-8 bytes are its Latin-1 bytes, and btoa encodes those without a Buffer.
  return PRINTABLE_ASCII.test(prefix) ? btoa(text) : Buffer.from(text).toString('base64');
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
