import { ToolError } from '../errors.js';
import type { ToolDefinition } from './types.js';

type ToolLoader = () => Promise<ToolDefinition>;

/**
 * Every tool bpfscope knows, by name, each module imported only when asked for: the
 * CLI runs one tool and builds that tool's schemas alone. Adding a tool: its folder
 * under tools/ and one line here (tools/registry.ts holds them all, loaded).
 */
export const toolLoaders: ReadonlyMap<string, ToolLoader> = new Map<string, ToolLoader>([
  ['execsnoop', async () => (await import('./execsnoop/execsnoop.js')).execsnoop],
  ['opensnoop', async () => (await import('./opensnoop/opensnoop.js')).opensnoop],
  ['tcplife', async () => (await import('./tcplife/tcplife.js')).tcplife],
  ['tcpconnect', async () => (await import('./tcpconnect/tcpconnect.js')).tcpconnect],
  ['tcpaccept', async () => (await import('./tcpaccept/tcpaccept.js')).tcpaccept],
  ['tcpretrans', async () => (await import('./tcpretrans/tcpretrans.js')).tcpretrans],
  ['biolatency', async () => (await import('./biolatency/biolatency.js')).biolatency],
  ['biosnoop', async () => (await import('./biosnoop/biosnoop.js')).biosnoop],
  ['runqlat', async () => (await import('./runqlat/runqlat.js')).runqlat],
  ['gethostlatency', async () => (await import('./gethostlatency/gethostlatency.js')).gethostlatency],
  ['fsslower', async () => (await import('./fsslower/fsslower.js')).fsslower],
  ['ext4slower', async () => (await import('./fsslower/fsslower.js')).ext4slower],
  ['cachestat', async () => (await import('./cachestat/cachestat.js')).cachestat],
  ['profile', async () => (await import('./profile/profile.js')).profile],
  ['offcputime', async () => (await import('./offcputime/offcputime.js')).offcputime],
  ['offwaketime', async () => (await import('./offwaketime/offwaketime.js')).offwaketime],
  ['trace', async () => (await import('./trace/trace.js')).trace],
  ['funccount', async () => (await import('./funccount/funccount.js')).funccount],
  ['funclatency', async () => (await import('./funclatency/funclatency.js')).funclatency],
  ['argdist', async () => (await import('./argdist/argdist.js')).argdist],
  ['stackcount', async () => (await import('./stackcount/stackcount.js')).stackcount],
]);

export function unknownToolError(name: string, known: Iterable<string> = toolLoaders.keys()): ToolError {
  return new ToolError('UNKNOWN_TOOL', `unknown tool "${name}"; known tools: ${[...known].join(', ')}`);
}

/** One tool's definition, importing its module alone (throws UNKNOWN_TOOL). */
export function loadTool(name: string): Promise<ToolDefinition> {
  const load = toolLoaders.get(name);
  if (!load) return Promise.reject(unknownToolError(name));
  return load();
}
