// pnpm bench: machine-readable results in bench/results/*.json and a short table.
import { resultsDirectory } from '@bpfscope/bench-kit';
import { benchCustomProbes } from './customProbes.js';
import { benchExecStorm } from './execStorm.js';
import { benchOpenStorm } from './openStorm.js';
import { benchStartBesideBpftrace, benchToolStart, toolComparisons } from './toolStart.js';
import { benchProfileOverhead } from './profileOverhead.js';
import { benchSymbolize } from './symbolize.js';

await benchToolStart();
await benchStartBesideBpftrace(toolComparisons);
await benchExecStorm();
await benchOpenStorm();
await benchSymbolize();
await benchProfileOverhead();
await benchCustomProbes();
console.log(`\nresults written to ${resultsDirectory}`);
