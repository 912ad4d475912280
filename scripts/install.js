#!/usr/bin/env node
// Thin wrapper: the logic lives in src/packaging (compiled to dist/). Run with --help.
import { runInstallCli } from '../dist/packaging/index.js';

process.exitCode = await runInstallCli(process.argv.slice(2));
