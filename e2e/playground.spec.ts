import { expect, test, type Page } from '@playwright/test';

import type { GanConfig, LogRow } from '../src/protocol';
import {
  blocking,
  button,
  observeLongTasks,
  planeCanvas,
  shownIteration,
  trackErrors,
} from './helpers';

/**
 * The playground as a user sees it, on the WASM backend (SwiftShader WebGPU is too slow for
 * tests that are not about WebGPU). Screenshots go to test-results/.
 */

interface Seen {
  configs: GanConfig[];
  rows: LogRow[];
  sent: { type: string; config?: GanConfig; part?: string; n?: number }[];
}

declare global {
  interface Window {
    __seen?: Seen;
  }
}

/** Opens the app on wasm and records what the worker builds, logs, and what the UI sends. */
async function open(page: Page) {
  await page.goto('/?backend=wasm');
  await expect(page.getByRole('status', { name: 'Backend' })).toHaveText(/^Backend: wasm\b/);
  await expect(button(page, 'Play')).toBeEnabled();
  await page.evaluate(() => {
    const seen: Seen = { configs: [], rows: [], sent: [] };
    window.__seen = seen;
    const client = window.ganDebug!.client;
    client.subscribe((e) => {
      if (e.type === 'created' && e.runId === 'main' && e.kind === 'toy')
        seen.configs.push(e.config as GanConfig);
      if (e.type === 'metrics' && e.runId === 'main') seen.rows.push(...e.rows);
    });
    const request = client.request.bind(client);
    client.request = (body) => {
      seen.sent.push(JSON.parse(JSON.stringify(body)));
      return request(body);
    };
  });
}

const seen = (page: Page) => page.evaluate(() => window.__seen!);

/** A tiny model through the Model controls: fast on a busy CPU. */
async function makeTinyViaUi(page: Page) {
  for (const label of ['G width', 'D width'])
    await page.getByLabel(label, { exact: true }).fill('16');
  for (const label of ['G depth', 'D depth'])
    await page.getByLabel(label, { exact: true }).fill('2');
  await page.getByLabel('Batch size', { exact: true }).fill('64');
  await expect.poll(async () => (await seen(page)).configs.at(-1)?.gWidth).toBe(16);
  await expect
    .poll(async () => (await seen(page)).sent.filter((c) => c.type === 'configure').at(-1)?.config)
    .toMatchObject({ gWidth: 16, dWidth: 16, gDepth: 2, dDepth: 2, batchSize: 64 });
}

/** A short fingerprint of the canvas pixels (FNV-1a of the PNG data URL). */
const canvasPixels = (page: Page) =>
  planeCanvas(page).evaluate((c: HTMLCanvasElement) => {
    const url = c.toDataURL();
    let h = 0x811c9dc5;
    for (let i = 0; i < url.length; i++) h = Math.imul(h ^ url.charCodeAt(i), 0x01000193);
    return `${url.length}:${(h >>> 0).toString(16)}`;
  });

const chartPoints = (page: Page, name: string) =>
  page.getByRole('group', { name }).getAttribute('data-points').then(Number);

test.use({ viewport: { width: 1280, height: 720 } });

