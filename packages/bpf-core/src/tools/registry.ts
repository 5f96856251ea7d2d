import { startLoadedTool } from '../session.js';
import type { StartToolOptions, ToolSession } from '../session.js';
import { toolLoaders, unknownToolError } from './loaders.js';
import type { ToolDefinition } from './types.js';

/** Every tool bpfscope knows, loaded, in tools/loaders.ts's order (the agent lists and serves them all). */
export const toolRegistry: ReadonlyMap<string, ToolDefinition> = new Map<string, ToolDefinition>(
  await Promise.all([...toolLoaders].map(async ([name, load]) => [name, await load()] as const)),
);

export function getTool(name: string): ToolDefinition {
  const tool = toolRegistry.get(name);
  if (!tool) throw unknownToolError(name, toolRegistry.keys());
  return tool;
}

/** startLoadedTool for a tool named in the registry (throws UNKNOWN_TOOL). */
export function startTool<Row = Record<string, unknown>>(name: string, params: unknown, options: StartToolOptions = {}): ToolSession<Row> {
  return startLoadedTool<Row>(getTool(name), params, options);
}
