/**
 * The training step alone in headless Chromium, on the GPU backends (webgl, webgpu): what one
 * kernel dispatch costs, and what each toy workload's iteration costs on the fused path and on
 * the op path, on the page's main thread with no app around it (scripts/bench-step/page.ts,
 * served from the sources by `vite` dev). `npm run bench` measures the whole app; this one says
 * how much of an iteration is the per-kernel floor, i.e. what fewer kernels can still buy.
 *
 *   npm run bench:step -- [--seconds 10] [--backends webgl,webgpu] [--workloads p,c] [--out file]
 *
 * Headless Chromium has only SwiftShader (a CPU emulation) for both: its figures say what the
 * emulator costs, never what a GPU does.
 */
import { cpus } from 'node:os';
import type { Browser } from '@playwright/test';

import {
  checkOutputPath,
  runCommand,
  UsageError,
  writeOutput,
  type FlagSpec,
  type ParsedFlags,
} from '../src/cli/args';
import { FUSED_BACKENDS } from '../src/worker/fused/kernels';
import { parseChoices, parseWorkloads } from './benchWorkloads';
import { launchChromium, serveSources } from './browserApp';
import type { StepBenchResult } from './bench-step/page';

const FLAGS: Record<string, FlagSpec> = {
  seconds: { type: 'number', help: 'time measured per workload, path and backend (default 10)' },
  backends: { type: 'string', placeholder: 'list', help: 'webgl, webgpu or both (default both)' },
  workloads: { type: 'string', placeholder: 'list', help: 'toy workloads p,a,c (default p,c)' },
  out: { type: 'string', placeholder: 'file', help: 'also write the results as JSON' },
  help: { type: 'boolean', help: 'show this help' },
};

async function main(flags: ParsedFlags): Promise<number> {
  const seconds = (flags.seconds as number | undefined) ?? 10;
  if (!(seconds > 0)) throw new UsageError('--seconds must be above 0');
  const rawBackends = flags.backends as string | undefined;
  const backends =
    rawBackends === undefined
      ? [...FUSED_BACKENDS]
      : parseChoices('backends', 'GPU backend', rawBackends, FUSED_BACKENDS);
  const workloads = parseWorkloads((flags.workloads as string | undefined) ?? 'p,c');
  const image = workloads.find((w) => 'arch' in w.config);
  if (image) throw new UsageError(`--workloads: ${image.id} is an image workload (toys only)`);
  checkOutputPath('out', flags.out);

  const server = await serveSources();
  let browser: Browser | null = null;
  const results: StepBenchResult[] = [];
  try {
    browser = await launchChromium();
    for (const backend of backends) {
      console.error(`bench:step: ${backend}…`);
      const page = await browser.newPage();
      try {
        await page.goto(`${server.baseUrl}/scripts/bench-step/index.html`);
        await page.waitForFunction(() => window.stepBench !== undefined, null, {
          timeout: 120_000,
        });
        results.push(
          await page.evaluate(
            ({ backend, ids, seconds }) => window.stepBench!(backend, ids, seconds),
            { backend, ids: workloads.map((w) => w.id), seconds },
          ),
        );
      } finally {
        await page.close();
      }
    }
    console.log(report(results, browser.version()));
  } finally {
    await browser?.close();
    server.stop();
  }
  if (typeof flags.out === 'string') {
    writeOutput('out', flags.out, JSON.stringify({ date: new Date(), results }, null, 2) + '\n');
  }
  return 0;
}

function report(results: StepBenchResult[], chromium: string): string {
  const lines = [`Chromium ${chromium}, headless, ${cpus().length} CPU cores.`, ''];
  for (const r of results) {
    const floors = r.floors
      .map((f) => `${f.msPerKernel.toFixed(3)} ms on ${f.elements} floats`)
      .join(', ');
    lines.push(`${r.backend} (${r.renderer ?? 'unknown'}): one element-wise kernel ${floors}.`);
  }
  lines.push(
    '',
    // The floor column for the fused path only: the op path's count includes kernels that
    // dispatch nothing (reshapes, identities, gradient scopes).
    '| backend | workload | path | ms/iteration | it/s | kernels/iteration | kernels × floor |',
    '| --- | --- | --- | ---: | ---: | ---: | ---: |',
  );
  for (const r of results) {
    const floor = r.floors[0].msPerKernel;
    for (const s of r.steps) {
      const floorMs = s.kernelsPerIteration * floor;
      const share =
        s.path === 'fused'
          ? `${floorMs.toFixed(1)} ms (${((100 * floorMs) / s.msPerIteration).toFixed(0)} %)`
          : '–';
      lines.push(
        `| ${r.backend} | ${s.workload} | ${s.path} | ${s.msPerIteration.toFixed(2)} | ` +
          `${(1000 / s.msPerIteration).toFixed(1)} | ${s.kernelsPerIteration} | ${share} |`,
      );
    }
  }
  return lines.join('\n');
}

runCommand('bench:step', 'Usage: npm run bench:step -- [flags]', FLAGS, main).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
