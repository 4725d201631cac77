/**
 * Compare and teach: lessons open with their presets (from the picker and from links), the
 * Dirac-GAN matches its closed form, the comparison drives all runs with one transport, links
 * reproduce settings in a fresh page (tampered ones fall back per field), and exports have the
 * expected content.
 */
import { readFile } from 'node:fs/promises';
import { expect, test, type Page } from '@playwright/test';

import { button, trackErrors } from './helpers';

async function open(page: Page, path: string) {
  await page.goto(path);
  await expect(page.getByRole('status', { name: 'Backend' })).toHaveText(
    /^Backend: (webgpu|webgl|wasm|cpu)\b/,
  );
}

const readout = (page: Page, name: string) => page.getByLabel(name, { exact: true });

test('every available lesson opens from the picker with its preset', async ({ page }) => {
  const errors = trackErrors(page);
  await open(page, '/?backend=wasm');
  const expectations: [RegExp, (p: Page) => Promise<void>][] = [
    [
      /Mode collapse/,
      async (p) => {
        await expect(p.getByLabel('Loss', { exact: true })).toHaveValue('nsgan');
        await expect(p.getByRole('checkbox', { name: /^R1/ })).not.toBeChecked();
      },
    ],
    [
      /fixes it/,
      async (p) => {
        await expect(p.getByRole('article', { name: 'Run A' })).toContainText('NSGAN, no penalty');
        await expect(p.getByRole('article', { name: 'Run B' })).toContainText('RpGAN + R1 + R2');
      },
    ],
    [
      /R1 alone/,
      async (p) => {
        await expect(p.getByRole('article', { name: 'Run A' })).toContainText('RpGAN + R1 only');
        await expect(p.getByLabel('Caveat')).toContainText('does not reproduce');
      },
    ],
    [
      /Lazy/,
      async (p) => {
        await expect(p.getByLabel('Lazy interval (B)')).toHaveValue('16');
        await expect(p.getByLabel('Lazy interval (A)')).toHaveValue('1');
      },
    ],
    [
      /Dirac-GAN/,
      async (p) => {
        await expect(readout(p, 'Final radius')).toHaveText('3.097');
      },
    ],
  ];
  for (const [title, check] of expectations) {
    await button(page, 'Lessons').click();
    await page.getByRole('button', { name: new RegExp(`Open lesson: .*${title.source}`) }).click();
    await expect(page.locator('#lesson-title')).toHaveText(title);
    await check(page);
  }
  // Lesson 6 switches the playground to Stacked MNIST (no training here: conv steps are slow
  // without a GPU); lessons 7 and 8 can be opened too.
  await button(page, 'Lessons').click();
  await expect(page.getByRole('button', { name: /Open lesson: 7\./ })).toBeEnabled();
  await expect(page.getByRole('button', { name: /Open lesson: 8\./ })).toBeEnabled();
  await page.getByRole('button', { name: /Open lesson: 6\./ }).click();
  await expect(page.locator('#lesson-title')).toHaveText(/Stacked MNIST mode race/);
  await expect(page.getByRole('region', { name: 'Stacked MNIST', exact: true })).toBeVisible();
  await expect(page.getByRole('img', { name: /^Mode map:/ })).toBeVisible();
  await expect(page.getByLabel('Loss', { exact: true })).toHaveValue('nsgan');
  expect(errors).toEqual([]);
});

test('a lesson link opens the lesson; the Dirac-GAN matches the closed form', async ({ page }) => {
  await open(page, '/#lesson=dirac-gan');
  await expect(page.getByRole('tab', { name: 'Dirac-GAN' })).toHaveAttribute(
    'aria-selected',
    'true',
  );
  await expect(readout(page, 'Final radius')).toHaveText('3.097');
  await button(page, 'R1 γ = 0.3').click();
  await expect(readout(page, 'Final radius')).toHaveText('2.64e-6');
  await button(page, 'R1 + R2 γ = 0.3').click();
  await expect(readout(page, 'Final radius')).toHaveText('2.16e-13');
  await button(page, 'Alternating').click();
  await expect(readout(page, 'Final radius')).toHaveText('1.421');
  await expect(page.getByLabel('Prediction', { exact: true })).toHaveText(/circles/);
  const portrait = page.getByRole('img', { name: 'Dirac-GAN phase portrait' });
  await expect(portrait).toHaveAttribute('data-step', '500', { timeout: 10_000 });
  await page.screenshot({ path: 'test-results/dirac-view.png', fullPage: true });
  // The Dirac settings are in the link.
  expect(decodeURIComponent(page.url())).toContain('"update":"alternating"');
});

test('a shared link reproduces the settings and the view in a fresh page', async ({
  page,
  browser,
}) => {
  await open(page, '/?backend=wasm');
  await page.getByLabel('Loss', { exact: true }).selectOption('rpgan');
  await page.getByLabel('Seed', { exact: true }).fill('7');
  await expect.poll(() => decodeURIComponent(page.url())).toContain('"seed":7');
  const url = page.url();
  const fresh = await (await browser.newContext()).newPage();
  await open(fresh, url.replace(/^https?:\/\/[^/]+/, ''));
  await expect(fresh.getByLabel('Loss', { exact: true })).toHaveValue('rpgan');
  await expect(fresh.getByLabel('Seed', { exact: true })).toHaveValue('7');
  // A classroom link: a view, hidden controls, and one tampered field.
  await open(fresh, '/?backend=wasm#view=dirac&hide=loss,penalties,bogus&dirac={"r1":-3,"lr":0.1}');
  await expect(fresh.getByRole('alert')).toContainText(/bogus/);
  await expect(fresh.getByRole('alert')).toContainText(/dirac\.r1/);
  await expect(fresh.getByLabel('Game')).toHaveCount(0);
  await expect(fresh.getByLabel('R1 γ')).toHaveCount(0);
  await expect(fresh.getByLabel('Step size h')).toHaveValue('0.1');
  await fresh.context().close();
});

