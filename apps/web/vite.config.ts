import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import type { Plugin } from 'vite';

/**
 * V8's explicit compile hint on every chunk: its functions are compiled as the
 * script loads (by the streaming thread, for module scripts), not lazily on the
 * main thread at their first call. Most of what the app ships runs as its first
 * view is drawn (React's render and commit, a heat map's matrix, pixels, lines
 * and axes), and a page that has run nothing before otherwise compiles it all
 * inside its first frame.
 */
function compileHints(): Plugin {
  return {
    name: 'bpfscope:compile-hints',
    // Once the chunks are final: minification would drop the comment.
    generateBundle: {
      order: 'post',
      handler(_options, bundle) {
        for (const output of Object.values(bundle)) if (output.type === 'chunk') output.code = `//# allFunctionsCalledOnLoad\n${output.code}`;
      },
    },
  };
}

export default defineConfig({
  plugins: [react(), compileHints()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
  },
});
