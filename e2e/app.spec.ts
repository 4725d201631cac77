import { expect, test, type Page } from '@playwright/test';

const ANY_BACKEND = /^Backend: (webgpu|webgl|wasm|cpu)\b/;

/**
 * Collects console errors and uncaught exceptions. In Chromium, page 'console' events include
 * messages logged by the page's dedicated workers.
 */
function trackErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console.error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  return errors;
}

test('loads, picks a tfjs backend, and logs no errors', async ({ page }, testInfo) => {
  const errors = trackErrors(page);
  await page.goto('/');

  await expect(page).toHaveTitle('GAN Playground');
  await expect(page.getByRole('heading', { level: 1, name: 'GAN Playground' })).toBeVisible();

  const status = page.getByRole('status', { name: 'Backend' });
  await expect(status).toHaveText(ANY_BACKEND);
  const text = (await status.textContent()) ?? '';
  testInfo.annotations.push({ type: 'backend', description: text });
  console.log(`[e2e] ${text}`);

  await page.screenshot({ path: testInfo.outputPath('app.png'), fullPage: true });
  expect(errors).toEqual([]);
});

test('?backend=cpu forces the CPU backend', async ({ page }, testInfo) => {
  const errors = trackErrors(page);
  await page.goto('/?backend=cpu');

  const status = page.getByRole('status', { name: 'Backend' });
  await expect(status).toHaveText(/^Backend: cpu\b/);
  await expect(page.getByRole('alert')).toHaveCount(0);

  await page.screenshot({ path: testInfo.outputPath('app-cpu.png'), fullPage: true });
  expect(errors).toEqual([]);
});

test('an unknown ?backend= value is ignored with a visible notice', async ({ page }, testInfo) => {
  const errors = trackErrors(page);
  await page.goto('/?backend=tpu');

  await expect(page.getByRole('alert')).toContainText('Ignoring ?backend=tpu');
  await expect(page.getByRole('status', { name: 'Backend' })).toHaveText(ANY_BACKEND);

  await page.screenshot({ path: testInfo.outputPath('app-invalid-param.png'), fullPage: true });
  expect(errors).toEqual([]);
});

test('the worker answers an invalid command with an error event, not a crash', async ({
  page,
}, testInfo) => {
  const errors = trackErrors(page);
  await page.goto('/?backend=cpu');
  const status = page.getByRole('status', { name: 'Backend' });
  await expect(status).toHaveText(/^Backend: cpu\b/);

  const worker = page.workers()[0];
  expect(worker, 'training worker should be running').toBeDefined();
  // Deliver a malformed command through the worker's own message listener.
  await worker.evaluate(() => {
    self.dispatchEvent(new MessageEvent('message', { data: { type: 'launch-missiles' } }));
  });

  await expect(page.getByRole('alert')).toContainText('invalid or unknown command');
  await expect(status).toHaveText(/^Backend: cpu\b/);

  await page.screenshot({ path: testInfo.outputPath('app-worker-error.png'), fullPage: true });
  expect(errors).toEqual([]);
});
