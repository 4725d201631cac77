/**
 * Shared by the browser scripts (bench, bench:step, soak): serve the built app with `vite
 * preview` (or the sources with `vite` dev) on a free port and launch Debian Chromium headless.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { chromium, type Browser } from '@playwright/test';

/** `vite build` into `outDir`; throws when it fails. */
export function buildApp(outDir = 'dist'): void {
  const build = spawnSync('npx', ['vite', 'build', '--outDir', outDir, '--emptyOutDir'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (build.status !== 0) throw new Error(`vite build failed (exit ${build.status})`);
}

/** `vite preview` of `outDir` on a free port; `stop()` ends it. */
export function serveApp(outDir = 'dist'): Promise<{ baseUrl: string; stop(): void }> {
  return serve(['preview', '--outDir', outDir]);
}

/** The `vite` dev server (the sources as they are, any page of the repository) on a free port. */
export function serveSources(): Promise<{ baseUrl: string; stop(): void }> {
  return serve([]);
}

async function serve(viteArgs: string[]): Promise<{ baseUrl: string; stop(): void }> {
  const port = await freePort();
  const server = spawn('npx', ['vite', ...viteArgs, '--port', String(port), '--strictPort'], {
    stdio: ['ignore', 'ignore', 'inherit'],
    detached: true, // its own process group, so we can stop npx and vite together
  });
  const baseUrl = `http://localhost:${port}`;
  try {
    await waitForServer(baseUrl, 60_000);
  } catch (error) {
    stopServer(server);
    throw error;
  }
  return { baseUrl, stop: () => stopServer(server) };
}

/** Headless Debian Chromium (CHROMIUM_PATH overrides), WebGPU enabled, plus `extraArgs`. */
export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      '--no-sandbox',
      '--enable-unsafe-webgpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      ...extraArgs,
    ],
  });
}

export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function waitForServer(url: string, timeoutMs: number): Promise<void> {
  const start = Date.now();
  for (;;) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() - start > timeoutMs) throw new Error(`vite did not answer at ${url}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export function stopServer(server: ChildProcess): void {
  if (server.pid === undefined || server.exitCode !== null) return;
  try {
    process.kill(-server.pid, 'SIGTERM'); // the group we created: npx and vite
  } catch {
    server.kill('SIGTERM');
  }
}
