#!/usr/bin/env node
// Thin wrapper: the logic lives in src/packaging (compiled to dist/). Run with --help.
import { runBuildAppCli } from '../dist/packaging/index.js';

process.exitCode = await runBuildAppCli(process.argv.slice(2));
