// The dashboard's build (issue #20): Vite bundles src/web (Preact + uPlot) into dist/web, which `shopcast serve`
// serves at `/`. Part of `npm run build`, so `npm install` (through `prepare`) builds it.
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'src/web',
  base: '/',
  publicDir: false,
  logLevel: 'warn',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: '../../dist/web',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // every page is a chunk of its own, loaded when it is first opened
    chunkSizeWarningLimit: 200,
  },
});
