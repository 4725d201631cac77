/**
 * Saved runs: a run saved in the browser survives a reload and reopens where it stopped (same
 * settings, iteration, chart history and weights) and trains on; runs can be renamed and
 * deleted; a run exported to a file imports back; a bad file changes nothing and says why.
 * On the WASM backend with a tiny model (SwiftShader WebGPU is slow).
 */
import { readFile } from 'node:fs/promises';
import { expect, test, type Locator, type Page } from '@playwright/test';

import { button, makeTiny, shownIteration, trackErrors } from './helpers';

async function open(page: Page) {
  await page.goto('/?backend=wasm');
  await expect(page.getByRole('status', { name: 'Backend' })).toHaveText(/^Backend: wasm\b/);
  await expect(button(page, 'Play')).toBeEnabled();
}

/** A tiny RpGAN run on seed 7, trained for `steps` iterations. */
async function trainTinyRun(page: Page, steps: number) {
  await makeTiny(page);
  // The session's own sample count, which a reopened run streams with.
  await page.evaluate(() => window.ganDebug!.client.setStream('main', { sampleCount: 512 }));
  await page.getByLabel('Loss', { exact: true }).selectOption('rpgan');
  await page.getByLabel('Seed', { exact: true }).fill('7');
  for (let done = 0; done < steps; done += 10) await button(page, 'Step ×10').click();
  await expect(page.getByLabel('Iteration', { exact: true })).toHaveText(String(steps), {
    timeout: 60_000,
  });
}

function dialog(page: Page): Locator {
  return page.getByRole('dialog', { name: 'Saved runs' });
}

async function openDialog(page: Page): Promise<Locator> {
  const d = dialog(page);
  if (!(await d.isVisible())) await button(page, 'Saved runs').click();
  await expect(d).toBeVisible();
  // The list (or its empty note) is there once the database is open.
  await expect(
    d.getByRole('list', { name: 'Saved runs' }).or(d.getByText('No saved runs yet.')),
  ).toBeVisible();
  return d;
}

async function saveRun(page: Page, name: string) {
  const d = await openDialog(page);
  await d.getByLabel('Name', { exact: true }).fill(name);
  await d.getByRole('button', { name: 'Save current run' }).click();
  await expect(d.getByLabel('Saved runs status')).toContainText(`Saved “${name}”`);
  return d;
}

const savedRun = (d: Locator, name: string) => d.getByRole('listitem', { name, exact: true });

/** What the page holds of the run: settings, chart history and the generated points. */
function runState(page: Page) {
  return page.evaluate(() => {
    const { run, settings } = window.ganDebug!;
    const s = run.getState();
    const points = (h: typeof s.metrics) => [...h.points, ...(h.partial ? [h.partial] : [])];
    return {
      config: settings.getState().config,
      iteration: s.iteration,
      metricSteps: points(s.metrics).map((p) => p.step),
      lastLoss: points(s.metrics).at(-1)?.dLoss ?? null,
      fake: s.frame.fake ? [...s.frame.fake] : null,
    };
  });
}

