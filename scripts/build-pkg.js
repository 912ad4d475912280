#!/usr/bin/env node
// Thin wrapper: the logic lives in src/packaging (compiled to dist/). Run with --help.
import { runBuildPkgCli } from '../dist/packaging/index.js';

process.exitCode = await runBuildPkgCli(process.argv.slice(2));
