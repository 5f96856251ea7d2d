// pnpm bench: the agent end to end over loopback tRPC, as its own process; results
// in bench/results/agent-*.json at the repository root and a short table each.
import { resultsDirectory } from '@bpfscope/bench-kit';
import { compileExecStorm } from './agentProcess.js';
import { benchAgentExecStorm } from './execStorm.js';
import { benchFlightRecorder } from './flightRecorder.js';
import { benchHostRecorder } from './hostRecorder.js';
import { benchAgentMemory } from './memory.js';
import { benchMetrics } from './metrics.js';
import { benchSessionStart } from './sessionStart.js';
import { benchAgentViewers } from './viewers.js';
import { benchWireForms } from './wireForms.js';

if (process.getuid?.() !== 0) throw new Error('the agent benchmark attaches BPF programs: run it as root');
// `pnpm --filter @bpfscope/agent bench metrics` runs only the benches named; none named, all of them.
const only = new Set(process.argv.slice(2));
const wanted = (name: string) => only.size === 0 || only.has(name);
if (wanted('exec-storm') || wanted('viewers')) {
  const stormBinary = compileExecStorm();
  if (wanted('exec-storm')) await benchAgentExecStorm(stormBinary);
  if (wanted('viewers')) await benchAgentViewers(stormBinary);
}
if (wanted('session-start')) await benchSessionStart();
if (wanted('flight-recorder')) await benchFlightRecorder();
if (wanted('host-recorder')) await benchHostRecorder();
if (wanted('metrics')) await benchMetrics();
if (wanted('wire-forms')) await benchWireForms();
if (wanted('memory')) await benchAgentMemory();
console.log(`\nresults written to ${resultsDirectory}`);
