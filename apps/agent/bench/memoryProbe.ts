// Preloaded into the agent by the memory bench (node --import, compiled with the agent), never by the agent itself:
// on SIGUSR2 it writes the V8 heap's figures to $BPFSCOPE_MEMORY_PROBE, so the bench can split the RSS into V8 and the rest.
import { renameSync, writeFileSync } from 'node:fs';
import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';

const out = process.env.BPFSCOPE_MEMORY_PROBE;
if (out) {
  process.on('SIGUSR2', () => {
    const heap = getHeapStatistics();
    const spaces = Object.fromEntries(
      getHeapSpaceStatistics().map((space) => [space.space_name, { physical: space.physical_space_size, used: space.space_used_size }]),
    );
    const { external, arrayBuffers } = process.memoryUsage();
    writeFileSync(
      `${out}.tmp`,
      JSON.stringify({ physical: heap.total_physical_size, used: heap.used_heap_size, malloced: heap.malloced_memory, external, arrayBuffers, spaces }),
    );
    // Renamed into place, so the bench never reads half a file.
    renameSync(`${out}.tmp`, out);
  });
}
