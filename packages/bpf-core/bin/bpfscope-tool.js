#!/usr/bin/env node
// Checked-in shim so package managers can link the bin before the first build. It runs
// the CLI's bundle (make) with V8's compiled code cached, which halves a fresh start.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runWithCodeCache } from '../dist/codeCache.js';

const bundle = fileURLToPath(new URL('../bundle/bpfscope-tool.cjs', import.meta.url));
// Built with tsc alone (no esbuild step yet), the CLI still runs, unbundled.
if (existsSync(bundle)) runWithCodeCache(bundle);
else await import('../dist/cli.js');