test('a saved run survives a reload and reopens where it stopped, then trains on', async ({
  page,
}) => {
  const errors = trackErrors(page);
  await open(page);
  await trainTinyRun(page, 20);
  // Rows reach the charts in batches (≤ 10 a second): wait for the last one.
  await expect.poll(async () => (await runState(page)).metricSteps.at(-1)).toBe(20);
  const before = await runState(page);
  const d = await saveRun(page, 'Tiny RpGAN');
  await expect(savedRun(d, 'Tiny RpGAN').getByLabel('Saved at step')).toHaveText('20');
  // The thumbnail: a small PNG of the view as it was.
  await expect
    .poll(() =>
      savedRun(d, 'Tiny RpGAN')
        .locator('img')
        .evaluate((img: HTMLImageElement) => (img.complete ? img.naturalWidth : 0)),
    )
    .toBe(160);
  await page.screenshot({ path: 'test-results/saved-runs.png' });

  // A new visit without the link's settings: the default preset at step 0.
  await open(page);
  expect(await shownIteration(page)).toBe(0);
  await expect(page.getByLabel('Loss', { exact: true })).toHaveValue('nsgan');
  const listed = await openDialog(page);
  await expect(savedRun(listed, 'Tiny RpGAN')).toContainText('RpGAN + R1 + R2');
  await listed.getByRole('button', { name: 'Open Tiny RpGAN' }).click();
  await expect(listed).toBeHidden();
  await expect(page.getByRole('status', { name: 'Run notice' })).toContainText(
    'Opened the saved run “Tiny RpGAN” at step 20',
  );
  await expect(page.getByLabel('Iteration', { exact: true })).toHaveText('20');
  await expect(page.getByLabel('Loss', { exact: true })).toHaveValue('rpgan');
  await expect(page.getByLabel('Seed', { exact: true })).toHaveValue('7');
  await expect.poll(async () => (await runState(page)).fake !== null).toBe(true);
  const after = await runState(page);
  expect(after.config).toEqual(before.config);
  expect(after.metricSteps).toEqual(before.metricSteps);
  expect(after.lastLoss).toBe(before.lastLoss);
  // Same weights: the generator maps the fixed latents to the same points as before.
  expect(after.fake!.length).toBe(before.fake!.length);
  after.fake!.forEach((v, i) => expect(v).toBeCloseTo(before.fake![i], 5));
  // The worker continues from step 20, and the history goes on from there.
  expect((await page.evaluate(() => window.ganDebug!.client.debugStats())).runs).toContainEqual(
    expect.objectContaining({ runId: 'main', iteration: 20 }),
  );
  await button(page, 'Step ×10').click();
  await expect(page.getByLabel('Iteration', { exact: true })).toHaveText('30', {
    timeout: 60_000,
  });
  await expect
    .poll(async () => (await runState(page)).metricSteps.at(-1), { timeout: 10_000 })
    .toBeGreaterThan(20);
  expect((await runState(page)).metricSteps.slice(0, before.metricSteps.length)).toEqual(
    before.metricSteps,
  );
  expect(errors).toEqual([]);
});

test('saved runs can be renamed and deleted, and that survives a reload', async ({ page }) => {
  await open(page);
  await trainTinyRun(page, 10);
  await saveRun(page, 'First');
  let d = await saveRun(page, 'Second');
  await expect(d.getByRole('list', { name: 'Saved runs' }).getByRole('listitem')).toHaveCount(2);

  // Rename with the keyboard: Enter saves, Escape cancels (and leaves the dialog open).
  await d.getByRole('button', { name: 'Rename First' }).click();
  const field = d.getByLabel('New name for First');
  await expect(field).toBeFocused();
  await field.fill('Discarded');
  await field.press('Escape');
  await expect(d).toBeVisible();
  await expect(savedRun(d, 'First')).toBeVisible();
  await d.getByRole('button', { name: 'Rename First' }).click();
  await d.getByLabel('New name for First').fill('  <b>Renamed</b>  run ');
  await d.getByLabel('New name for First').press('Enter');
  await expect(savedRun(d, '<b>Renamed</b> run')).toBeVisible();
  await expect(d.locator('b')).toHaveCount(0);

  // Delete asks first; "Keep" keeps it.
  await d.getByRole('button', { name: 'Delete Second' }).click();
  await d.getByRole('button', { name: 'Keep' }).click();
  await expect(savedRun(d, 'Second')).toBeVisible();
  await d.getByRole('button', { name: 'Delete Second' }).click();
  await d.getByRole('button', { name: 'Yes, delete' }).click();
  await expect(d.getByLabel('Saved runs status')).toHaveText('Deleted “Second”.');
  await expect(savedRun(d, 'Second')).toHaveCount(0);
  await d.press('Escape');
  await expect(d).toBeHidden();

  await page.reload();
  await expect(button(page, 'Play')).toBeEnabled();
  d = await openDialog(page);
  await expect(d.getByRole('list', { name: 'Saved runs' }).getByRole('listitem')).toHaveCount(1);
  await expect(savedRun(d, '<b>Renamed</b> run')).toBeVisible();
  await d.getByRole('button', { name: 'Delete <b>Renamed</b> run' }).click();
  await d.getByRole('button', { name: 'Yes, delete' }).click();
  await expect(d.getByText('No saved runs yet.')).toBeVisible();
});

