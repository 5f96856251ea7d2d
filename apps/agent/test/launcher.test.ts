import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentDirectory, agentLauncher, launcherEnv } from './harness.js';

/** A script that prints how node was started, run in place of the agent. */
function reportingScript(): string {
  const script = path.join(mkdtempSync(path.join(tmpdir(), 'bpfscope-launcher-')), 'report.mjs');
  writeFileSync(
    script,
    'console.log(JSON.stringify({ execArgv: process.execArgv, argv: process.argv.slice(2), arenas: process.env.MALLOC_ARENA_MAX, pid: process.pid }));\n',
  );
  return script;
}

describe('bin/bpfscope-agent', () => {
  it("runs the script with the agent's node flags and malloc arenas, the agent's flags passed on", () => {
    const env: NodeJS.ProcessEnv = launcherEnv(reportingScript());
    delete env.MALLOC_ARENA_MAX;
    const report = JSON.parse(execFileSync(agentLauncher, ['--listen', '127.0.0.1:0', '--record', 'none'], { cwd: agentDirectory, env, encoding: 'utf8' })) as {
      execArgv: string[];
      argv: string[];
      arenas: string;
    };
    expect(report.execArgv).toContain('--optimize-for-size');
    expect(report.arenas).toBe('2');
    expect(report.argv).toEqual(['--listen', '127.0.0.1:0', '--record', 'none']);
  });

  it('leaves a MALLOC_ARENA_MAX set by the operator as it is', () => {
    const env = { ...launcherEnv(reportingScript()), MALLOC_ARENA_MAX: '8' };
    const report = JSON.parse(execFileSync(agentLauncher, [], { cwd: agentDirectory, env, encoding: 'utf8' })) as { arenas: string };
    expect(report.arenas).toBe('8');
  });

  it('runs the built agent by default, with NODE or node from PATH', () => {
    // A stand-in for node that prints its arguments.
    const node = path.join(mkdtempSync(path.join(tmpdir(), 'bpfscope-launcher-')), 'node');
    writeFileSync(node, '#!/bin/sh\nprintf "%s\\n" "$@"\n', { mode: 0o755 });
    const env: NodeJS.ProcessEnv = { ...process.env, NODE: node };
    delete env.BPFSCOPE_AGENT_MAIN;
    const args = execFileSync(agentLauncher, ['--print-token'], { env, encoding: 'utf8' }).trim().split('\n');
    expect(args).toHaveLength(3);
    expect([args[0], path.resolve(args[1] ?? ''), args[2]]).toEqual(['--optimize-for-size', path.join(agentDirectory, 'dist/main.js'), '--print-token']);
  });
});
