// The web benchmark pages are not in the shipped app (apps/web/dist): the bench builds
// them for itself, with the app, into a temporary directory the agent serves instead.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const webDirectory = fileURLToPath(new URL('../../apps/web/', import.meta.url));

export interface BenchPages {
  /** The agent's --web-root. */
  directory: string;
  remove(): void;
}

/** apps/web built by vite.bench.config.ts: the app's components, the benchmark pages beside index.html. */
export function buildBenchPages(): BenchPages {
  const directory = mkdtempSync(path.join(tmpdir(), 'bpfscope-bench-pages-'));
  const vite = path.join(webDirectory, 'node_modules/.bin/vite');
  execFileSync(vite, ['build', '--config', 'vite.bench.config.ts', '--outDir', directory, '--emptyOutDir', '--logLevel', 'warn'], {
    cwd: webDirectory,
    stdio: 'inherit',
  });
  return { directory, remove: () => rmSync(directory, { recursive: true, force: true }) };
}
