#!/usr/bin/env node
// Checked-in shim so package managers can link the bin before the first build. It runs
// the CLI's bundle (make) with V8's compiled code cached, which halves a fresh start.
import { fileURLToPath } from 'node:url';
import { runWithCodeCache } from '../dist/codeCache.js';

runWithCodeCache(fileURLToPath(new URL('../bundle/bpfscope-tool.cjs', import.meta.url)));
