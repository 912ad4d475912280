// Builds the native addons with node-gyp during `npm ci` / `npm install` (the package's
// "install" script), without a download when this Node.js ships its own headers.
//
// node-gyp normally downloads Node's headers into a cache; offline CI then fails. When the
// running node has its headers next to it (`<prefix>/include/node/node_version.h` of the same
// version, as distribution packages and the official tarballs install them), this passes
// `--nodedir=<prefix>` so nothing is fetched. Otherwise node-gyp behaves as usual.
// node-gyp comes from devDependencies, or from npm itself (npm_config_node_gyp) for users.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

function localNodeDir() {
  const prefix = resolve(dirname(process.execPath), '..');
  const versionHeader = join(prefix, 'include', 'node', 'node_version.h');
  if (!existsSync(versionHeader)) return undefined;

  const text = readFileSync(versionHeader, 'utf8');
  const part = (name) => new RegExp(`#define ${name} (\\d+)`).exec(text)?.[1];
  const version = `v${part('NODE_MAJOR_VERSION')}.${part('NODE_MINOR_VERSION')}.${part('NODE_PATCH_VERSION')}`;
  return version === process.version ? prefix : undefined;
}

function nodeGypScript() {
  try {
    return createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js');
  } catch {
    return process.env.npm_config_node_gyp;
  }
}

const script = nodeGypScript();
if (script === undefined) {
  console.error('execwatch: node-gyp was not found; install it (npm i -g node-gyp) and retry.');
  process.exit(1);
}

const nodeDir = localNodeDir();
const args = [script, 'rebuild', ...(nodeDir === undefined ? [] : [`--nodedir=${nodeDir}`])];
const result = spawnSync(process.execPath, args, {
  stdio: 'inherit',
  cwd: resolve(dirname(fileURLToPath(import.meta.url)), '..'),
});
process.exit(result.status ?? 1);
