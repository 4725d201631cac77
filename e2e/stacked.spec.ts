import { expect, test, type Page } from '@playwright/test';

import { button, trackErrors } from './helpers';

declare global {
  interface Window {
    __stackedConfigs?: unknown[];
  }
}

/**
 * Stacked MNIST in the playground, as a user meets it: pick the dataset, shrink the model through
 * the Model controls (conv steps are slow without a GPU: the WASM backend, DCGAN at the tiny
 * width, batch 8), step, and see the sample grid change, an evaluation fill the mode map and
 * the interpolation strip follow the picked samples. Screenshots go to test-results/.
 */

/** The generated grid's canvas (its name says the step it shows). */
const sampleGrid = (page: Page) => page.getByRole('img', { name: /^Generated samples at step/ });

/** Pixels of the sample grid as a string (to compare frames). */
async function gridPixels(page: Page): Promise<string> {
  return sampleGrid(page).evaluate((canvas: HTMLCanvasElement) => canvas.toDataURL());
}

async function gridIteration(page: Page): Promise<number> {
  return Number(await sampleGrid(page).getAttribute('data-iteration'));
}

test('Stacked MNIST: pick it, train a few steps, watch samples, modes and interpolation', async ({
  page,
}, testInfo) => {
  test.setTimeout(300_000);
  const errors = trackErrors(page);
  await page.goto('/?backend=wasm');
  await expect(page.getByRole('status', { name: 'Backend' })).toHaveText(/^Backend: wasm\b/);
  await expect(button(page, 'Play')).toBeEnabled();
  // What the worker runs: the config of each `created` and each `configure` it answered.
  await page.evaluate(() => {
    const configs: unknown[] = [];
    window.__stackedConfigs = configs;
    const client = window.ganDebug!.client;
    client.subscribe((e) => {
      if (e.type === 'created' && e.runId === 'main') configs.push(e.config);
    });
    const configure = client.configure.bind(client);
    client.configure = async (runId, config) => {
      const rebuilt = await configure(runId, config);
      if (runId === 'main') configs.push(config);
      return rebuilt;
    };
  });

  // Pick the dataset: the stage switches to the image views and says what they show.
  await page.getByLabel('Dataset', { exact: true }).selectOption('stacked-mnist');
  await expect(page.getByText(/three random handwritten digits stacked in its red/)).toBeVisible();
  await expect(page.getByRole('region', { name: 'Stacked MNIST' })).toBeVisible();
  await expect(page.getByLabel('G width', { exact: true })).toHaveCount(0);
  await expect(page.getByLabel('γ (R1 and R2)', { exact: true })).toHaveValue('0.1');

  // The smallest model, through the Model and Training controls.
  await page.getByLabel('Architecture', { exact: true }).selectOption('dcgan');
  await page.getByLabel('Width', { exact: true }).selectOption('tiny');
  await page.getByLabel('Batch size', { exact: true }).fill('8');
  await expect(page.getByLabel('Batch size', { exact: true })).toHaveAttribute(
    'aria-invalid',
    'false',
  );
  // Minibatch stddev groups samples by 4, so batch 6 cannot use it: the control says why.
  await page.getByLabel('Batch size', { exact: true }).fill('6');
  await page.getByLabel('Minibatch stddev', { exact: true }).click();
  await expect(
    page.getByRole('alert').filter({ hasText: /multiple of its group size 4/ }),
  ).toBeVisible();
  await expect(page.getByLabel('Minibatch stddev', { exact: true })).not.toBeChecked();
  await page.getByLabel('Batch size', { exact: true }).fill('8');
  await page.getByLabel('Batch size', { exact: true }).blur();
  await expect(page.getByText(/multiple of its group size 4/)).toHaveCount(0);

  // The worker builds what the controls say; then the views stream often enough for a test.
  await expect
    .poll(() => page.evaluate(() => JSON.stringify(window.__stackedConfigs?.at(-1) ?? null)), {
      timeout: 120_000,
    })
    .toMatch(/"dataset":"stacked-mnist".*"arch":"dcgan".*"gChannels":\[8,8,8\].*"batchSize":8/);
  await expect(sampleGrid(page)).toBeVisible();
  const link = decodeURIComponent(new URL(page.url()).hash);
  expect(link).toContain('"dataset":"stacked-mnist"');
  expect(link).toContain('"arch":"dcgan"');
  expect(link).toContain('"gChannels":[8,8,8]');
  expect(link).toContain('"batchSize":8');
  await page.evaluate(() =>
    window.ganDebug!.client.setStream('main', {
      logEvery: 1,
      readbackEvery: 1,
      samplesEvery: 2,
      evalEvery: 4,
      evalSamples: 1000,
    }),
  );
  const before = await gridPixels(page);
  const beforeIteration = await gridIteration(page);

  await page.getByLabel('N', { exact: true }).fill('4');
  await button(page, 'Step ×4').click();
  await expect(page.getByLabel('Iteration', { exact: true })).toHaveText('4', { timeout: 180_000 });
  await expect.poll(() => gridIteration(page), { timeout: 60_000 }).toBe(4);
  expect(beforeIteration).toBe(0);
  expect(await gridPixels(page)).not.toBe(before);

  // The evaluation at step 4: the mode map and the numbers beside it.
  const modeMap = page.getByRole('img', { name: /^Mode map: \d+ of 1000 digit triples/ });
  await expect(modeMap).toBeVisible({ timeout: 120_000 });
  const covered = Number((await modeMap.getAttribute('aria-label'))!.match(/(\d+) of 1000/)![1]);
  expect(covered).toBeGreaterThanOrEqual(1);
  expect(covered).toBeLessThanOrEqual(1000);
  await expect(page.getByText(`${covered} / 1000 modes`)).toBeVisible();
  // Beside the papers' count, the confident measure: at most as many modes, and its share.
  const confident = Number(
    (await modeMap.getAttribute('aria-label'))!.match(/(\d+) of them by confident samples/)![1],
  );
  expect(confident).toBeLessThanOrEqual(covered);
  await expect(page.getByText(`, ${confident} confident`)).toBeVisible();
  await expect(page.getByLabel('Confident samples', { exact: true })).toHaveText(/^\d+\.\d %$/);
  await expect(page.getByLabel('Reverse KL', { exact: true })).toHaveText(
    // N = 1000 samples: the floor is (1000 − 1)/(2·1000).
    /^\d+(\.\d+)?(e[+-]?\d+)? \(floor 0\.(499|500)\)$/,
  );
  await expect(page.getByLabel('Modes covered', { exact: true })).toHaveText(`${covered} / 1000`);
  await expect(page.getByLabel('KL to uniform', { exact: true })).toHaveText(/^\d+\.\d\d$/);
  await expect(page.getByLabel('High quality', { exact: true })).toHaveCount(0);

  // The interpolation strip: samples 0 → 7 by slerp, then two picked tiles, then lerp.
  const strip = page.getByRole('img', { name: /^10 images from sample/ });
  await expect(strip).toHaveAccessibleName(/from sample 0 to sample 7 by slerp/);
  const box = (await sampleGrid(page).boundingBox())!;
  const tile = box.width / 8;
  await sampleGrid(page).click({ position: { x: 2.5 * tile, y: 1.5 * tile } }); // A = 10
  await sampleGrid(page).click({ position: { x: 5.5 * tile, y: 6.5 * tile } }); // B = 53
  await expect(page.getByLabel('From sample A', { exact: true })).toHaveValue('10');
  await expect(page.getByLabel('to sample B', { exact: true })).toHaveValue('53');
  await expect(strip).toHaveAccessibleName(/from sample 10 to sample 53 by slerp/);
  await page.getByRole('radio', { name: 'lerp', exact: true }).check();
  await expect(strip).toHaveAccessibleName(/from sample 10 to sample 53 by lerp/);
  const stripSize = await strip.evaluate((c: HTMLCanvasElement) => [c.width, c.height]);
  expect(stripSize[0]).toBeGreaterThan(9 * stripSize[1]);

  // The real images beside the samples, and hiding them.
  const real = page.getByRole('img', { name: 'Real Stacked MNIST images' });
  await expect(real).toBeVisible();
  await page.getByLabel('Show real images', { exact: true }).uncheck();
  await expect(real).toHaveCount(0);
  await page.getByLabel('Show real images', { exact: true }).check();

  // Charts switch to the image evaluation.
  const modesChart = page.getByRole('group', { name: 'Modes covered (of 1000)' });
  const klChart = page.getByRole('group', { name: 'Reverse KL vs its floor' });
  await klChart.scrollIntoViewIfNeeded();
  await expect(modesChart).toHaveAttribute('data-points', '1');
  await expect(klChart).toHaveAttribute('data-points', '1');

  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: testInfo.outputPath('stacked-light.png'), fullPage: true });
  await page.getByRole('button', { name: /^Theme:/ }).click(); // system → dark
  await page.getByRole('button', { name: 'Presentation mode' }).click();
  await page.screenshot({ path: testInfo.outputPath('stacked-dark-presentation.png') });
  await page.getByRole('button', { name: 'Presentation mode' }).click();
  await page.screenshot({ path: testInfo.outputPath('stacked-dark.png'), fullPage: true });

  // The link keeps the choice: a reload opens Stacked MNIST with the same model.
  await page.reload();
  await expect(page.getByLabel('Dataset', { exact: true })).toHaveValue('stacked-mnist');
  await expect(page.getByLabel('Architecture', { exact: true })).toHaveValue('dcgan');
  await expect(page.getByLabel('Width', { exact: true })).toHaveValue('tiny');
  await expect(sampleGrid(page)).toBeVisible({ timeout: 120_000 });

  // And back to a toy: the plane view returns.
  await page.getByLabel('Dataset', { exact: true }).selectOption('ring8');
  await expect(page.getByRole('img', { name: 'Real data and generated samples' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Stacked MNIST' })).toHaveCount(0);
  expect(errors).toEqual([]);
});
