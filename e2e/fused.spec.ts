import { expect, test, type Page } from '@playwright/test';

import { DEFAULT_CONFIG } from '../src/engine/core/config';
import { hasWebGpuAdapter, openApp, TINY, trackErrors } from './helpers';

/**
 * The fused GPU toy step (src/worker/fused) against the op path on each GPU backend: the same
 * seed trained both ways gives the same weights, diagnostics and views (within float32 rounding), its
 * written-out R1/R2 gradient passes the finite-difference check, and the opening preset's
 * iteration dispatches at most 60 kernels.
 */
const TOLERANCE = 1e-4;
/**
 * Iterations compared. 100 on WebGL; on SwiftShader WebGPU the op path alone takes several
 * seconds per iteration on this 2-core machine under load (100 did not finish in 15 minutes),
 * so 20 there. Run `debugFusedCheck(config, [1, 100])` in the console on a real GPU.
 */
const COMPARED = { webgl: [1, 100], webgpu: [1, 20] };

/**
 * The fused view kernels (points, transport vectors, manifold, heatmap) and the evaluations'
 * samples match the op path's.
 */
function expectViewsMatch(c: {
  iteration: number;
  views: { part: string; relative: number }[];
}): void {
  expect(c.views.map((v) => v.part)).toEqual([
    'points',
    'transport',
    'manifold',
    'logits',
    'sample',
  ]);
  for (const v of c.views) {
    expect(v.relative, `${v.part} view at ${c.iteration}`).toBeLessThan(TOLERANCE);
  }
}

for (const backend of ['webgpu', 'webgl'] as const) {
  test.describe.serial(`fused step on ${backend}`, () => {
    let page: Page;
    let errors: string[];

    test.beforeAll(async ({ browser }) => {
      page = await browser.newPage();
      errors = trackErrors(page);
      // tfjs logs a GLSL compile error's info log with console.log: show it with the failure.
      page.on('console', (m) => {
        if (/ERROR: \d+:\d+/.test(m.text()))
          console.log(`[e2e] shader: ${m.text().slice(0, 2000)}`);
      });
      const shown = await openApp(page, `?backend=${backend}`);
      if (backend === 'webgpu') {
        test.skip(!(await hasWebGpuAdapter(page)), 'no WebGPU adapter in this browser');
      }
      expect(shown).toMatch(new RegExp(`^Backend: ${backend}\\b`));
    });

    test.afterAll(async () => {
      await page.close();
    });

    test('matches the op path after 1 and after many iterations (tiny model)', async () => {
      // Both paths side by side on SwiftShader.
      test.setTimeout(900_000);
      const started = Date.now();
      const config = { ...DEFAULT_CONFIG, ...TINY, seed: 7 };
      const check = await page.evaluate(
        ({ c, at }) => window.ganDebug!.client.debugFusedCheck(c, at),
        { c: config, at: COMPARED[backend] },
      );
      console.log(
        `[e2e] fused vs ops on ${check.backend} (${Date.now() - started} ms): ${JSON.stringify(check)}`,
      );
      expect(check.backend).toBe(backend);
      expect(check.fallbackReason).toBeNull();
      expect(check.stepPath).toBe('fused');
      expect(check.comparisons.map((c) => c.iteration)).toEqual(COMPARED[backend]);
      for (const c of check.comparisons) {
        expect(c.weights, `weights at ${c.iteration}`).toBeLessThan(TOLERANCE);
        for (const d of c.diagnostics) {
          expect(d.relative, `${d.field} at ${c.iteration}`).toBeLessThan(TOLERANCE);
        }
        expectViewsMatch(c);
      }
      // The views' transport vectors without real partners (RpGAN above pairs them), and the
      // evaluations' samples from the EMA generator's flat buffer.
      const nsgan = await page.evaluate((c) => window.ganDebug!.client.debugFusedCheck(c, [3]), {
        ...config,
        loss: 'nsgan' as const,
        emaHalfLife: 2,
      });
      console.log(
        `[e2e] fused views, nsgan with EMA, on ${backend}: ${JSON.stringify(nsgan.comparisons[0].views)}`,
      );
      expectViewsMatch(nsgan.comparisons[0]);
      expect(errors).toEqual([]);
    });

    test('R1/R2 weight gradients match finite differences', async () => {
      const check = await page.evaluate(() => window.ganDebug!.client.debugGradientCheck('fused'));
      console.log(
        `[e2e] fused gradient check on ${check.backend}: ${JSON.stringify(check.results)}`,
      );
      expect(check.results).toHaveLength(3);
      for (const r of check.results) expect(r.relativeError, r.name).toBeLessThan(1e-2);
    });

    test('the opening preset dispatches at most 60 kernels per iteration', async () => {
      const profiles = await page.evaluate(async (preset) => {
        const client = window.ganDebug!.client;
        await client.configure('main', preset);
        // 'on': also on SwiftShader WebGL, where 'auto' prefers the (faster there) op path.
        await client.setStream('main', { fusedStep: 'on' });
        const fused = await client.debugProfile('main');
        await client.setStream('main', { fusedStep: 'off' });
        const ops = await client.debugProfile('main');
        await client.setStream('main', { fusedStep: 'auto' });
        return { fused, ops };
      }, DEFAULT_CONFIG);
      console.log(
        `[e2e] opening preset on ${backend}: fused ${profiles.fused.kernels} kernels ` +
          `(${JSON.stringify(profiles.fused.kernelCounts)}), ops ${profiles.ops.kernels}`,
      );
      expect(profiles.fused.stepPath).toBe('fused');
      expect(profiles.fused.kernels).toBeLessThanOrEqual(60);
      expect(profiles.ops.stepPath).toBe('ops');
      expect(profiles.ops.kernels).toBeGreaterThan(profiles.fused.kernels);
      expect(errors).toEqual([]);
    });
  });
}
