// pnpm bench: machine-readable results in bench/results/*.json and a short table.
import { resultsDirectory } from '@bpfscope/bench-kit';
import { benchCustomProbes } from './customProbes.js';
import { benchExecStorm } from './execStorm.js';
import { benchIoToolsStart } from './ioToolsStart.js';
import { benchOpenStorm } from './openStorm.js';
import { benchNetworkToolStart, benchToolStart } from './toolStart.js';
import { benchProfileOverhead } from './profileOverhead.js';
import { benchSymbolize } from './symbolize.js';

await benchToolStart();
await benchNetworkToolStart();
await benchExecStorm();
await benchIoToolsStart();
await benchOpenStorm();
await benchSymbolize();
await benchProfileOverhead();
await benchCustomProbes();
console.log(`\nresults written to ${resultsDirectory}`);
