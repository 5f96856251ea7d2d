import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The benchmark pages ship beside the app so `pnpm bench` can load it from a real agent.
    rollupOptions: { input: { app: 'index.html', heatMapBench: 'heatmap-bench.html', flameGraphBench: 'flamegraph-bench.html' } },
  },
});