test('opens on the classic GAN on the ring; one press of Play trains; charts and canvas update', async ({
  page,
}, testInfo) => {
  const errors = trackErrors(page);
  await observeLongTasks(page);
  await open(page);
  await expect(
    page.getByText(/grey dots are the real data \(a ring of 8 Gaussian blobs\)/),
  ).toBeVisible();
  await expect(page.getByLabel('Dataset', { exact: true })).toHaveValue('ring8');
  await expect(page.getByLabel('Loss', { exact: true })).toHaveValue('nsgan');
  await expect(page.getByLabel('R1 (real)', { exact: true })).not.toBeChecked();
  await expect(page.getByLabel('R2 (fake)', { exact: true })).not.toBeChecked();
  const before = await canvasPixels(page);
  await page.screenshot({ path: testInfo.outputPath('playground-start.png') });

  await page.evaluate(() => (window.__longTasks = []));
  const pressed = Date.now();
  await button(page, 'Play').click();
  await expect(page.getByRole('status', { name: 'Training phase' })).toHaveText('Training');
  await expect.poll(() => shownIteration(page)).toBeGreaterThan(0);
  console.log(`[e2e] first iterations shown ${Date.now() - pressed} ms after Play`);
  expect(Date.now() - pressed).toBeLessThan(15_000);

  await expect.poll(() => canvasPixels(page)).not.toEqual(before);
  const mid = await canvasPixels(page);
  await expect.poll(() => canvasPixels(page)).not.toEqual(mid);

  // Main-thread work while training, in the opening view (charts below the fold), once the
  // page has loaded completely (the charts' chunk is loaded lazily).
  await expect(page.getByRole('heading', { name: 'Training curves' })).toBeAttached();
  await page.waitForTimeout(500);
  await page.evaluate(() => (window.__longTasks = []));
  await page.waitForTimeout(5000);
  const inView = await blocking(page, 5000);
  console.log(`[e2e] long tasks, opening view: ${inView.summary}`);
  await page.screenshot({ path: testInfo.outputPath('playground-training.png') });

  await page.getByRole('heading', { name: 'Training curves' }).scrollIntoViewIfNeeded();
  await expect.poll(() => chartPoints(page, 'Losses')).toBeGreaterThan(10);
  const early = await chartPoints(page, 'Losses');
  await expect.poll(() => chartPoints(page, 'Losses')).toBeGreaterThan(early);
  await expect.poll(() => chartPoints(page, 'Modes covered and % high quality')).toBeGreaterThan(1);
  await page.evaluate(() => (window.__longTasks = []));
  await page.waitForTimeout(5000);
  const withCharts = await blocking(page, 5000);
  console.log(`[e2e] long tasks, charts in view: ${withCharts.summary}`);
  await page.screenshot({
    path: testInfo.outputPath('playground-training-full.png'),
    fullPage: true,
  });
  await button(page, 'Pause').click();
  await expect(page.getByRole('status', { name: 'Training phase' })).toHaveText('Paused');
  // Strict (no task over 50 ms) where the CPU is not shared; on a shared, overloaded CI box the
  // scheduler alone stretches 20 ms tasks past 50 ms, so there the budget is on blocking time.
  // (Before charts were drawn one per task with stable props, the charts view blocked 20–35 %.)
  if (process.env.E2E_STRICT_LONGTASKS) {
    expect(inView.count).toBe(0);
    expect(withCharts.count).toBe(0);
  }
  expect(inView.blockingFraction).toBeLessThan(0.1);
  expect(withCharts.blockingFraction).toBeLessThan(0.1);
  expect(errors).toEqual([]);
});

