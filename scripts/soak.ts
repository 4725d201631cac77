/**
 * Soak test of the built app: the playground's opening run (the page as a user leaves it, UI
 * streaming samples, heatmap, arrows and evaluations) trains for many steps in headless Chromium,
 * and every few seconds we sample
 *   - tf.memory().numTensors and numBytes in the worker (flat, or something leaks),
 *   - the backend's own memory (GPU bytes allocated on WebGL/WebGPU, the WASM heap on wasm),
 *   - the JS heap of the page and of the training worker (CDP, each after a forced GC),
 *   - chart memory: points held in the run store's histories, and the page's DOM node count.
 *
 *   npm run soak -- [--steps 20000] [--backend wasm] [--max-minutes 30] [--every 10]
 *                    [--dist dir] [--no-build] [--out dir]
 *
 * Prints a table, writes JSON to bench-results/, and exits 1 when numTensors grew or the chart
 * histories exceeded their cap. Not part of the unit suite (it takes minutes).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import type { Browser, CDPSession, Page } from '@playwright/test';

import { runCommand, UsageError, type FlagSpec, type ParsedFlags } from '../src/cli/args';
import { BACKEND_NAMES, type BackendName } from '../src/protocol';
import { HISTORY_POINTS } from '../src/store/run';
import { buildApp, chromiumPath, launchChromium, serveApp } from './browserApp';

const FLAGS: Record<string, FlagSpec> = {
  steps: { type: 'integer', help: 'iterations to train (default 20000)' },
  backend: {
    type: 'string',
    choices: BACKEND_NAMES,
    help: 'tfjs backend (default wasm; webgpu/webgl run on SwiftShader without a GPU)',
  },
  'max-minutes': {
    type: 'number',
    help: 'stop after this long even if --steps is not reached (default 30)',
  },
  every: { type: 'number', help: 'seconds between samples (default 10)' },
  dist: { type: 'string', placeholder: 'dir', help: 'build into / serve this directory (dist)' },
  'no-build': { type: 'boolean', help: 'serve the existing build instead of building' },
  out: { type: 'string', placeholder: 'dir', help: 'where to write the JSON (bench-results)' },
  help: { type: 'boolean', help: 'show this help' },
};

interface Sample {
  seconds: number;
  iteration: number;
  stepsPerSecond: number;
  numTensors: number;
  numBytes: number;
  /** numBytesInGPUAllocated (WebGL/WebGPU) or the WASM heap size, when the backend has one. */
  deviceBytes: number | null;
  backendMemory: Record<string, number>;
  pageHeapBytes: number;
  workerHeapBytes: number | null;
  domNodes: number;
  /** Points held in the run store's chart histories (losses and evaluations). */
  chartPoints: number;
  evalPoints: number;
  metricsStride: number;
}

declare global {
  interface Window {
    __soakErrors?: string[];
  }
}

