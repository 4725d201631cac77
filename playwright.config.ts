import { defineConfig } from '@playwright/test';

/**
 * E2E tests run against the production build (vite build + vite preview) in Debian's Chromium
 * (`apt-get install chromium`; see scripts/ensure-chromium.mjs), not a Playwright-downloaded
 * browser. Override the binary with CHROMIUM_PATH.
 *
 * The server is on http://localhost so the page is a secure context and navigator.gpu exists.
 * Without a GPU, Chromium falls back to SwiftShader, which is slow: keep the timeouts generous.
 */
/** E2E_PORT lets several checkouts run their e2e suites side by side. */
const PORT = Number(process.env.E2E_PORT ?? 4173);
const BASE_URL = `http://localhost:${PORT}`;

/** Debian Chromium with the flags every project uses, plus `extraArgs`. */
function launchOptions(extraArgs: string[]) {
  return {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      ...extraArgs,
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  };
}

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results',
  fullyParallel: false,
  workers: 1,
  // On CI one retry: a submission whose suite fails lands nothing, and SwiftShader under load has
  // shown rare navigation failures (ERR_HTTP_RESPONSE_CODE_FAILURE on a fresh context's first
  // load). A retried test is reported as flaky, never hidden.
  retries: process.env.CI ? 1 : 0,
  forbidOnly: !!process.env.CI,
  reporter: 'list',
  timeout: 180_000,
  expect: { timeout: 120_000 },
  use: {
    baseURL: BASE_URL,
    browserName: 'chromium',
    headless: true,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    {
      // The default launch: WebGPU enabled (SwiftShader when there is no GPU).
      name: 'webgpu',
      testIgnore: /fallback\.spec\.ts/,
      use: { launchOptions: launchOptions(['--enable-unsafe-webgpu']) },
    },
    {
      // A separate browser launch without the WebGPU flag, to exercise the backend fallback
      // (a new context in the first browser would still have WebGPU).
      name: 'no-webgpu',
      testMatch: /fallback\.spec\.ts/,
      use: { launchOptions: launchOptions([]) },
    },
  ],
  webServer: {
    command: `npx vite build && npx vite preview --port ${PORT} --strictPort`,
    url: BASE_URL,
    // Never reuse: a server left running on :4173 would serve a stale build.
    reuseExistingServer: false,
    timeout: 240_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
