/**
 * Offline after the first visit: the service worker (public/sw.js) precaches the whole build when
 * it installs, so once it controls the page the app reloads, trains and draws its charts with
 * the network gone — in the same tab and in a new one. The digit data is not precached but is
 * cached the first time it is fetched.
 */
import { expect, test, type Page } from '@playwright/test';

import { button, trackErrors } from './helpers';

async function backendReady(page: Page) {
  await expect(page.getByRole('status', { name: 'Backend' })).toHaveText(/^Backend: wasm\b/);
  await expect(button(page, 'Play')).toBeEnabled();
}

/** Waits until the service worker is active and controls the page; returns its cache's URLs. */
async function waitForServiceWorker(page: Page): Promise<string[]> {
  await page.evaluate(() => navigator.serviceWorker.ready);
  await expect
    .poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null))
    .toBe(true);
  return page.evaluate(async () => {
    const keys = (await caches.keys()).filter((k) => k.startsWith('gan-playground-'));
    if (keys.length !== 1) throw new Error(`expected one cache, found ${keys.join(', ')}`);
    const cache = await caches.open(keys[0]);
    return (await cache.keys()).map((r) => new URL(r.url).pathname);
  });
}

test('after one visit the app reloads, trains and draws charts offline', async ({
  page,
  context,
}) => {
  const errors = trackErrors(page);
  await page.goto('/?backend=wasm');
  await backendReady(page);
  const cached = await waitForServiceWorker(page);
  // The whole build is precached (not only what this page happened to load) …
  expect(cached).toContain('/');
  expect(cached.some((p) => /\/assets\/training\.worker-[\w-]+\.js$/.test(p))).toBe(true);
  expect(cached.filter((p) => p.endsWith('.wasm')).length).toBe(3);
  expect(cached.some((p) => /\/assets\/Charts-[\w-]+\.js$/.test(p))).toBe(true);
  // … but not the 8 MB of digit data.
  expect(cached.some((p) => p.startsWith('/mnist/'))).toBe(false);

  await context.setOffline(true);
  try {
    await page.reload();
    await backendReady(page);
    await expect(page.getByRole('heading', { name: 'GAN Playground' })).toBeVisible();
    await page.getByLabel('Loss', { exact: true }).selectOption('rpgan');
    await button(page, 'Step ×10').click();
    await expect(page.getByLabel('Iteration', { exact: true })).toHaveText('10', {
      timeout: 60_000,
    });
    // The lazily loaded chart chunk came from the cache too.
    await expect(page.getByRole('heading', { name: 'Training curves' })).toBeVisible();
    await expect(page.getByRole('group', { name: 'Losses' })).toBeVisible();

    // A new tab on another link of the app: the cached page serves every navigation.
    const fresh = await context.newPage();
    const freshErrors = trackErrors(fresh);
    await fresh.goto('/?backend=wasm#{"loss":"hinge"}');
    await backendReady(fresh);
    await expect(fresh.getByLabel('Loss', { exact: true })).toHaveValue('hinge');
    expect(freshErrors).toEqual([]);
    await fresh.close();
  } finally {
    await context.setOffline(false);
  }
  expect(errors).toEqual([]);
});

test('the digit data is cached on first use, not before', async ({ page, context }) => {
  await page.goto('/?backend=wasm');
  await backendReady(page);
  await waitForServiceWorker(page);
  const url = '/mnist/classifier.bin';
  const fetchSize = (u: string) =>
    page.evaluate(async (u) => {
      const response = await fetch(u);
      return response.ok ? (await response.arrayBuffer()).byteLength : -response.status;
    }, u);
  const size = await fetchSize(url);
  expect(size).toBeGreaterThan(100_000);
  await context.setOffline(true);
  try {
    expect(await fetchSize(url)).toBe(size);
    // Never fetched: not available offline.
    await expect(fetchSize('/mnist/digits.bin')).rejects.toThrow(/Failed to fetch/);
  } finally {
    await context.setOffline(false);
  }
});
