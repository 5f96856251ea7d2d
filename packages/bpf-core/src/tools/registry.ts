import { BlockIoLatencyTool } from './biolatency/biolatency.js';
import { ExecSnoopTool } from './execsnoop/execsnoop.js';
import { Ext4SlowerTool, FileSystemSlowerTool } from './fsslower/fsslower.js';
import { HostLookupLatencyTool } from './gethostlatency/gethostlatency.js';
import { OffCpuTimeTool } from './offcputime/offcputime.js';
import { OffWakeTimeTool } from './offwaketime/offwaketime.js';
import { CpuProfileTool } from './profile/profile.js';
import { RunQueueLatencyTool } from './runqlat/runqlat.js';
import { TcpLifeTool } from './tcplife/tcplife.js';
import type { ToolDefinition } from './types.js';

/** Every tool bpfscope knows. Adding a tool: its folder under tools/ and one line here. */
export const toolRegistry: ReadonlyMap<string, ToolDefinition> = new Map<string, ToolDefinition>(
  [
    ExecSnoopTool,
    TcpLifeTool,
    BlockIoLatencyTool,
    RunQueueLatencyTool,
    HostLookupLatencyTool,
    FileSystemSlowerTool,
    Ext4SlowerTool,
    CpuProfileTool,
    OffCpuTimeTool,
    OffWakeTimeTool,
  ].map((tool) => [tool.name, tool]),
);