test('a run exported to a file imports back; a bad file changes nothing', async ({ page }) => {
  const errors = trackErrors(page);
  await open(page);
  await trainTinyRun(page, 10);
  await expect.poll(async () => (await runState(page)).metricSteps.at(-1)).toBe(10);
  const before = await runState(page);
  const d = await saveRun(page, '<img src=x onerror=alert(1)>');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    d.getByRole('button', { name: 'Export <img src=x onerror=alert(1)>' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('img-src-x-onerror-alert-1.ganrun');
  const file = await readFile((await download.path())!);
  expect(file.subarray(0, 8).toString('latin1')).toBe('GANPGRUN');
  await d.getByRole('button', { name: 'Delete <img src=x onerror=alert(1)>' }).click();
  await d.getByRole('button', { name: 'Yes, delete' }).click();
  await expect(d.getByText('No saved runs yet.')).toBeVisible();

  // Bad files: a settings file, a damaged run file, one from a newer version.
  const importFile = (name: string, buffer: Buffer) =>
    d
      .getByLabel('Import run file…')
      .setInputFiles({ name, mimeType: 'application/octet-stream', buffer });
  const status = d.getByLabel('Saved runs status');
  await importFile('settings.json', Buffer.from('{"format":"gan-playground-config"}'));
  await expect(status).toHaveText(
    'Nothing imported. This is not a valid GAN Playground run file: it does not start with GANPGRUN.',
  );
  const damaged = Buffer.from(file);
  damaged[damaged.length - 1] ^= 0xff;
  await importFile('damaged.ganrun', damaged);
  await expect(status).toContainText('its weights are damaged (checksum)');
  const headerLength = file.readUInt32LE(8);
  const header = file.subarray(12, 12 + headerLength).toString('utf8');
  const newer = Buffer.concat([
    file.subarray(0, 12),
    Buffer.from(header.replace('"version":1', '"version":9')),
    file.subarray(12 + headerLength),
  ]);
  await importFile('newer.ganrun', newer);
  await expect(status).toHaveText(
    'Nothing imported. The run file has version "9"; this app reads version 1.',
  );
  await expect(d.getByText('No saved runs yet.')).toBeVisible();

  // The exported file: listed under its name (as text), opens with its settings and iteration.
  await importFile('run.ganrun', file);
  await expect(status).toContainText('Imported “<img src=x onerror=alert(1)>” (step 10)');
  await expect(savedRun(d, '<img src=x onerror=alert(1)>')).toBeVisible();
  await expect(page.locator('img[src=x]')).toHaveCount(0);
  await d.getByRole('button', { name: 'Open <img src=x onerror=alert(1)>' }).click();
  await expect(d).toBeHidden();
  await expect(page.getByLabel('Iteration', { exact: true })).toHaveText('10');
  const after = await runState(page);
  expect(after.config).toEqual(before.config);
  expect(after.metricSteps).toEqual(before.metricSteps);
  await expect.poll(async () => (await runState(page)).fake !== null).toBe(true);
  (await runState(page)).fake!.forEach((v, i) => expect(v).toBeCloseTo(before.fake![i], 5));
  expect(errors).toEqual([]);
});

/** The generated image grid the page holds: its step and an FNV-1a hash of its pixels. */
const imageGrid = (page: Page) =>
  page.evaluate(() => {
    const images = window.ganDebug!.run.getState().frame.images;
    if (!images) return null;
    let h = 0x811c9dc5;
    for (const v of images.pixels) h = Math.imul(h ^ v, 0x01000193);
    return { iteration: images.iteration, hash: h >>> 0 };
  });

test('a Stacked MNIST run saves and reopens with its settings, step and weights', async ({
  page,
}) => {
  const errors = trackErrors(page);
  await open(page);
  await page.getByLabel('Dataset', { exact: true }).selectOption('stacked-mnist');
  await page.getByLabel('Architecture', { exact: true }).selectOption('dcgan');
  await page.getByLabel('Width', { exact: true }).selectOption('tiny');
  await page.getByLabel('Batch size', { exact: true }).fill('8');
  await page.getByLabel('Seed', { exact: true }).fill('5');
  await page.getByLabel('Seed', { exact: true }).blur();
  await button(page, 'Step').click();
  await expect(page.getByLabel('Iteration', { exact: true })).toHaveText('1', {
    timeout: 120_000,
  });
  // The grid of the fixed latents after that step: the weights, as the page sees them.
  await page.evaluate(() => window.ganDebug!.client.setStream('main', { samplesEvery: 1 }));
  await button(page, 'Step').click();
  await expect(page.getByLabel('Iteration', { exact: true })).toHaveText('2', {
    timeout: 120_000,
  });
  await expect.poll(async () => (await imageGrid(page))?.iteration).toBe(2);
  const before = (await imageGrid(page))!;

  const d = await saveRun(page, 'Tiny digits');
  const saved = savedRun(d, 'Tiny digits');
  await expect(saved.getByLabel('Saved at step')).toHaveText('2');
  await expect(saved).toContainText('stacked-mnist');
  // The thumbnail is the sample grid.
  await expect
    .poll(() =>
      saved
        .locator('img')
        .evaluate((img: HTMLImageElement) => (img.complete ? img.naturalWidth : 0)),
    )
    .toBeGreaterThan(0);

  // A new visit opens on the toy preset; opening the saved run brings Stacked MNIST back.
  await open(page);
  await expect(page.getByLabel('Dataset', { exact: true })).toHaveValue('ring8');
  const listed = await openDialog(page);
  await listed.getByRole('button', { name: 'Open Tiny digits' }).click();
  await expect(listed).toBeHidden();
  await expect(page.getByLabel('Dataset', { exact: true })).toHaveValue('stacked-mnist');
  await expect(page.getByLabel('Iteration', { exact: true })).toHaveText('2');
  await expect(page.getByLabel('Width', { exact: true })).toHaveValue('tiny');
  await expect(page.getByLabel('Seed', { exact: true })).toHaveValue('5');
  // Same weights: the same grid from the same fixed latents.
  await expect.poll(async () => (await imageGrid(page))?.iteration).toBe(2);
  expect((await imageGrid(page))!.hash).toBe(before.hash);
  await button(page, 'Step').click();
  await expect(page.getByLabel('Iteration', { exact: true })).toHaveText('3', {
    timeout: 120_000,
  });
  expect(errors).toEqual([]);
});

test('a full storage says so (MB used of what, what to do), and a save after freeing space works', async ({
  page,
}) => {
  const errors = trackErrors(page);
  await open(page);
  await trainTinyRun(page, 10);
  const d = await saveRun(page, 'Keep me');
  // The browser's storage is full: every write fails as Chromium's does, with a
  // QuotaExceededError whose message is empty.
  await page.evaluate(() => {
    const w = window as Window & { __storageFull?: boolean };
    w.__storageFull = true;
    const put = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function (
      this: IDBObjectStore,
      ...args: Parameters<typeof put>
    ) {
      if (w.__storageFull) throw new DOMException('', 'QuotaExceededError');
      return put.apply(this, args);
    };
  });
  const status = d.getByLabel('Saved runs status');
  const full =
    /the browser's storage for this site is full \(\d+ MB used of \d+ MB\); delete saved runs or export them to files to make room/;
  await d.getByLabel('Name', { exact: true }).fill('Too much');
  await d.getByRole('button', { name: 'Save current run' }).click();
  await expect(status).toHaveText(new RegExp(`^Could not save the run: ${full.source}`));
  await d.getByRole('button', { name: 'Rename Keep me' }).click();
  await d.getByLabel('New name for Keep me').fill('Renamed');
  await d.getByLabel('New name for Keep me').press('Enter');
  await expect(status).toHaveText(new RegExp(`: ${full.source}`));
  // Freeing space: a run deleted (and the storage no longer full), then the save works.
  await d.getByRole('button', { name: 'Delete Keep me' }).click();
  await d.getByRole('button', { name: 'Yes, delete' }).click();
  await expect(status).toHaveText('Deleted “Keep me”.');
  await page.evaluate(
    () => ((window as Window & { __storageFull?: boolean }).__storageFull = false),
  );
  await saveRun(page, 'After freeing');
  await expect(savedRun(d, 'After freeing')).toBeVisible();
  expect(errors).toEqual([]);
});
