import { argdist } from './argdist/argdist.js';
import { biolatency } from './biolatency/biolatency.js';
import { biosnoop } from './biosnoop/biosnoop.js';
import { cachestat } from './cachestat/cachestat.js';
import { execsnoop } from './execsnoop/execsnoop.js';
import { ext4slower, fsslower } from './fsslower/fsslower.js';
import { funccount } from './funccount/funccount.js';
import { funclatency } from './funclatency/funclatency.js';
import { gethostlatency } from './gethostlatency/gethostlatency.js';
import { offcputime } from './offcputime/offcputime.js';
import { offwaketime } from './offwaketime/offwaketime.js';
import { opensnoop } from './opensnoop/opensnoop.js';
import { profile } from './profile/profile.js';
import { runqlat } from './runqlat/runqlat.js';
import { stackcount } from './stackcount/stackcount.js';
import { tcpaccept } from './tcpaccept/tcpaccept.js';
import { tcpconnect } from './tcpconnect/tcpconnect.js';
import { tcplife } from './tcplife/tcplife.js';
import { tcpretrans } from './tcpretrans/tcpretrans.js';
import { trace } from './trace/trace.js';
import type { ToolDefinition } from './types.js';

/** Every tool bpfscope knows. Adding a tool: its folder under tools/ and one line here. */
export const toolRegistry: ReadonlyMap<string, ToolDefinition> = new Map<string, ToolDefinition>(
  [
    execsnoop,
    opensnoop,
    tcplife,
    tcpconnect,
    tcpaccept,
    tcpretrans,
    biolatency,
    biosnoop,
    runqlat,
    gethostlatency,
    fsslower,
    ext4slower,
    cachestat,
    profile,
    offcputime,
    offwaketime,
    trace,
    funccount,
    funclatency,
    argdist,
    stackcount,
  ].map((tool) => [tool.name, tool]),
);