async function main(flags: ParsedFlags): Promise<number> {
  const steps = (flags.steps as number | undefined) ?? 20_000;
  const backend = ((flags.backend as string | undefined) ?? 'wasm') as BackendName;
  const maxMs = ((flags['max-minutes'] as number | undefined) ?? 30) * 60_000;
  const everyMs = ((flags.every as number | undefined) ?? 10) * 1000;
  const dist = (flags.dist as string | undefined) ?? 'dist';
  const outDir = (flags.out as string | undefined) ?? 'bench-results';
  if (steps < 1) throw new UsageError('--steps must be at least 1.');
  if (!(everyMs > 0) || !(maxMs > 0)) throw new UsageError('--every and --max-minutes > 0.');

  if (!flags['no-build']) {
    console.error(`soak: building the app into ${dist}…`);
    buildApp(dist);
  }
  const server = await serveApp(dist);
  let browser: Browser | null = null;
  try {
    browser = await launchChromium(['--enable-precise-memory-info']);
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');

    await page.goto(`${server.baseUrl}/?backend=${backend}`);
    await page.getByRole('button', { name: 'Play', exact: true }).waitFor();
    await page.waitForFunction(() => window.ganDebug !== undefined);
    const ready = await page.evaluate(() => window.ganDebug!.client.init());
    if (ready.backend !== backend) {
      throw new Error(`got ${ready.backend}, not ${backend}: ${ready.fallbackReasons.join('; ')}`);
    }
    const config = await page.evaluate(() => window.ganDebug!.settings.getState().config);
    console.error(
      `soak: ${backend}, the opening run (${config.dataset}, ${config.gDepth}×${config.gWidth} ` +
        `MLPs, batch ${config.batchSize}, ${config.loss}), ${steps} steps, sampling every ` +
        `${everyMs / 1000} s`,
    );
    const workerHeap = new WorkerHeap(cdp);
    await workerHeap.attach();
    await page.getByRole('button', { name: 'Play', exact: true }).click();

    const start = Date.now();
    const samples: Sample[] = [await sample(page, cdp, workerHeap, 0)];
    let nextAt = start + everyMs;
    for (;;) {
      await page.waitForTimeout(1000);
      const iteration = await page.evaluate(async () => {
        const stats = await window.ganDebug!.client.debugStats();
        return stats.runs.find((r) => r.runId === 'main')?.iteration ?? 0;
      });
      const done = iteration >= steps || Date.now() - start >= maxMs;
      if (done || Date.now() >= nextAt) {
        const s = await sample(page, cdp, workerHeap, (Date.now() - start) / 1000);
        samples.push(s);
        console.error(`soak: ${row(s)}`);
        nextAt += everyMs;
      }
      if (done) break;
    }
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await page
      .getByRole('status', { name: 'Training phase' })
      .filter({ hasText: 'Paused' })
      .waitFor();
    const final = await sample(page, cdp, workerHeap, (Date.now() - start) / 1000);
    samples.push(final);

    const verdict = judge(samples, steps);
    const report = {
      date: new Date().toISOString(),
      chromium: browser.version(),
      executablePath: chromiumPath(),
      cpus: cpus().length,
      backend,
      config,
      stepsRequested: steps,
      stepsDone: final.iteration,
      wallSeconds: final.seconds,
      historyCap: HISTORY_POINTS,
      verdict,
      errors,
      samples,
    };
    mkdirSync(outDir, { recursive: true });
    const file = join(outDir, `soak-${backend}-${report.date.replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
    console.log(table(samples, report));
    console.log('');
    for (const line of verdict.lines) console.log(line);
    if (errors.length > 0) console.log(`page errors: ${errors.join(' | ')}`);
    console.error(`soak: wrote ${file}`);
    return verdict.ok && errors.length === 0 ? 0 : 1;
  } finally {
    await browser?.close();
    server.stop();
  }
}

/**
 * The training worker's JS heap through CDP: Playwright has no CDP session for workers, so attach
 * to it from the page's session (non-flat) and talk through Target.sendMessageToTarget.
 */
class WorkerHeap {
  private sessionId: string | null = null;
  private nextId = 1;
  private readonly replies = new Map<number, (result: unknown) => void>();

  constructor(private readonly cdp: CDPSession) {
    cdp.on('Target.attachedToTarget', (e) => {
      if (e.targetInfo.type === 'worker' && /training/.test(e.targetInfo.url)) {
        this.sessionId = e.sessionId;
      }
    });
    cdp.on('Target.receivedMessageFromTarget', (e) => {
      const message = JSON.parse(e.message) as { id?: number; result?: unknown };
      if (message.id !== undefined) this.replies.get(message.id)?.(message.result);
    });
  }

  async attach(): Promise<void> {
    await this.cdp.send('Target.setAutoAttach', {
      autoAttach: true,
      waitForDebuggerOnStart: false,
      flatten: false,
    });
  }

  private call(method: string): Promise<unknown> {
    const sessionId = this.sessionId;
    if (sessionId === null) return Promise.resolve(null);
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.replies.set(id, resolve);
      setTimeout(() => resolve(null), 10_000);
      void this.cdp
        .send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method }) })
        .catch(() => resolve(null));
    });
  }

  /** Used heap after a forced GC, or null when the worker is not reachable. */
  async usedBytes(): Promise<number | null> {
    await this.call('HeapProfiler.collectGarbage');
    const usage = (await this.call('Runtime.getHeapUsage')) as { usedSize?: number } | null;
    return usage?.usedSize ?? null;
  }
}

async function sample(
  page: Page,
  cdp: CDPSession,
  workerHeap: WorkerHeap,
  seconds: number,
): Promise<Sample> {
  // A full GC first, so the heap figure is what is still referenced, not garbage not yet swept.
  await cdp.send('HeapProfiler.collectGarbage');
  const metrics = await cdp.send('Performance.getMetrics');
  const metric = (name: string) => metrics.metrics.find((m) => m.name === name)?.value ?? NaN;
  const workerHeapBytes = await workerHeap.usedBytes();
  const app = await page.evaluate(async () => {
    const { client, run } = window.ganDebug!;
    const stats = await client.debugStats();
    const state = run.getState();
    // (No helper functions in here: tsx would wrap them in a __name() the page lacks.)
    return {
      stats,
      stepsPerSecond: state.stepsPerSecond,
      chartPoints: state.metrics.points.length + (state.metrics.partial === null ? 0 : 1),
      evalPoints: state.evals.points.length + (state.evals.partial === null ? 0 : 1),
      metricsStride: state.metrics.stride,
    };
  });
  const memory = app.stats.backendMemory ?? {};
  const deviceBytes =
    memory.numBytesInGPUAllocated ?? memory.numBytesAllocatedInGPU ?? memory.wasmHeapBytes ?? null;
  return {
    seconds: Math.round(seconds * 10) / 10,
    iteration: app.stats.runs.find((r) => r.runId === 'main')?.iteration ?? 0,
    stepsPerSecond: Math.round(app.stepsPerSecond * 10) / 10,
    numTensors: app.stats.numTensors,
    numBytes: app.stats.numBytes,
    deviceBytes,
    backendMemory: memory,
    pageHeapBytes: metric('JSHeapUsedSize'),
    workerHeapBytes,
    domNodes: metric('Nodes'),
    chartPoints: app.chartPoints,
    evalPoints: app.evalPoints,
    metricsStride: app.metricsStride,
  };
}

/** Flat numTensors, bounded histories; the rest (heaps, device bytes) is reported as measured. */
function judge(samples: Sample[], steps: number): { ok: boolean; lines: string[] } {
  // After the first sample the run is warm (kernels compiled, histories filling).
  const warm = samples.slice(1);
  const lines: string[] = [];
  const tensors = warm.map((s) => s.numTensors);
  const tensorSpread = Math.max(...tensors) - Math.min(...tensors);
  // Between samples a step may be in flight (its intermediates alive): allow that much jitter,
  // but no trend — the last sample (paused, at rest) must not exceed the first warm one.
  const restGrowth = samples.at(-1)!.numTensors - warm[0].numTensors;
  const tensorsOk = restGrowth <= 0;
  lines.push(
    `numTensors: ${Math.min(...tensors)}–${Math.max(...tensors)} while training (spread ${tensorSpread}); ` +
      `at rest ${samples.at(-1)!.numTensors} vs ${warm[0].numTensors} at the first sample: ${tensorsOk ? 'flat' : 'GREW'}`,
  );
  const chartOk = samples.every((s) => s.chartPoints <= HISTORY_POINTS + 1);
  lines.push(
    `chart points: max ${Math.max(...samples.map((s) => s.chartPoints))} (cap ${HISTORY_POINTS} + 1 partial): ${chartOk ? 'bounded' : 'OVER THE CAP'}`,
  );
  const mb = (b: number | null) => (b === null ? '–' : `${(b / 1e6).toFixed(1)} MB`);
  const span = (pick: (s: Sample) => number | null) => {
    const xs = warm.map(pick).filter((x): x is number => x !== null && Number.isFinite(x));
    return xs.length === 0 ? '–' : `${mb(Math.min(...xs))} – ${mb(Math.max(...xs))}`;
  };
  lines.push(`page JS heap after GC: ${span((s) => s.pageHeapBytes)}`);
  lines.push(`worker JS heap: ${span((s) => s.workerHeapBytes)}`);
  lines.push(`device/WASM bytes: ${span((s) => s.deviceBytes)}`);
  const reached = samples.at(-1)!.iteration >= steps;
  lines.push(`steps: ${samples.at(-1)!.iteration} of ${steps}${reached ? '' : ' (time limit)'}`);
  return { ok: tensorsOk && chartOk, lines };
}

const mb = (b: number | null) => (b === null || !Number.isFinite(b) ? '–' : (b / 1e6).toFixed(1));

function row(s: Sample): string {
  return [
    s.seconds.toFixed(0),
    s.iteration,
    s.stepsPerSecond.toFixed(1),
    s.numTensors,
    mb(s.numBytes),
    mb(s.deviceBytes),
    mb(s.pageHeapBytes),
    mb(s.workerHeapBytes),
    s.domNodes,
    `${s.chartPoints} (×${s.metricsStride})`,
    s.evalPoints,
  ].join(' | ');
}

function table(samples: Sample[], report: { chromium: string; backend: string }): string {
  // At most ~12 rows: evenly spaced samples, always the first and the last.
  const n = samples.length;
  const picks =
    n <= 12 ? samples : samples.filter((_, i) => i % Math.ceil(n / 11) === 0 || i === n - 1);
  return [
    `Chromium ${report.chromium}, ${report.backend}, ${cpus().length} CPU cores.`,
    '',
    '| s | iteration | steps/s | numTensors | tensor MB | device/WASM MB | page heap MB | worker heap MB | DOM nodes | chart points (stride) | eval points |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...picks.map((s) => `| ${row(s)} |`),
  ].join('\n');
}

runCommand('soak', 'Usage: npm run soak -- [flags]', FLAGS, main).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
