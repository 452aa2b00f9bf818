import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

const contract = resolve(__dirname, 'src-main/contract/index.ts');

/**
 * main: Electron's main process, the store worker and the `comptoir` CLI (all
 * CommonJS, dependencies left external so better-sqlite3 loads its native
 * module); preload: one sandboxed CommonJS file; renderer: the React app.
 */
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      lib: {
        entry: {
          main: resolve(__dirname, 'src-main/host/electron/main.ts'),
          worker: resolve(__dirname, 'src-main/host/worker.ts'),
          cli: resolve(__dirname, 'src-main/host/cli/index.ts'),
        },
      },
      rolldownOptions: {
        output: {
          // the CLI is the package's `bin`: it needs a shebang, the others do not mind
          banner: (chunk: { name: string }) => (chunk.name === 'cli' ? '#!/usr/bin/env node' : ''),
        },
      },
    },
  },
  preload: {
    build: {
      // a sandboxed preload can require only `electron`: bundle everything else into it
      externalizeDeps: false,
      outDir: 'out/preload',
      lib: { entry: { preload: resolve(__dirname, 'src-main/host/electron/preload.ts') } },
      rolldownOptions: { output: { format: 'cjs' } },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src-renderer'),
    base: './',
    resolve: { alias: { '@contract': contract } },
    plugins: [react()],
    build: {
      minify: true,
      outDir: resolve(__dirname, 'out/renderer'),
      emptyOutDir: true,
      rolldownOptions: { input: resolve(__dirname, 'src-renderer/index.html') },
    },
  },
});
