import { expect, test, type Page } from '@playwright/test';

import type { LogRow } from '../src/engine/core/trainer';
import { openApp, trackErrors } from './helpers';

/**
 * The logged diagnostics (losses, R1/R2, gradient norms, …) agree across every backend we ship:
 * the same seed and settings give the same numbers at step 1 and step 10. WebGPU once read every
 * one of them back as exactly 0 while the points moved; nothing compared backends then.
 *
 * Tolerances: step 1 is a handful of float32 reductions away from the same values: 1e-5
 * relative (measured: ≤ 5e-7). Step 10 follows nine Adam updates with β1 = 0, whose first steps
 * move each weight by ±lr whatever the gradient's size, so a gradient that rounds to the other
 * sign on another backend moves its weight the other way: 5e-2 relative (measured: 2.1e-2 on
 * webgpu, webgl and wasm against cpu).
 */
const BACKENDS = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
type Backend = (typeof BACKENDS)[number];

/**
 * The engine's defaults (3×64 MLPs, batch 256, RpGAN + R1 + R2): every diagnostic in use, and
 * the size at which WebGPU read zeros (a tiny model never showed it: its gradient norm summed
 * fewer tensors than WebGPU binds buffers).
 */
const SETTINGS = { seed: 7 } as const;

/** Rows at step 1 and step 10 of a fresh run on `backend`, logging every step. */
async function diagnosticsOn(
  page: Page,
  backend: Backend,
): Promise<{ backend: string; rows: LogRow[] }> {
  const status = await openApp(page, `?backend=${backend}`);
  const active = /^Backend: (\w+)/.exec(status)?.[1] ?? '';
  const rows = await page.evaluate(async (settings) => {
    const client = window.ganDebug!.client;
    const { defaultConfig } = await client.init();
    const seen: LogRow[] = [];
    const stop = client.subscribe((e) => {
      if (e.type === 'metrics' && e.runId === 'diag') seen.push(...e.rows);
    });
    await client.create(
      'diag',
      { ...defaultConfig, ...settings },
      { logEvery: 1, readbackEvery: 1, samplesEvery: 0, evalEvery: 0, snapshotEvery: 0 },
    );
    await client.step('diag', 1);
    await client.step('diag', 9);
    stop();
    await client.dispose('diag');
    return seen;
  }, SETTINGS);
  return { backend: active, rows };
}

test.describe.configure({ mode: 'serial' });

test('diagnostics agree on every backend at step 1 and step 10 (same seed)', async ({
  browser,
}) => {
  test.setTimeout(600_000);
  const results = new Map<Backend, LogRow[]>();
  for (const backend of BACKENDS) {
    const page = await browser.newPage();
    const errors = trackErrors(page);
    const { backend: active, rows } = await diagnosticsOn(page, backend);
    await page.close();
    expect(errors, backend).toEqual([]);
    if (active !== backend) {
      // Only WebGPU may be missing (a browser without an adapter); every other backend must run.
      expect(backend, `asked for ${backend}, got ${active}`).toBe('webgpu');
      console.log(`[e2e] diagnostics: ${backend} unavailable, skipped`);
      continue;
    }
    const byStep = (s: number) => rows.find((r) => r.step === s);
    expect(byStep(1), `${backend} step 1`).toBeDefined();
    expect(byStep(10), `${backend} step 10`).toBeDefined();
    results.set(backend, [byStep(1)!, byStep(10)!]);
    console.log(`[e2e] diagnostics on ${backend}: ${JSON.stringify(results.get(backend))}`);
  }

  const reference = results.get('cpu')!;
  // Every logged diagnostic (LOG_FIELDS): all the row's keys but the step.
  const fields = Object.keys(reference[0]).filter((k) => k !== 'step') as (keyof LogRow)[];
  expect(fields.length).toBeGreaterThanOrEqual(10);
  // Every diagnostic is in use: none of them may be 0 on the reference.
  for (const field of fields) expect(Math.abs(reference[0][field]), field).toBeGreaterThan(1e-6);
  for (const [backend, rows] of results) {
    rows.forEach((row, i) => {
      const tolerance = i === 0 ? 1e-5 : 5e-2;
      for (const field of fields) {
        const want = reference[i][field];
        const error = Math.abs(row[field] - want) / Math.max(Math.abs(want), 1e-3);
        expect(
          error,
          `${backend} ${field} at step ${row.step}: ${row[field]} vs cpu ${want}`,
        ).toBeLessThan(tolerance);
      }
    });
  }
});
