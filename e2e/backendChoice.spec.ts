/**
 * The backend as a new user meets it in headless Chromium, whose WebGPU and WebGL are SwiftShader
 * (software): Automatic measures instead of assuming and ends on wasm (threaded: the app is
 * cross-origin isolated), Play answers at once even while kernels compile, and a switch of
 * backend is bounded and keeps the run.
 */
import { expect, test, type Page } from '@playwright/test';

import { button, makeTiny, openApp, shownIteration, trackErrors } from './helpers';

const badge = (page: Page) => page.getByRole('status', { name: 'Backend' });

test('Automatic skips the software adapters, says why, and ends on threaded wasm', async ({
  page,
}) => {
  const errors = trackErrors(page);
  const wasmFiles: string[] = [];
  page.on('request', (r) => {
    if (r.url().endsWith('.wasm')) wasmFiles.push(new URL(r.url()).pathname);
  });
  await openApp(page);
  await expect(badge(page)).toHaveText(/^Backend: wasm\b/);
  const text = (await badge(page).textContent()) ?? '';
  expect(text).toMatch(/WebGPU skipped: a software \(fallback\) adapter/);
  expect(text).toMatch(/WebGL skipped: a software renderer \(.*SwiftShader/);
  // Cross-origin isolated (COOP/COEP from vite preview): tfjs loads its threaded SIMD build.
  expect(await page.evaluate(() => window.crossOriginIsolated)).toBe(true);
  const ready = await page.evaluate(() => window.ganDebug!.client.init());
  expect(ready.crossOriginIsolated).toBe(true);
  expect(wasmFiles).toEqual([
    expect.stringMatching(/tfjs-backend-wasm-threaded-simd-[\w-]+\.wasm$/),
  ]);
  expect(ready.wasmThreads).toBeGreaterThanOrEqual(1);
  expect(text).toMatch(/\d WASM threads?/);
  expect(ready.choice?.skipped.map((s) => s.backend)).toEqual(['webgpu', 'webgl']);
  // It trains on the threaded build.
  await makeTiny(page);
  await button(page, 'Step ×10').click();
  await expect.poll(() => shownIteration(page)).toBe(10);
  expect(errors).toEqual([]);
});

test('?measure=all times every backend, picks the fastest measured, and a reload reuses it', async ({
  page,
}) => {
  await page.goto('/?measure=all');
  // SwiftShader compiles slowly: each candidate's warm-up is timed apart (and capped).
  await expect(badge(page)).toHaveText(/^Backend: wasm\b/, { timeout: 150_000 });
  const first = await page.evaluate(() => window.ganDebug!.client.init());
  const choice = first.choice!;
  expect(choice.fromCache).toBe(false);
  const rates = Object.fromEntries(choice.rates.map((r) => [r.backend, r.stepsPerSecond]));
  // wasm was measured and won; every other candidate was measured slower or gave up with a reason.
  expect(rates.wasm).toBeGreaterThan(0);
  for (const backend of ['webgpu', 'webgl'] as const) {
    if (rates[backend] !== undefined) expect(rates[backend]).toBeLessThan(rates.wasm);
    else expect(choice.skipped.map((s) => s.backend)).toContain(backend);
  }
  // The timed bursts stay within the 2 s budget (compilation apart).
  const timed = choice.rates.reduce((ms, r) => ms + (r.steps / r.stepsPerSecond) * 1000, 0);
  expect(timed).toBeLessThan(2000 * 1.5);
  await expect(badge(page)).toContainText('fastest measured: wasm');
  console.log(
    `measured: ${JSON.stringify(choice.rates)} skipped: ${JSON.stringify(choice.skipped)}`,
  );

  // A reload does not measure again: the result is remembered per device and model size.
  await page.reload();
  await expect(badge(page)).toHaveText(/^Backend: wasm\b/);
  await expect(badge(page)).toContainText('(remembered)');
  const second = await page.evaluate(() => window.ganDebug!.client.init());
  expect(second.choice?.fromCache).toBe(true);
  expect(second.choice?.rates).toEqual(choice.rates);
});

test('Play answers within 200 ms on WebGPU and the step-0 points show before compilation ends', async ({
  page,
}) => {
  await page.goto('/?backend=webgpu');
  await expect(badge(page)).toHaveText(/^Backend: webgpu\b/);
  const play = button(page, 'Play');
  await expect(play).toBeEnabled();
  // Record when the step-0 points arrive and when compilation ends, from the run store.
  await page.evaluate(() => {
    const marks: Record<string, number> = {};
    (window as unknown as { __marks: Record<string, number> }).__marks = marks;
    const check = () => {
      const s = window.ganDebug!.run.getState();
      if (s.frame.fake !== null && marks.points === undefined) marks.points = performance.now();
      if (s.phase === 'training' && marks.trained === undefined) marks.trained = performance.now();
    };
    check();
    window.ganDebug!.run.subscribe(check);
  });
  // Click as a user would, as soon as Play is enabled (the run's views may still be compiling).
  const answerMs = await page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        const playButton = [...document.querySelectorAll('button')].find(
          (b) => b.textContent === 'Play',
        )!;
        const phase = document.querySelector('[aria-label="Training phase"]')!;
        const start = performance.now();
        const answered = () =>
          playButton.textContent === 'Pause' && /Compiling kernels/.test(phase.textContent ?? '');
        const observer = new MutationObserver(() => {
          if (!answered()) return;
          observer.disconnect();
          resolve(performance.now() - start);
        });
        observer.observe(document.body, { subtree: true, childList: true, characterData: true });
        playButton.click();
        if (answered()) resolve(performance.now() - start);
      }),
  );
  console.log(`Play answered in ${answerMs.toFixed(0)} ms`);
  expect(answerMs).toBeLessThan(200);
  // Compilation ends (SwiftShader: seconds to tens of seconds); the points came first.
  await expect(page.getByRole('status', { name: 'Training phase' })).toHaveText('Training', {
    timeout: 150_000,
  });
  const marks = await page.evaluate(
    () => (window as unknown as { __marks: Record<string, number> }).__marks,
  );
  expect(marks.points).toBeLessThan(marks.trained);
  await button(page, 'Pause').click();
});

test('switching WebGPU → WebGL while training completes within 10 s and keeps the run', async ({
  page,
}) => {
  await openApp(page, '?backend=webgpu');
  await makeTiny(page);
  await button(page, 'Play').click();
  await expect.poll(() => shownIteration(page), { timeout: 150_000 }).toBeGreaterThan(2);
  const before = await shownIteration(page);
  const start = Date.now();
  await page.getByLabel('Backend', { exact: true }).selectOption('webgl');
  await expect(badge(page)).toHaveText(/^Backend: (webgl|wasm)\b/, { timeout: 10_000 });
  await expect(button(page, 'Play')).toBeEnabled({ timeout: 10_000 - (Date.now() - start) });
  const switchMs = Date.now() - start;
  console.log(`switch took ${switchMs} ms; badge: ${await badge(page).textContent()}`);
  expect(switchMs).toBeLessThanOrEqual(10_000);
  // The run continues from its last snapshot (not from scratch), and says so.
  const kept = await shownIteration(page);
  expect(kept).toBeGreaterThan(0);
  expect(kept).toBeLessThanOrEqual(before + 50);
  await expect(page.getByRole('status', { name: 'Run notice' })).toContainText(
    /continued from iteration \d+/,
  );
});