test('dataset, loss and R1/R2 reach the worker', async ({ page }, testInfo) => {
  const errors = trackErrors(page);
  await open(page);
  await makeTinyViaUi(page);

  await page.getByLabel('Dataset', { exact: true }).selectOption('grid25');
  await expect(page.getByRole('status', { name: 'Run notice' })).toHaveText(
    /Restarted from step 0: a new dataset needs new networks/,
  );
  await expect.poll(async () => (await seen(page)).configs.at(-1)?.dataset).toBe('grid25');

  await page.getByLabel('Loss', { exact: true }).selectOption('rpgan');
  await page.getByLabel('R1 (real)', { exact: true }).check();
  await page.getByLabel('R2 (fake)', { exact: true }).check();
  await page.getByLabel('γ (R1 and R2)', { exact: true }).fill('0.5');
  await expect
    .poll(async () => {
      const last = (await seen(page)).sent.filter((c) => c.type === 'configure').at(-1)?.config;
      return last && [last.loss, last.r1Gamma, last.r2Gamma];
    })
    .toEqual(['rpgan', 0.5, 0.5]);
  // A live change: no rebuild (the run keeps its networks).
  const builds = (await seen(page)).configs.length;

  await page.getByLabel('Speed', { exact: true }).selectOption('full');
  await button(page, 'Play').click();
  // R1 and R2 are logged as γ/2·E‖∇D‖²: positive once the worker uses them.
  await expect
    .poll(async () => {
      const rows = (await seen(page)).rows.filter((r) => r.step > 0);
      const last = rows.at(-1);
      return !!last && last.r1 > 0 && last.r2 > 0;
    })
    .toBe(true);
  await page.getByRole('heading', { name: 'Training curves' }).scrollIntoViewIfNeeded();
  await expect.poll(() => chartPoints(page, 'R1 and R2')).toBeGreaterThan(5);
  await page.waitForTimeout(1500);
  await page.screenshot({ path: testInfo.outputPath('playground-grid-rpgan.png') });
  await button(page, 'Pause').click();
  expect((await seen(page)).configs.length).toBe(builds);

  await page.getByLabel('R1 (real)', { exact: true }).uncheck();
  await page.getByLabel('R2 (fake)', { exact: true }).uncheck();
  await button(page, 'Step ×10').click();
  await expect
    .poll(async () => {
      const last = (await seen(page)).rows.at(-1);
      return last && [last.r1, last.r2];
    })
    .toEqual([0, 0]);

  // The backend setting restarts the worker; the settings stay, and the run carries on from its
  // last snapshot (the pause took one).
  await page.getByRole('combobox', { name: 'Backend' }).selectOption('cpu');
  await expect(page.getByRole('status', { name: 'Backend' })).toHaveText(/^Backend: cpu\b/);
  await expect(button(page, 'Play')).toBeEnabled();
  expect(page.url()).toContain('backend=cpu');
  await expect(page.getByLabel('Loss', { exact: true })).toHaveValue('rpgan');
  await expect(page.getByLabel('Dataset', { exact: true })).toHaveValue('grid25');
  const carried = await shownIteration(page);
  expect(carried).toBeGreaterThan(0);
  await button(page, 'Step').click();
  await expect.poll(() => shownIteration(page)).toBe(carried + 1);

  // The settings are in the link: a reload (or a shared URL) opens the same experiment.
  expect(decodeURIComponent(new URL(page.url()).hash)).toContain('"loss":"rpgan"');
  await page.reload();
  await expect(page.getByRole('status', { name: 'Backend' })).toHaveText(/^Backend: cpu\b/);
  await expect(page.getByLabel('Loss', { exact: true })).toHaveValue('rpgan');
  await expect(page.getByLabel('Dataset', { exact: true })).toHaveValue('grid25');
  await expect(page.getByLabel('G width', { exact: true })).toHaveValue('16');
  await expect(page.getByLabel('R1 (real)', { exact: true })).not.toBeChecked();
  expect(errors).toEqual([]);
});

test('drawing points trains on them; point files are validated', async ({ page }, testInfo) => {
  const errors = trackErrors(page);
  await open(page);
  await makeTinyViaUi(page);
  await page.getByLabel('Dataset', { exact: true }).selectOption('custom');
  await expect.poll(async () => (await seen(page)).configs.at(-1)?.dataset).toBe('custom');

  await button(page, 'Draw points').click();
  await button(page, 'Clear').click();
  const board = page.getByRole('img', { name: 'Drawing board' });
  // Painting needs the whole board on screen (the taller settings column lengthens the page).
  await board.scrollIntoViewIfNeeded();
  const box = (await board.boundingBox())!;
  // An L shape.
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.25);
  await page.mouse.down();
  for (let i = 0; i <= 20; i++) {
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * (0.25 + i * 0.025));
  }
  for (let i = 0; i <= 16; i++) {
    await page.mouse.move(box.x + box.width * (0.3 + i * 0.025), box.y + box.height * 0.75);
  }
  await page.mouse.up();
  const count = Number(
    (await page.getByText(/Click or drag to paint points \((\d+) points\)/).textContent())!.match(
      /\((\d+) points/,
    )![1],
  );
  expect(count).toBeGreaterThan(40);
  await page.screenshot({ path: testInfo.outputPath('playground-drawing.png') });
  await button(page, 'Train on these points').click();
  await expect
    .poll(async () => (await seen(page)).configs.at(-1)?.customPoints?.length)
    .toBe(count);
  const drawn = (await seen(page)).configs.at(-1)!.customPoints!;
  // Painted in the left/bottom part of the board: x < 2, and the L's corner is low.
  expect(Math.min(...drawn.map((p) => p[1]))).toBeLessThan(-1);

  const before = await canvasPixels(page);
  await button(page, 'Step ×10').click();
  await expect.poll(() => shownIteration(page)).toBe(10);
  expect(await canvasPixels(page)).not.toEqual(before);

  const fileInput = page.getByLabel('Load points (CSV or JSON)', { exact: true });
  await fileInput.setInputFiles({
    name: 'bad.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('x,y\n1,2\n<b>3</b>,oops\n'),
  });
  await expect(page.getByRole('alert')).toHaveText(/bad\.csv: Line 3: expected two numbers/);
  await expect(page.locator('b')).toHaveCount(0); // shown as text, never as markup
  await fileInput.setInputFiles({
    name: 'far.json',
    mimeType: 'application/json',
    buffer: Buffer.from('[[0, 0], [12, 0]]'),
  });
  await expect(page.getByRole('alert')).toHaveText(/outside \[−10, 10\]/);
  await fileInput.setInputFiles({
    name: 'tri.json',
    mimeType: 'application/json',
    buffer: Buffer.from('[[-2, -2], [2, -2], [0, 2.5]]'),
  });
  await expect(page.getByText('Loaded 3 points from tri.json.')).toBeVisible();
  await expect.poll(async () => (await seen(page)).configs.at(-1)?.customPoints?.length).toBe(3);
  await button(page, 'Play').click();
  await expect.poll(() => shownIteration(page)).toBeGreaterThan(100);
  await button(page, 'Pause').click();
  await page.screenshot({ path: testInfo.outputPath('playground-custom-trained.png') });
  expect(errors).toEqual([]);
});

