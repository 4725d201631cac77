/**
 * Browser benchmark of the training worker: builds the app, serves it with `vite preview`,
 * opens it in Debian Chromium (headless, WebGPU enabled) and, for each backend × workload,
 * trains with the UI streaming and measures
 *   - steps/s (iterations completed per wall second, between two GPU sync points),
 *   - kernels dispatched per iteration (tf.profile in the worker),
 *   - GPU→CPU readbacks per iteration (the worker counts its own `await data()` calls), and
 *     sync points per iteration (iterations after which the worker waited for the device at all:
 *     the views that fall due with a loss readback add readbacks, not waits),
 *   - the compile phase (play → first completed readback: shader compilation),
 *   - main-thread long tasks (> 50 ms, PerformanceObserver 'longtask') while training.
 *
 *   npm run bench -- [--seconds 30] [--backends webgpu,webgl,wasm,cpu] [--workloads p,a,b,c]
 *                    [--paths fused,ops] [--ops] [--no-isolation] [--no-build] [--dist dir]
 *                    [--out dir]
 *
 * Toy runs on webgpu/webgl train with the fused kernels (src/worker/fused); `--ops` trains them
 * on the standard tfjs ops instead (stream option fusedStep: 'off'); `--paths fused,ops`
 * measures both, one after the other for each backend, so the two share the machine's load.
 * The kernels column shows both counts either way. `--dist` builds into (or with --no-build,
 * serves) another folder than dist/, e.g. to keep a baseline build while the code changes.
 *
 * Without a GPU, Chromium runs WebGPU and WebGL on SwiftShader (CPU emulation): those numbers
 * say nothing about real GPUs. Results: a markdown table on stdout, JSON in bench-results/.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import type { Browser } from '@playwright/test';

import { runCommand, UsageError, type FlagSpec, type ParsedFlags } from '../src/cli/args';
import { BACKEND_NAMES, type BackendName, type ImageGanConfig } from '../src/protocol';
import { buildApp, chromiumPath, launchChromium, serveApp } from './browserApp';
import {
  parseChoices,
  parsePaths,
  parseWorkloads,
  WORKLOADS,
  type Workload,
} from './benchWorkloads';

const FLAGS: Record<string, FlagSpec> = {
  seconds: { type: 'number', help: 'training time measured per backend (default 30)' },
  backends: {
    type: 'string',
    placeholder: 'list',
    help: `comma-separated subset of ${BACKEND_NAMES.join(',')} (default all)`,
  },
  workloads: {
    type: 'string',
    placeholder: 'list',
    help: 'comma-separated subset of p,a,b,c (default all)',
  },
  'compile-timeout': {
    type: 'number',
    help: 'seconds to wait for the compile phase to end (default 180)',
  },
  ops: { type: 'boolean', help: 'toy runs on webgpu/webgl: the tfjs ops, not the fused step' },
  paths: {
    type: 'string',
    placeholder: 'list',
    help: 'toy runs on webgpu/webgl: fused, ops or both, measured side by side (default fused)',
  },
  dist: { type: 'string', placeholder: 'dir', help: 'the build folder (default dist)' },
  'no-build': { type: 'boolean', help: 'serve the existing dist/ instead of building' },
  'no-isolation': {
    type: 'boolean',
    help: 'serve without COOP/COEP and block the service worker (single-threaded WASM)',
  },
  out: {
    type: 'string',
    placeholder: 'dir',
    help: 'where to write the JSON (default bench-results)',
  },
  help: { type: 'boolean', help: 'show this help' },
};

interface Result {
  workload: string;
  requested: BackendName;
  backend: BackendName | null;
  status: 'ok' | 'unavailable' | 'failed';
  note?: string;
  /** The worker was cross-origin isolated (SharedArrayBuffer). */
  crossOriginIsolated?: boolean;
  /** Threads of the WASM backend (1: the single-threaded build). */
  wasmThreads?: number;
  stepsPerSecond?: number;
  iterations?: number;
  seconds?: number;
  kernelsPerStep?: number;
  /** Kernels of the same iteration written naively with stock tfjs ops (engine/toy/naive.ts). */
  naiveKernelsPerStep?: number;
  /** Which path trained (toys on GPU backends: fused kernels or tfjs ops), and the other's kernels. */
  stepPath?: 'fused' | 'ops';
  otherPathKernelsPerStep?: number;
  readbacksPerStep?: number;
  syncPointsPerStep?: number;
  compileMs?: number;
  longTasks?: number;
  longTaskMs?: number;
  longestTaskMs?: number;
}

