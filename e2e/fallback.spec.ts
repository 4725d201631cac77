import { expect, test } from '@playwright/test';

import { button, events, makeTiny, openApp, shownIteration, trackErrors } from './helpers';

/**
 * Runs in the "no-webgpu" project: Chromium launched WITHOUT --enable-unsafe-webgpu, so the
 * worker must fall back (to WebGL or WASM) and say why.
 */
test('without WebGPU, trains on the fallback backend and says why', async ({ page }, testInfo) => {
  const errors = trackErrors(page);
  const backend = await openApp(page);
  console.log(`[e2e] ${backend}`);
  // Automatic says why WebGPU was not a candidate.
  expect(backend).toMatch(/^Backend: (webgl|wasm|cpu) \(.*WebGPU skipped: unavailable: /);

  await makeTiny(page);
  await button(page, 'Play').click();
  await expect(page.getByRole('status', { name: 'Training phase' })).toHaveText('Training');
  await expect.poll(() => shownIteration(page)).toBeGreaterThanOrEqual(20);
  await expect(page.getByLabel('G loss', { exact: true })).toHaveText(/^-?\d+\.\d{3}$/);
  await button(page, 'Pause').click();
  await expect(page.getByRole('status', { name: 'Training phase' })).toHaveText('Paused');

  const samples = (await events(page)).filter((e) => e.type === 'samples' && e.runId === 'main');
  expect(new Set(samples.map((e) => e.iteration)).size).toBeGreaterThan(5);
  await page.screenshot({ path: testInfo.outputPath('training-fallback.png'), fullPage: true });

  // The double-backprop (R1/R2/GP) weight gradients are right on this backend too.
  const check = await page.evaluate(() => window.ganDebug!.client.debugGradientCheck());
  console.log(`[e2e] gradient check on ${check.backend}: ${JSON.stringify(check.results)}`);
  expect(check.results).toHaveLength(4);
  for (const r of check.results) expect(r.relativeError, r.name).toBeLessThan(1e-2);
  // …and the conv discriminators' ops (Stacked MNIST).
  const conv = await page.evaluate(() => window.ganDebug!.client.debugGradientCheck('conv'));
  console.log(`[e2e] conv gradient check on ${conv.backend}: ${JSON.stringify(conv.results)}`);
  expect(conv.results).toHaveLength(3);
  for (const r of conv.results) expect(r.relativeError, r.name).toBeLessThan(1e-2);
  expect(errors).toEqual([]);
});
