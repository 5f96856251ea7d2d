#!/usr/bin/env node
// Checked-in shim so package managers can link the bin before the first build.
await import('../dist/cli.js');