test('keyboard shortcuts, slow motion, D-only steps, help panel, themes', async ({
  page,
}, testInfo) => {
  const errors = trackErrors(page);
  await open(page);
  await makeTinyViaUi(page);
  const phase = page.getByRole('status', { name: 'Training phase' });

  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Space');
  await expect(phase).toHaveText('Training');
  await page.keyboard.press('Space');
  await expect(phase).toHaveText('Paused');
  const start = await shownIteration(page);
  await page.keyboard.press('s');
  await expect.poll(() => shownIteration(page)).toBe(start + 1);

  // Typing in a field never triggers a shortcut.
  const seed = page.getByLabel('Seed', { exact: true });
  await seed.fill('');
  await seed.press('s');
  await seed.press(' ');
  await seed.press('r');
  await page.waitForTimeout(500);
  expect(await shownIteration(page)).toBe(start + 1);
  await seed.fill('1');
  await seed.blur();

  // D-only steps: D's optimiser moves, G's does not.
  await page.getByLabel('Update', { exact: true }).selectOption('discriminator');
  await page.keyboard.press('s');
  await expect
    .poll(async () => (await seen(page)).sent.at(-1))
    .toMatchObject({ type: 'step', part: 'discriminator', n: 1 });

  // Slow motion: one step at a time, about two per second.
  await page.getByLabel('Update', { exact: true }).selectOption('both');
  await page.getByLabel('Speed', { exact: true }).selectOption('slower');
  const from = await shownIteration(page);
  await page.keyboard.press('Space');
  await expect(phase).toHaveText('Slow motion: 2 steps/s');
  await page.waitForTimeout(2600);
  await page.keyboard.press('Space');
  await expect(phase).toHaveText('Paused');
  const slowSteps = (await shownIteration(page)) - from;
  expect(slowSteps).toBeGreaterThanOrEqual(3);
  expect(slowSteps).toBeLessThanOrEqual(7);

  await page.keyboard.press('r');
  await expect(page.getByRole('status', { name: 'Run notice' })).toHaveText(/^Reset/);
  await expect.poll(() => shownIteration(page)).toBe(0);

  await page.keyboard.press('?');
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(help).toBeVisible();
  await expect(help).toContainText('Play / pause');
  await page.screenshot({ path: testInfo.outputPath('playground-help.png') });
  await page.keyboard.press('Escape');
  await expect(help).toBeHidden();
  await button(page, 'Keyboard shortcuts').click();
  await expect(help).toBeVisible();
  await help.getByRole('button', { name: 'Close' }).click();

  // Hints on focus.
  await page.getByLabel('Loss', { exact: true }).focus();
  await expect(
    page.getByRole('tooltip').filter({ hasText: 'RpGAN (relativistic pairing)' }),
  ).toBeVisible();

  await button(page, 'Theme: system').click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.keyboard.press('s');
  await page.waitForTimeout(500);
  await page.screenshot({ path: testInfo.outputPath('playground-dark.png') });
  await button(page, 'Presentation mode').click();
  await page.screenshot({ path: testInfo.outputPath('playground-presentation.png') });
  await page.setViewportSize({ width: 1024, height: 720 });
  await button(page, 'Presentation mode').click();
  await button(page, 'Theme: dark').click();
  await page.screenshot({ path: testInfo.outputPath('playground-1024.png') });
  expect(errors).toEqual([]);
});
