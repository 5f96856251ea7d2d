// pnpm bench (e2e): the web app in Chromium against a real agent. `pnpm --filter @bpfscope/e2e bench fleet` runs only
// the benches named (heat-map, flame-graph, live-table, host-overview, fleet, fleet-prometheus, first-picture); none named, all.
import { benchFirstPicture } from './firstPicture.ts';
import { benchFlameGraph } from './flameGraph.ts';
import { benchFleet } from './fleet.ts';
import { benchFleetPrometheus } from './fleetPrometheus.ts';
import { benchHeatMap } from './heatMap.ts';
import { benchHostOverview } from './hostOverview.ts';
import { benchLiveTable } from './liveTable.ts';

if (process.getuid?.() !== 0) throw new Error('the web benchmarks start a real agent with BPF: run them as root');
const benches: Record<string, () => Promise<void>> = {
  'heat-map': benchHeatMap,
  'flame-graph': benchFlameGraph,
  'live-table': benchLiveTable,
  'host-overview': benchHostOverview,
  fleet: benchFleet,
  'fleet-prometheus': benchFleetPrometheus,
  'first-picture': benchFirstPicture,
};
const named = process.argv.slice(2);
const unknown = named.filter((name) => !(name in benches));
if (unknown.length > 0) throw new Error(`no bench ${unknown.join(', ')}: the benches are ${Object.keys(benches).join(', ')}`);
for (const [name, bench] of Object.entries(benches)) if (named.length === 0 || named.includes(name)) await bench();
