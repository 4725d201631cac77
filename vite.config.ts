import react from '@vitejs/plugin-react';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';

import { offlinePrecache } from './scripts/offlinePrecache.ts';
import { wasmThreads } from './scripts/wasmThreadsPlugin.ts';

/**
 * Content-Security-Policy: the page and its worker load only the app's own files and talk only
 * to its own origin. 'wasm-unsafe-eval' lets tfjs's WASM backend compile its module (no JS eval
 * is allowed); blob: workers are allowed for libraries that spawn them. script-src also allows
 * blob:, for tfjs-wasm's threaded build: its thread-pool workers (blob: workers, which inherit
 * the training worker's policy) importScripts() the module's code from a blob: URL. A blob: URL
 * can only be made by script already running on the page's origin. Inline styles (React's
 * `style` props) are set through the CSSOM, which style-src does not govern.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval' blob:",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "img-src 'self' data: blob:",
  "style-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

/**
 * The dev server also needs inline scripts (React Refresh's preamble), inline styles (CSS is
 * injected as <style>) and its HMR WebSocket.
 */
const DEV_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace(
  "script-src 'self'",
  "script-src 'self' 'unsafe-inline'",
)
  .replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
  .replace("connect-src 'self'", "connect-src 'self' ws: wss:");

/**
 * Cross-origin isolation (COOP + COEP): it gives the page and its workers SharedArrayBuffer, which
 * tfjs-wasm needs for its threaded SIMD build (XNNPACK's thread pool). The app loads nothing
 * from other origins, so `require-corp` costs nothing. A static host that cannot send headers
 * gets them from the service worker (public/sw.js), which reloads the page once.
 * `CROSS_ORIGIN_ISOLATION=off` serves without them (the benchmark's threads-off comparison).
 */
export const CROSS_ORIGIN_ISOLATION_HEADERS: Record<string, string> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};
const isolationHeaders =
  process.env.CROSS_ORIGIN_ISOLATION === 'off' ? {} : CROSS_ORIGIN_ISOLATION_HEADERS;

/**
 * The built page carries the policy in a <meta> tag, so it holds on any static host; `vite
 * preview` also sends it as a header, which is what governs the worker (a worker's policy comes
 * from its own script's response, not from the page).
 */
function contentSecurityPolicyMeta(): Plugin {
  return {
    name: 'content-security-policy-meta',
    apply: 'build',
    transformIndexHtml: () => [
      {
        tag: 'meta',
        attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY },
        injectTo: 'head-prepend',
      },
    ],
  };
}

export default defineConfig({
  // offlinePrecache: the built file list goes into the service worker (public/sw.js).
  plugins: [react(), contentSecurityPolicyMeta(), offlinePrecache()],
  server: {
    headers: { 'Content-Security-Policy': DEV_CONTENT_SECURITY_POLICY, ...isolationHeaders },
  },
  optimizeDeps: {
    // The worker imports these; listing them up front avoids a dev-server reload on first visit.
    include: [
      '@tensorflow/tfjs-core',
      '@tensorflow/tfjs-backend-cpu',
      '@tensorflow/tfjs-backend-webgl',
      '@tensorflow/tfjs-backend-webgpu',
      '@tensorflow/tfjs-backend-wasm',
    ],
  },
  worker: {
    // The training worker is a module worker (`new Worker(url, { type: 'module' })`).
    format: 'es',
    // tfjs-wasm's threaded build, which only the worker imports, must survive minification.
    plugins: () => [wasmThreads()],
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
    headers: { 'Content-Security-Policy': CONTENT_SECURITY_POLICY, ...isolationHeaders },
  },
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
    testTimeout: 60_000,
  },
});
