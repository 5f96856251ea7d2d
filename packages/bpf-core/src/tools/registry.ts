import { ExecSnoopTool } from './execsnoop/execsnoop.js';
import { TcpLifeTool } from './tcplife/tcplife.js';
import type { ToolDefinition } from './types.js';

/** Every tool bpfscope knows. Adding a tool: its folder under tools/ and one line here. */
export const toolRegistry: ReadonlyMap<string, ToolDefinition> = new Map<string, ToolDefinition>(
  [ExecSnoopTool, TcpLifeTool].map((tool) => [tool.name, tool]),
);