test('exports: settings file, metrics CSV and JSON, PNG; a settings file imports', async ({
  page,
}) => {
  await open(page, '/?backend=wasm');
  await page.getByLabel('Loss', { exact: true }).selectOption('rpgan');
  await button(page, 'Step ×10').click();
  await expect(page.getByLabel('Iteration', { exact: true })).toHaveText('10', { timeout: 60_000 });

  const download = async (name: string) => {
    const [file] = await Promise.all([page.waitForEvent('download'), button(page, name).click()]);
    return { name: file.suggestedFilename(), text: await readFile((await file.path())!, 'latin1') };
  };
  const settings = await download('Settings file');
  expect(settings.name).toMatch(/settings\.json$/);
  expect(JSON.parse(settings.text)).toMatchObject({
    format: 'gan-playground-config',
    config: { loss: 'rpgan', dataset: 'ring8' },
  });
  const csv = await download('Metrics CSV');
  expect(csv.text.split('\n')[0]).toMatch(/^step,.*dLoss.*gLoss/);
  expect(csv.text.trim().split('\n').length).toBeGreaterThan(1);
  const json = JSON.parse((await download('Metrics JSON')).text);
  expect(json.config.loss).toBe('rpgan');
  expect(json.metrics.at(-1).step).toBeGreaterThan(0);
  const png = await download('View as PNG');
  expect(png.name).toMatch(/\.png$/);
  expect(png.text.slice(1, 4)).toBe('PNG');

  // Import: a tampered file keeps its valid settings and names the rest, as text.
  await page.getByLabel('Import settings…').setInputFiles({
    name: 'evil.json',
    mimeType: 'application/json',
    buffer: Buffer.from(
      JSON.stringify({
        format: 'gan-playground-config',
        version: 1,
        config: { loss: 'hinge', '<img src=x onerror=alert(1)>': 1 },
      }),
    ),
  });
  await expect(page.getByLabel('Loss', { exact: true })).toHaveValue('hinge');
  await expect(page.getByLabel('Export status')).toContainText('<img src=x');
  await expect(page.locator('img[src=x]')).toHaveCount(0);

  // Stacked MNIST settings: a file of them switches to that dataset, and export writes them.
  await page.getByLabel('Import settings…').setInputFiles({
    name: 'stacked.json',
    mimeType: 'application/json',
    buffer: Buffer.from(
      JSON.stringify({
        format: 'gan-playground-config',
        version: 1,
        config: { dataset: 'stacked-mnist', mbstd: true, seed: 7 },
      }),
    ),
  });
  await expect(page.getByLabel('Dataset', { exact: true })).toHaveValue('stacked-mnist');
  await expect(page.getByLabel('Minibatch stddev', { exact: true })).toBeChecked();
  await expect(page.getByLabel('Seed', { exact: true })).toHaveValue('7');
  const imageSettings = JSON.parse((await download('Settings file')).text);
  expect(imageSettings.config).toMatchObject({ dataset: 'stacked-mnist', mbstd: true, seed: 7 });
  expect(imageSettings.config.gChannels).toHaveLength(3);
});

test('compare: one transport drives every run, charts overlay them', async ({ page }) => {
  const errors = trackErrors(page);
  await open(page, '/?backend=wasm#lesson=r3gan-fix');
  await expect(page.getByRole('article', { name: 'Run B' })).toBeVisible();
  await expect(button(page, 'Play all')).toBeEnabled({ timeout: 60_000 });
  await page
    .getByRole('article', { name: 'Run A' })
    .getByRole('button', { name: 'Duplicate' })
    .click();
  await expect(page.getByRole('article', { name: 'Run C' })).toBeVisible();
  await page.getByLabel('Loss (C)').selectOption('hinge');
  await expect(page.getByRole('article', { name: 'Run C' })).toContainText(
    'Differs from A: loss hinge',
  );
  await button(page, 'Step all ×10').click();
  for (const letter of ['A', 'B', 'C']) {
    await expect(
      page.getByRole('article', { name: `Run ${letter}` }).getByLabel('Iteration'),
    ).toHaveText('10', { timeout: 120_000 });
  }
  await button(page, 'Play all').click();
  await expect(button(page, 'Pause all')).toBeVisible();
  await expect
    .poll(
      async () =>
        Number(
          await page.getByRole('article', { name: 'Run B' }).getByLabel('Iteration').textContent(),
        ),
      { timeout: 120_000 },
    )
    .toBeGreaterThan(120);
  await button(page, 'Pause all').click();
  await expect(page.getByRole('list', { name: 'Runs' })).toContainText('Hinge');
  // Charts below the fold are not redrawn while training; they catch up when scrolled to.
  await page.getByRole('heading', { name: 'Training curves, all runs' }).scrollIntoViewIfNeeded();
  await expect(
    page.getByRole('figure', { name: 'Modes covered' }).locator('.recharts-line'),
  ).toHaveCount(3);
  await page.screenshot({ path: 'test-results/compare-view.png', fullPage: true });
  expect(errors).toEqual([]);
});
