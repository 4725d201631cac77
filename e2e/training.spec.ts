import { expect, test, type Page } from '@playwright/test';

import {
  button,
  createTinyRun,
  events,
  hasWebGpuAdapter,
  makeTiny,
  openApp,
  planeCanvas,
  runIteration,
  shownIteration,
  stats,
  trackErrors,
} from './helpers';

/**
 * Training in the worker on the default launch (--enable-unsafe-webgpu: SwiftShader WebGPU).
 * One page for the whole group: a fresh page would compile every kernel again (~10 s here).
 */
test.describe.serial('training on WebGPU', () => {
  let page: Page;
  let errors: string[];

  test.beforeAll(async ({ browser }) => {
    page = await browser.newPage();
    errors = trackErrors(page);
  });

  test.afterAll(async () => {
    await page.close();
  });

  test('starts on WebGPU; metrics and sample frames stream and change', async () => {
    const testInfo = test.info();
    // Asked for: Automatic skips SwiftShader (e2e/backendChoice.spec.ts).
    const backend = await openApp(page, '?backend=webgpu');
    console.log(`[e2e] ${backend}`);
    test.skip(!(await hasWebGpuAdapter(page)), 'no WebGPU adapter in this browser');
    expect(backend).toMatch(/^Backend: webgpu\b/);

    await makeTiny(page);
    const canvas = planeCanvas(page);
    const phase = page.getByRole('status', { name: 'Training phase' });
    await expect(phase).toHaveText('Paused');
    const before = await canvas.evaluate((c: HTMLCanvasElement) => c.toDataURL());

    await button(page, 'Play').click();
    await expect(phase).toHaveText('Training');
    const compile = (await events(page)).find((e) => e.phase === 'training')?.compileMs ?? 0;
    console.log(`[e2e] webgpu compile phase: ${Math.round(compile)} ms`);
    testInfo.annotations.push({ type: 'compile-ms', description: String(Math.round(compile)) });

    await expect.poll(() => shownIteration(page)).toBeGreaterThanOrEqual(3);
    await expect(canvas).not.toHaveAttribute('data-iteration', /^[0-2]$/);
    await expect(page.getByLabel('D loss', { exact: true })).toHaveText(/^-?\d+\.\d{3}$/);
    await expect(page.getByLabel('Steps/s', { exact: true })).not.toHaveText('0.0');
    const after = await canvas.evaluate((c: HTMLCanvasElement) => c.toDataURL());
    expect(after).not.toEqual(before);

    const seen = await events(page);
    const metrics = seen.filter((e) => e.type === 'metrics' && e.runId === 'main');
    const samples = seen.filter((e) => e.type === 'samples' && e.runId === 'main');
    expect(metrics.length).toBeGreaterThan(2);
    expect(new Set(samples.map((e) => e.iteration)).size).toBeGreaterThan(2);
    await page.screenshot({ path: testInfo.outputPath('training-webgpu.png'), fullPage: true });
  });

  test('R1/R2/GP weight gradients match finite differences on WebGPU', async () => {
    test.skip(!(await hasWebGpuAdapter(page)), 'no WebGPU adapter in this browser');
    const check = await page.evaluate(() => window.ganDebug!.client.debugGradientCheck());
    console.log(`[e2e] gradient check on ${check.backend}: ${JSON.stringify(check.results)}`);
    expect(check.backend).toBe('webgpu');
    expect(check.results).toHaveLength(4);
    for (const r of check.results) expect(r.relativeError, r.name).toBeLessThan(1e-2);
    // The conv suite ('conv') runs on WebGL in fallback.spec.ts and on cpu/wasm in unit tests;
    // on SwiftShader WebGPU its three cases take over the 3-minute test budget. On a real GPU:
    // `await ganDebug.client.debugGradientCheck('conv')` in the console.
    expect(errors).toEqual([]);
  });
  test('pause stops the steps; step(n) advances exactly n', async () => {
    await button(page, 'Pause').click();
    await expect(page.getByRole('status', { name: 'Training phase' })).toHaveText('Paused');
    const paused = await runIteration(page, 'main');
    expect(await shownIteration(page)).toBe(paused);
    await page.waitForTimeout(2000);
    expect(await runIteration(page, 'main')).toBe(paused);

    await page.evaluate(() => window.ganDebug!.client.step('main', 3));
    await expect.poll(() => shownIteration(page)).toBe(paused + 3);
    await button(page, 'Step').click();
    await expect.poll(() => shownIteration(page)).toBe(paused + 4);
    expect(await runIteration(page, 'main')).toBe(paused + 4);
  });

  test('two runs train at once; numTensors is the same at rest before and after', async () => {
    await createTinyRun(page, 'second');
    /** Plays both runs until each has trained `n` more iterations, then pauses them. */
    const trainBoth = async (n: number) => {
      const s0 = await stats(page);
      const at = (s: typeof s0, id: string) => s.runs.find((r) => r.runId === id)!.iteration;
      const start = { main: at(s0, 'main'), second: at(s0, 'second') };
      await page.evaluate(async () => {
        const client = window.ganDebug!.client;
        await client.play('main');
        await client.play('second');
      });
      await expect
        .poll(async () => {
          const s = await stats(page);
          return at(s, 'main') >= start.main + n && at(s, 'second') >= start.second + n;
        })
        .toBe(true);
      await page.evaluate(async () => {
        const client = window.ganDebug!.client;
        await client.pause('main');
        await client.pause('second');
      });
    };
    // At rest after a first burst: the fused step keeps its flat weight buffers from then on.
    await trainBoth(1);
    const rest = await stats(page);
    await trainBoth(3);
    expect((await stats(page)).numTensors).toBe(rest.numTensors);
    await page.evaluate(() => window.ganDebug!.client.dispose('second'));
  });

  test('device loss: the run continues on a fallback backend, iteration preserved', async () => {
    const iteration = await runIteration(page, 'main');
    await page.evaluate(() => window.ganDebug!.client.debugLoseDevice());
    const status = page.getByRole('status', { name: 'Backend' });
    await expect(status).toHaveText(/^Backend: (webgl|wasm|cpu) \(webgpu device lost/);
    console.log(`[e2e] after device loss: ${await status.textContent()}`);
    await expect(page.getByRole('alert')).toHaveCount(0);
    expect(await runIteration(page, 'main')).toBe(iteration);
    expect(await shownIteration(page)).toBe(iteration);

    await button(page, 'Play').click();
    await expect.poll(() => shownIteration(page)).toBeGreaterThanOrEqual(iteration + 5);
    await button(page, 'Pause').click();
    const s = await stats(page);
    expect(s.backend).not.toBe('webgpu');
    expect(errors).toEqual([]);
  });
});

test('two runs at once on wasm; numTensors stays flat over 300 steps', async ({ page }) => {
  const errors = trackErrors(page);
  await openApp(page, '?backend=wasm');
  for (const runId of ['a', 'b']) await createTinyRun(page, runId);
  await page.evaluate(async () => {
    const client = window.ganDebug!.client;
    await client.setStream('a', { samplesEvery: 10, readbackEvery: 10, snapshotEvery: 100 });
    await client.setStream('b', { samplesEvery: 10, readbackEvery: 10, snapshotEvery: 100 });
    await client.step('a', 20);
    await client.step('b', 20);
  });
  const before = await stats(page);
  await page.evaluate(async () => {
    await window.ganDebug!.client.play('a');
    await window.ganDebug!.client.play('b');
  });
  const both = async (n: number) => {
    const s = await stats(page);
    return s.runs.filter((r) => r.runId !== 'main').every((r) => r.iteration >= n);
  };
  await expect.poll(() => both(100)).toBe(true);
  await expect.poll(() => both(320), { timeout: 60_000 }).toBe(true);
  await page.evaluate(async () => {
    await window.ganDebug!.client.pause('a');
    await window.ganDebug!.client.pause('b');
  });
  const after = await stats(page);
  console.log(
    `[e2e] wasm: numTensors ${before.numTensors} → ${after.numTensors}, ` +
      `readbacks ${after.readbacks}, iterations ${after.runs.map((r) => r.iteration).join(', ')}`,
  );
  expect(after.numTensors).toBe(before.numTensors);
  expect(errors).toEqual([]);
});
