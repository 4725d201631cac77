import { TINY_MODEL } from '../src/engine/testing/tinyConfig';
import { expect, type Page } from '@playwright/test';

import type { GanConfig, StreamOptions, WorkerEvent } from '../src/protocol';

/** A tiny model: SwiftShader WebGPU needs ~1 s for a step of 4×128 MLPs. */
export const TINY: Partial<GanConfig> = TINY_MODEL;

/** Stream often, so a handful of slow steps still shows metrics and frames. */
export const CHATTY: Partial<StreamOptions> = {
  logEvery: 1,
  readbackEvery: 1,
  samplesEvery: 1,
  sampleCount: 128,
  evalEvery: 0,
  snapshotEvery: 2,
};

/** What the tests keep of each worker event (no payload arrays). */
export interface EventSummary {
  type: WorkerEvent['type'];
  runId?: string;
  iteration?: number;
  phase?: string;
  backend?: string;
  compileMs?: number;
  at: number;
}

declare global {
  interface Window {
    __e2eEvents?: EventSummary[];
    __longTasks?: { start: number; duration: number }[];
  }
}

/** Records long main-thread tasks from the very start of the page. */
export async function observeLongTasks(page: Page) {
  await page.addInitScript(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        window.__longTasks!.push({ start: e.startTime, duration: e.duration });
      }
    }).observe({ type: 'longtask', buffered: true });
  });
}

/** Long tasks since the list was cleared: count, and blocking time (beyond 50 ms) per ms. */
export async function blocking(page: Page, windowMs: number) {
  const tasks = await page.evaluate(() => window.__longTasks ?? []);
  const blockingMs = tasks.reduce((sum, t) => sum + Math.max(0, t.duration - 50), 0);
  const durations = tasks.map((t) => Math.round(t.duration));
  return {
    count: tasks.length,
    blockingFraction: blockingMs / windowMs,
    summary: `${tasks.length} tasks [${durations.join(', ')}] ms, blocking ${Math.round(blockingMs)} ms / ${windowMs} ms`,
  };
}

/**
 * Collects console errors and uncaught exceptions. In Chromium, page 'console' events include
 * messages logged by the page's dedicated workers.
 */
export function trackErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console.error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  return errors;
}

/** Opens the app, waits for the backend and the panel's run, and starts recording events. */
export async function openApp(page: Page, query = ''): Promise<string> {
  await page.goto(`/${query}`);
  const status = page.getByRole('status', { name: 'Backend' });
  await expect(status).toHaveText(/^Backend: (webgpu|webgl|wasm|cpu)\b/);
  await expect(page.getByRole('button', { name: 'Play', exact: true })).toBeEnabled();
  await page.evaluate(() => {
    const events: EventSummary[] = [];
    window.__e2eEvents = events;
    window.ganDebug!.client.subscribe((e) => {
      const summary: EventSummary = { type: e.type, at: performance.now() };
      if ('runId' in e) summary.runId = e.runId;
      if ('iteration' in e) summary.iteration = e.iteration;
      if (e.type === 'phase') Object.assign(summary, { phase: e.phase, compileMs: e.compileMs });
      if (e.type === 'backend-changed') summary.backend = e.backend;
      events.push(summary);
    });
  });
  return (await status.textContent()) ?? '';
}

export async function events(page: Page): Promise<EventSummary[]> {
  return page.evaluate(() => window.__e2eEvents ?? []);
}

/** The iteration the panel shows. */
export async function shownIteration(page: Page): Promise<number> {
  return Number(await page.getByLabel('Iteration', { exact: true }).textContent());
}

/**
 * Makes the panel's run (or another) tiny and chatty through the client; the change rebuilds it
 * and the UI adopts the worker's new settings.
 */
export async function makeTiny(page: Page, runId = 'main'): Promise<void> {
  await page.evaluate(
    async ({ runId, tiny, chatty }) => {
      const client = window.ganDebug!.client;
      const { defaultConfig } = await client.init();
      await client.setStream(runId, chatty);
      await client.configure(runId, { ...defaultConfig, ...tiny });
    },
    { runId, tiny: TINY, chatty: CHATTY },
  );
}

/** Creates another tiny run through the client. */
export async function createTinyRun(page: Page, runId: string): Promise<void> {
  await page.evaluate(
    async ({ runId, tiny, chatty }) => {
      const client = window.ganDebug!.client;
      const { defaultConfig } = await client.init();
      await client.create(runId, { ...defaultConfig, ...tiny }, chatty);
    },
    { runId, tiny: TINY, chatty: CHATTY },
  );
}

export async function stats(page: Page) {
  return page.evaluate(() => window.ganDebug!.client.debugStats());
}

export async function runIteration(page: Page, runId: string): Promise<number> {
  const s = await stats(page);
  return s.runs.find((r) => r.runId === runId)?.iteration ?? -1;
}

export async function hasWebGpuAdapter(page: Page): Promise<boolean> {
  return page.evaluate(async () => {
    const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
    return !!(gpu && (await gpu.requestAdapter()));
  });
}

/** The plane view's canvas (real data and generated samples). */
export function planeCanvas(page: Page) {
  return page.getByRole('img', { name: 'Real data and generated samples' });
}

/** Exact-name button (names like "Step" are prefixes of others, e.g. "Step ×10"). */
export function button(page: Page, name: string) {
  return page.getByRole('button', { name, exact: true });
}
