// pnpm bench: machine-readable results in bench/results/*.json and a short table.
import { benchExecStorm } from './execStorm.js';
import { benchToolStart } from './toolStart.js';
import { resultsDirectory } from './common.js';

await benchToolStart();
await benchExecStorm();
console.log(`\nresults written to ${resultsDirectory}`);
