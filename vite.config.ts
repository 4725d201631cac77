import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

import { offlinePrecache } from './scripts/offlinePrecache.ts';

export default defineConfig({
  // offlinePrecache: the built file list goes into the service worker (public/sw.js).
  plugins: [react(), offlinePrecache()],
  optimizeDeps: {
    // The worker imports these; listing them up front avoids a dev-server reload on first visit.
    include: [
      '@tensorflow/tfjs',
      '@tensorflow/tfjs-backend-webgpu',
      '@tensorflow/tfjs-backend-wasm',
    ],
  },
  worker: {
    // The training worker is a module worker (`new Worker(url, { type: 'module' })`).
    format: 'es',
  },
  build: {
    target: 'es2022',
    // tfjs (with the WebGPU and WASM backends) makes the worker chunk a few MB by design.
    chunkSizeWarningLimit: 4096,
    rolldownOptions: {
      // Bundling tfjs into the worker takes a few seconds; the timing report is just noise.
      checks: { bundlerTimings: false },
    },
  },
  preview: {
    port: 4173,
    strictPort: true,
  },
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts'],
    testTimeout: 60_000,
  },
});
