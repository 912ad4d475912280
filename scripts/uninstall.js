#!/usr/bin/env node
// Thin wrapper: the logic lives in src/packaging (compiled to dist/). Run with --help.
import { runUninstallCli } from '../dist/packaging/index.js';

process.exitCode = await runUninstallCli(process.argv.slice(2));
