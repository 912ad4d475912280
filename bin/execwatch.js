#!/usr/bin/env node
// The installed command: runs the compiled CLI from dist/ (built by `npm install` / `npm ci`).
import { main } from '../dist/cli/index.js';

process.exitCode = await main(process.argv);
