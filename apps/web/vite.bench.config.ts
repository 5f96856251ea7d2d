// The app with its benchmark pages beside it, for `pnpm bench` (e2e/bench/benchPages.ts builds
// it into a directory of its own): the production build (vite.config.ts) ships the app alone.
import { defineConfig, mergeConfig } from 'vite';
import app from './vite.config';

export default mergeConfig(
  app,
  defineConfig({
    build: {
      // Never the app's dist; the bench passes its own --outDir.
      outDir: 'node_modules/.bench-pages',
      // With index.html: the agent serves a web root only with one, and the pages keep the chunks they always measured.
      rollupOptions: { input: { app: 'index.html', heatMapBench: 'heatmap-bench.html', flameGraphBench: 'flamegraph-bench.html' } },
    },
  }),
);
