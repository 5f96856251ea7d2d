// pnpm bench: the agent end to end over loopback tRPC, as its own process; results
// in bench/results/agent-*.json at the repository root and a short table each.
import { resultsDirectory } from '@bpfscope/bench-kit';
import { compileExecStorm } from './agentProcess.js';
import { benchAgentExecStorm } from './execStorm.js';
import { benchFlightRecorder } from './flightRecorder.js';
import { benchHostRecorder } from './hostRecorder.js';
import { benchAgentViewers } from './viewers.js';

if (process.getuid?.() !== 0) throw new Error('the agent benchmark attaches BPF programs: run it as root');
const stormBinary = compileExecStorm();
await benchAgentExecStorm(stormBinary);
await benchAgentViewers(stormBinary);
await benchFlightRecorder();
await benchHostRecorder();
console.log(`\nresults written to ${resultsDirectory}`);
