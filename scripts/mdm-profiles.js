#!/usr/bin/env node
// Thin wrapper: the logic lives in src/packaging (compiled to dist/). Run with --help.
import { runMdmProfilesCli } from '../dist/packaging/index.js';

process.exitCode = await runMdmProfilesCli(process.argv.slice(2));
