// pnpm bench (e2e): the web app in Chromium against a real agent.
import { benchFirstPicture } from './firstPicture.ts';
import { benchFlameGraph } from './flameGraph.ts';
import { benchFleet } from './fleet.ts';
import { benchFleetPrometheus } from './fleetPrometheus.ts';
import { benchHeatMap } from './heatMap.ts';
import { benchHostOverview } from './hostOverview.ts';
import { benchLiveTable } from './liveTable.ts';

if (process.getuid?.() !== 0) throw new Error('the web benchmarks start a real agent with BPF: run them as root');
await benchHeatMap();
await benchFlameGraph();
await benchLiveTable();
await benchHostOverview();
await benchFleet();
await benchFleetPrometheus();
await benchFirstPicture();