interface BenchEvent {
  type: string;
  phase?: string;
  compileMs?: number;
  at: number;
}

declare global {
  interface Window {
    __benchEvents?: BenchEvent[];
    __longTasks?: { start: number; duration: number }[];
  }
}

async function main(flags: ParsedFlags): Promise<number> {
  const seconds = (flags.seconds as number | undefined) ?? 30;
  if (seconds <= 0) throw new UsageError('--seconds must be positive.');
  const compileTimeoutMs = ((flags['compile-timeout'] as number | undefined) ?? 180) * 1000;
  const backends = parseBackends(flags.backends as string | undefined);
  const workloads = parseWorkloads(flags.workloads as string | undefined);
  const outDir = (flags.out as string | undefined) ?? 'bench-results';
  const dist = (flags.dist as string | undefined) ?? 'dist';
  const paths = parsePaths(flags.paths as string | undefined, flags.ops === true);

  if (!flags['no-build']) {
    console.error(`bench: building the app (vite build into ${dist})…`);
    buildApp(dist);
  }
  const isolated = !flags['no-isolation'];
  // vite.config.ts leaves out COOP/COEP when asked (the preview server inherits the variable).
  if (!isolated) process.env.CROSS_ORIGIN_ISOLATION = 'off';
  const app = await serveApp(dist);
  const baseUrl = app.baseUrl;
  let browser: Browser | null = null;
  try {
    const executablePath = chromiumPath();
    browser = await launchChromium();
    const results: Result[] = [];
    for (const workload of workloads) {
      for (const requested of backends) {
        // The step path only matters for toys on the GPU backends: measure the others once.
        const toyOnGpu =
          workload.config.dataset !== 'stacked-mnist' &&
          (requested === 'webgpu' || requested === 'webgl');
        for (const path of toyOnGpu ? paths : paths.slice(0, 1)) {
          console.error(`bench: workload ${workload.id} on ${requested}, ${path} (${seconds} s)…`);
          const result = await measure(browser, baseUrl, workload, requested, {
            ops: path === 'ops',
            seconds,
            compileTimeoutMs,
            isolated,
          });
          console.error(`bench:   ${JSON.stringify(result)}`);
          results.push(result);
        }
      }
    }
    const report = {
      date: new Date().toISOString(),
      chromium: browser.version(),
      executablePath,
      cpus: cpus().length,
      seconds,
      isolated,
      workloads: workloads.map(({ id, name, config }) => ({ id, name, config })),
      results,
    };
    mkdirSync(outDir, { recursive: true });
    const file = join(outDir, `bench-${report.date.replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
    console.log(markdownTable(results, report.chromium, seconds));
    console.error(`bench: wrote ${file}`);
  } finally {
    await browser?.close();
    app.stop();
  }
  return 0;
}

function parseBackends(raw: string | undefined): BackendName[] {
  return raw === undefined
    ? [...BACKEND_NAMES]
    : parseChoices('backends', 'backend', raw, BACKEND_NAMES);
}

async function measure(
  browser: Browser,
  baseUrl: string,
  workload: Workload,
  requested: BackendName,
  options: { seconds: number; compileTimeoutMs: number; isolated: boolean; ops: boolean },
): Promise<Result> {
  const base = { workload: workload.id, requested };
  // Without isolation, the service worker would add the headers back (and reload the page).
  const page = await browser.newPage({ serviceWorkers: options.isolated ? 'allow' : 'block' });
  const consoleErrors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push(msg.text());
  });
  try {
    await page.addInitScript(() => {
      const tasks: { start: number; duration: number }[] = [];
      window.__longTasks = tasks;
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) tasks.push({ start: e.startTime, duration: e.duration });
      }).observe({ type: 'longtask', buffered: true });
    });
    await page.goto(`${baseUrl}/?backend=${requested}`);
    await page.getByRole('button', { name: 'Play' }).waitFor({ state: 'visible' });
    await page.waitForFunction(() => window.ganDebug !== undefined);
    const ready = await page.evaluate(() => window.ganDebug!.client.init());
    if (ready.backend !== requested) {
      return {
        ...base,
        backend: ready.backend,
        status: 'unavailable',
        note: ready.fallbackReasons.join('; '),
      };
    }
    // The panel's run, set to the workload; the UI keeps streaming it as it normally does.
    await page.evaluate(
      async ({ overrides, ops }) => {
        const client = window.ganDebug!.client;
        const { defaultConfig } = await client.init();
        const image = overrides.dataset === 'stacked-mnist';
        // The fused step where it applies (also on software WebGL: measuring it is the point), or the ops.
        await client.setStream('main', { fusedStep: ops ? 'off' : 'on' });
        await client.configure(
          'main',
          image ? (overrides as ImageGanConfig) : { ...defaultConfig, ...(overrides as object) },
        );
        const events: BenchEvent[] = [];
        window.__benchEvents = events;
        client.subscribe((e) => {
          const entry: BenchEvent = { type: e.type, at: performance.now() };
          if (e.type === 'phase') Object.assign(entry, { phase: e.phase, compileMs: e.compileMs });
          events.push(entry);
        });
      },
      { overrides: workload.config!, ops: options.ops },
    );
    await page.getByRole('button', { name: 'Play' }).click();
    await page.waitForFunction(
      () => window.__benchEvents!.some((e) => e.phase === 'training'),
      null,
      { timeout: options.compileTimeoutMs, polling: 200 },
    );
    // The 'training' phase follows a completed readback of iteration 1: a sync point.
    const start = await page.evaluate(async () => {
      const event = window.__benchEvents!.find((e) => e.phase === 'training')!;
      const stats = await window.ganDebug!.client.debugStats();
      return {
        at: event.at,
        compileMs: event.compileMs ?? 0,
        readbacks: stats.readbacks,
        syncPoints: stats.runs.find((r) => r.runId === 'main')!.syncPoints,
        iteration: stats.runs.find((r) => r.runId === 'main')!.iteration,
      };
    });
    await page.waitForTimeout(options.seconds * 1000);
    const end = await page.evaluate(async () => {
      const client = window.ganDebug!.client;
      const stats = await client.debugStats();
      const playingUntil = performance.now();
      await client.pause('main'); // reads back the last losses: the second sync point
      const paused = await client.debugStats();
      return {
        playingUntil,
        pausedAt: performance.now(),
        readbacks: stats.readbacks,
        syncPoints: stats.runs.find((r) => r.runId === 'main')!.syncPoints,
        iteration: stats.runs.find((r) => r.runId === 'main')!.iteration,
        finalIteration: paused.runs.find((r) => r.runId === 'main')!.iteration,
      };
    });
    const profile = await page.evaluate(() => window.ganDebug!.client.debugProfile('main'));
    // Toys on GPU backends: the kernels of the other path too (fused step vs tfjs ops).
    const other =
      profile.stepPath === undefined || ready.backend === 'wasm' || ready.backend === 'cpu'
        ? null
        : await page.evaluate(async (otherIsFused) => {
            const client = window.ganDebug!.client;
            await client.setStream('main', { fusedStep: otherIsFused ? 'on' : 'off' });
            const p = await client.debugProfile('main');
            await client.setStream('main', { fusedStep: otherIsFused ? 'off' : 'on' });
            return p;
          }, profile.stepPath === 'ops');
    // The same iteration written naively with stock tfjs ops (engine/toy/naive.ts), for comparison.
    const naive = await page.evaluate(() =>
      window.ganDebug!.client.debugProfile('main', true).catch(() => null),
    ); // (toys only)
    const longTasks = await page.evaluate(
      ({ from, to }) => (window.__longTasks ?? []).filter((t) => t.start >= from && t.start < to),
      { from: start.at, to: end.playingUntil },
    );
    const iterations = end.finalIteration - 1; // the sync point at 'training' is iteration 1
    const wallSeconds = (end.pausedAt - start.at) / 1000;
    const playedIterations = Math.max(1, end.iteration - start.iteration);
    return {
      ...base,
      backend: ready.backend,
      crossOriginIsolated: ready.crossOriginIsolated,
      wasmThreads: ready.wasmThreads,
      status: 'ok',
      stepsPerSecond: iterations / wallSeconds,
      iterations,
      seconds: wallSeconds,
      kernelsPerStep: profile.kernels,
      naiveKernelsPerStep: naive?.kernels,
      stepPath: profile.stepPath,
      otherPathKernelsPerStep:
        other && other.stepPath !== profile.stepPath ? other.kernels : undefined,
      readbacksPerStep: (end.readbacks - start.readbacks) / playedIterations,
      syncPointsPerStep: (end.syncPoints - start.syncPoints) / playedIterations,
      compileMs: start.compileMs,
      longTasks: longTasks.length,
      longTaskMs: longTasks.reduce((ms, t) => ms + t.duration, 0),
      longestTaskMs: longTasks.reduce((ms, t) => Math.max(ms, t.duration), 0),
      note: consoleErrors.length > 0 ? `console errors: ${consoleErrors.join(' | ')}` : undefined,
    };
  } catch (error) {
    return {
      ...base,
      backend: null,
      status: 'failed',
      note: error instanceof Error ? error.message.split('\n')[0] : String(error),
    };
  } finally {
    await page.close();
  }
}

function markdownTable(results: Result[], chromium: string, seconds: number): string {
  const name = (id: string) => WORKLOADS.find((w) => w.id === id)?.name ?? id;
  const f = (x: number | undefined, digits: number) => (x === undefined ? '' : x.toFixed(digits));
  const lines = [
    `Chromium ${chromium}, headless, ${cpus().length} CPU cores, ${seconds} s per backend.`,
    '',
    '| workload | backend | steps/s | kernels/step (naive) | readbacks/step | sync points/step | compile (ms) | long tasks (>50 ms) | long-task ms | status |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    const status =
      r.status === 'ok'
        ? 'ok'
        : r.status === 'unavailable'
          ? `unavailable (got ${r.backend}: ${r.note ?? ''})`
          : `failed: ${r.note ?? ''}`;
    lines.push(
      `| ${r.workload}: ${name(r.workload)} | ${r.requested}${
        r.wasmThreads !== undefined
          ? ` (${r.wasmThreads} thread${r.wasmThreads > 1 ? 's' : ''})`
          : ''
      } | ${f(r.stepsPerSecond, 2)} | ${
        r.kernelsPerStep === undefined
          ? ''
          : `${r.kernelsPerStep}${r.naiveKernelsPerStep ? ` (${r.naiveKernelsPerStep})` : ''}${
              r.otherPathKernelsPerStep === undefined
                ? ''
                : ` ${r.stepPath}; ${r.stepPath === 'fused' ? 'ops' : 'fused'} ${r.otherPathKernelsPerStep}`
            }`
      } | ${f(r.readbacksPerStep, 3)} | ${f(r.syncPointsPerStep, 3)} | ${f(r.compileMs, 0)} | ${r.longTasks ?? ''} | ${f(
        r.longTaskMs,
        0,
      )} | ${status} |`,
    );
  }
  return lines.join('\n');
}

runCommand('bench', 'Usage: npm run bench -- [flags]', FLAGS, main).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
