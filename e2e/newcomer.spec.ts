/**
 * What a newcomer (or a teacher preparing a class) meets first: GAN Lab's controls in the panel,
 * the curves beside the plane on a laptop screen, messages in the panel's words, a drawing shared
 * by link, preferences that survive a reload. Each test also saves a screenshot under
 * test-results/newcomer/ for review.
 */
import { expect, test, type Page } from '@playwright/test';

import { button, openApp, planeCanvas, trackErrors } from './helpers';

const SHOTS = 'test-results/newcomer';

/** The settings the worker's run trains with (its snapshot's, as a saved run records them). */
const workerConfig = (page: Page) =>
  page.evaluate(async () => (await window.ganDebug!.client.snapshot('main')).config);

test.use({ viewport: { width: 1440, height: 900 } });

test('GAN Lab controls: SGD per network, G steps, uniform noise and a 2-D latent reach the run', async ({
  page,
}) => {
  const errors = trackErrors(page);
  await openApp(page, '?backend=wasm');
  await page.getByLabel('D optimiser', { exact: true }).selectOption('sgd');
  await expect(page.getByLabel('D β1', { exact: true })).toBeDisabled();
  await page.getByLabel('G steps per iteration', { exact: true }).fill('3');
  await page.getByLabel('Noise', { exact: true }).selectOption('uniform');
  await page.getByRole('button', { name: '2-D latent' }).click();
  await expect(page.getByLabel('Latent size', { exact: true })).toHaveValue('2');
  await expect(page.getByRole('button', { name: '2-D latent' })).toHaveAttribute(
    'aria-pressed',
    'true',
  );
  await expect
    .poll(() => workerConfig(page), { timeout: 30_000 })
    .toMatchObject({
      gSteps: 3,
      latentDist: 'uniform',
      latentDim: 2,
      dOptimizer: { kind: 'sgd' },
      gOptimizer: { kind: 'adam' },
    });
  // The link carries them, and a fresh page reads them back.
  const hash = await page.evaluate(() => window.location.hash);
  expect(decodeURIComponent(hash)).toMatch(/"gSteps":3/);
  await page.locator('fieldset', { hasText: 'Optimisers' }).screenshot({
    path: `${SHOTS}/optimisers.png`,
  });
  // The learning-rate boxes show the whole value.
  await page.getByLabel('G learning rate', { exact: true }).fill('0.0002');
  const box = page.getByLabel('G learning rate', { exact: true });
  expect(await box.evaluate((el: HTMLInputElement) => el.scrollWidth <= el.clientWidth)).toBe(true);
  expect(errors).toEqual([]);
});

test('at 1440×900 the losses and modes are on screen with the plane, which draws mode markers on top', async ({
  page,
}) => {
  const errors = trackErrors(page);
  await openApp(page, '?backend=wasm');
  const strip = page.getByRole('group', { name: 'D and G loss, live' });
  const modes = page.getByRole('group', { name: 'Modes covered, live' });
  await expect(strip).toContainText('Press Play to train.');
  await expect(page.getByLabel('D loss', { exact: true })).toHaveText('–');
  await expect(page.getByLabel('Steps/s', { exact: true })).toHaveText('–');
  await button(page, 'Play').click();
  await expect.poll(() => strip.getAttribute('data-points').then(Number)).toBeGreaterThan(2);
  await expect(page.getByLabel('D loss', { exact: true })).toHaveText(/^-?\d+\.\d{3}$/);
  await button(page, 'Pause').click();
  const viewport = page.viewportSize()!;
  for (const element of [strip, modes, planeCanvas(page)]) {
    const b = (await element.boundingBox())!;
    expect(b.y).toBeGreaterThanOrEqual(0);
    // On screen: the curves entirely, the plane at least its upper two thirds.
    expect(b.y + Math.min(b.height, 400)).toBeLessThanOrEqual(viewport.height);
  }
  await page.screenshot({ path: `${SHOTS}/laptop-1440x900.png` });
  await planeCanvas(page).screenshot({ path: `${SHOTS}/plane-mode-markers.png` });
  expect(errors).toEqual([]);
});

test('a drawing travels in a link; a bad settings file is explained in the panel’s words', async ({
  page,
  context,
}) => {
  const errors = trackErrors(page);
  await openApp(page, '?backend=wasm');
  await page.getByLabel('Dataset', { exact: true }).selectOption('custom');
  const drawing = await page.evaluate(() => window.ganDebug!.settings.getState().drawing);
  await expect.poll(() => page.evaluate(() => window.location.hash)).toMatch(/customPoints/);
  const url = await page.evaluate(() => window.location.href);
  const other = await context.newPage();
  await other.goto(url);
  await expect(other.getByLabel('Dataset', { exact: true })).toHaveValue('custom');
  const opened = await other.evaluate(() => window.ganDebug!.settings.getState().config);
  expect(opened.customPoints).toHaveLength(drawing.length);
  opened.customPoints!.forEach(([x, y], i) => {
    expect(Math.abs(x - drawing[i][0])).toBeLessThanOrEqual(0.0005);
    expect(Math.abs(y - drawing[i][1])).toBeLessThanOrEqual(0.0005);
  });
  await other.close();

  await page.locator('#import-settings').setInputFiles({
    name: 'bad.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify({ loss: 'wasserstein', gDepth: 99 })),
  });
  const status = page.getByRole('status', { name: 'Export status' });
  await expect(status).toHaveText(
    /^Ignored from the file: Loss must be one of Minimax \(original GAN\), .* or WGAN-GP; G depth must be at most 8\./,
  );
  await expect(status).not.toContainText('Invalid option');
  // Wrapped inside the panel, not overflowing it.
  const panel = page.locator('.export-panel');
  expect(await panel.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
  await panel.screenshot({ path: `${SHOTS}/import-message.png` });
  expect(errors).toEqual([]);
});

test('theme, speed and layers shown survive a reload', async ({ page }) => {
  await openApp(page, '?backend=wasm');
  await page.getByRole('button', { name: 'Theme: system' }).click();
  await page.getByLabel('Speed', { exact: true }).selectOption('slow');
  await page.getByRole('checkbox', { name: /heatmap/i }).uncheck();
  await page.reload();
  await expect(page.getByRole('button', { name: 'Theme: dark' })).toBeVisible();
  await expect(page.getByLabel('Speed', { exact: true })).toHaveValue('slow');
  await expect(page.getByRole('checkbox', { name: /heatmap/i })).not.toBeChecked();
  // A tampered entry is ignored value by value.
  await page.evaluate(() =>
    localStorage.setItem(
      'gan-playground:preferences',
      '{"theme":"<b>","speed":"slower","view":{"heatmap":"no"}}',
    ),
  );
  await page.reload();
  await expect(page.getByRole('button', { name: 'Theme: system' })).toBeVisible();
  await expect(page.getByLabel('Speed', { exact: true })).toHaveValue('slower');
  await expect(page.getByRole('checkbox', { name: /heatmap/i })).toBeChecked();
});
