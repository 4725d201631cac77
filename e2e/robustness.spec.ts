import { expect, test, type Page } from '@playwright/test';

import { LARGEST_MODEL } from '../src/engine/testing/tinyConfig';

import {
  button,
  hasWebGpuAdapter,
  makeTiny,
  openApp,
  shownIteration,
  trackErrors,
} from './helpers';

/**
 * Robustness as a user meets it: hostile links, a training run that blows up, a worker that
 * dies, and a page that may only talk to its own origin. On wasm (fast, no shader compilation).
 */

declare global {
  interface Window {
    __pwned?: unknown;
    __cspViolations?: string[];
  }
}

/** Nothing the page was fed ran as code or became markup. */
async function expectNothingInjected(page: Page): Promise<void> {
  const injected = await page.evaluate(() => ({
    pwned: window.__pwned,
    polluted: (Object.prototype as Record<string, unknown>).polluted,
    images: document.querySelectorAll('img[src="x"]').length,
    inlineScripts: document.querySelectorAll('script:not([src])').length,
    svgs: document.querySelectorAll('.notice svg, .notice img, .notice script').length,
  }));
  expect(injected).toEqual({
    pwned: undefined,
    polluted: undefined,
    images: 0,
    inlineScripts: 0,
    svgs: 0,
  });
}

const SCRIPT = '<img src=x onerror="window.__pwned=1">';

const HOSTILE_LINKS: { name: string; url: string; notice: RegExp; shown?: string }[] = [
  {
    name: 'bad numbers, an unknown key with markup in its value',
    // 1e309 is valid JSON (it parses to Infinity), which JSON.stringify cannot write.
    url: `/?backend=wasm#${encodeURIComponent(JSON.stringify({ batchSize: -4, evil: SCRIPT }).replace('{', '{"gDepth":1e309,'))}`,
    notice: /G depth needs a number.*Batch size must be at least 1.*"evil": unknown setting/,
  },
  {
    name: 'a script tag as the hash',
    url: '/?backend=wasm#<script>window.__pwned=1</script>',
    notice: /unknown link entry/,
    shown: '<script>',
  },
  {
    name: 'broken percent-encoding',
    url: '/?backend=wasm#%E0%A4%A{"loss":%',
    notice: /link/,
  },
  {
    name: 'a 30 000-character link',
    url: `/?backend=wasm#${encodeURIComponent(`{"loss":"${'x'.repeat(30_000)}"}`)}`,
    notice: /too long \(\d+ characters\)/,
  },
  {
    name: 'markup in ?backend= and prototype pollution in the settings',
    url: `/?backend=${encodeURIComponent(SCRIPT)}#${encodeURIComponent('{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}},"loss":"rpgan"}')}`,
    notice: /Ignoring \?backend=<img src=x.*"__proto__": unknown setting/,
    shown: '<img src=x',
  },
];

for (const link of HOSTILE_LINKS) {
  test(`hostile link: ${link.name} → a notice, no error, nothing injected`, async ({ page }) => {
    const errors = trackErrors(page);
    await page.goto(link.url);
    const alert = page.getByRole('alert').filter({ hasText: link.notice });
    await expect(alert).toBeVisible();
    const text = (await alert.textContent()) ?? '';
    expect(text.length).toBeLessThan(2000);
    if (link.shown) expect(text).toContain(link.shown); // quoted as text…
    await expectNothingInjected(page); // …never parsed as HTML
    // The app still works: the run is created with safe settings.
    await expect(page.getByRole('status', { name: 'Backend' })).toHaveText(/^Backend: \w+/);
    await expect(button(page, 'Play')).toBeEnabled();
    await expectNothingInjected(page);
    expect(errors).toEqual([]);
  });
}

test('the largest settings allowed are refused on wasm before they abort it; the preset trains instead', async ({
  page,
}) => {
  const errors = trackErrors(page);
  await page.goto(`/?backend=wasm#${encodeURIComponent(JSON.stringify(LARGEST_MODEL))}`);
  await expect(page.getByRole('alert')).toHaveText(
    /These settings \(G width 1024 × depth 8, D width 1024 × depth 8, batch size 4096\) need about [\d.]+ GB of memory per training step, more than the wasm backend can hold \(2\.0 GB\)\. A batch size of \d+ or less would fit.* The opening preset is loaded instead\./,
  );
  await button(page, 'Play').click();
  await expect.poll(() => shownIteration(page), { timeout: 60_000 }).toBeGreaterThan(5);
  // Asking again in the settings is refused the same way, and the controls keep what trains.
  await page.evaluate(
    (largest) =>
      window.ganDebug!.settings.getState().adoptConfig({
        ...window.ganDebug!.settings.getState().config,
        ...largest,
      }),
    LARGEST_MODEL,
  );
  await expect(page.getByRole('alert')).toHaveText(/more than the wasm backend can hold/);
  await expect
    .poll(() => page.evaluate(() => window.ganDebug!.settings.getState().config.gWidth))
    .not.toBe(1024);
  const before = await shownIteration(page);
  await expect.poll(() => shownIteration(page), { timeout: 60_000 }).toBeGreaterThan(before + 5);
  await button(page, 'Pause').click();
  expect(errors).toEqual([]);
});

test('device loss while playing: the charts drop the redone steps and the notice counts them', async ({
  page,
}) => {
  test.setTimeout(420_000);
  const errors = trackErrors(page);
  // Asked for: Automatic skips SwiftShader's WebGPU, and wasm has no device to lose.
  await openApp(page, '?backend=webgpu');
  test.skip(!(await hasWebGpuAdapter(page)), 'no WebGPU adapter: nothing to lose');
  await makeTiny(page);
  await page.evaluate(() =>
    window.ganDebug!.client.setStream('main', { snapshotEvery: 10, streamSnapshots: true }),
  );
  await button(page, 'Play').click();
  await expect.poll(() => shownIteration(page), { timeout: 120_000 }).toBeGreaterThan(13);
  await page.evaluate(() => window.ganDebug!.client.debugLoseDevice());
  const notice = page.getByRole('status', { name: 'Run notice' });
  await expect(notice).toHaveText(
    /The webgpu device was lost; the run continues on (webgl|wasm|cpu) from its last snapshot at step \d+( \(\d+ steps redone\))?\./,
    { timeout: 60_000 },
  );
  console.log(`[e2e] device loss: ${await notice.textContent()}`);
  const resumedAt = Number(/at step (\d+)/.exec((await notice.textContent()) ?? '')?.[1]);
  // Right away: no chart point after the snapshot's step is left to be drawn twice.
  const kept = await page.evaluate(
    () => window.ganDebug!.run.getState().metrics.points.at(-1)?.step,
  );
  expect(kept).toBeLessThanOrEqual(resumedAt);
  // The fallback (SwiftShader WebGL on CI) compiles its kernels first: give it time.
  await expect
    .poll(() => shownIteration(page), { timeout: 240_000 })
    .toBeGreaterThan(resumedAt + 3);
  await button(page, 'Pause').click();
  const steps = await page.evaluate(() => {
    const { metrics, evals } = window.ganDebug!.run.getState();
    return { metrics: metrics.points.map((p) => p.step), evals: evals.points.map((p) => p.step) };
  });
  for (const series of [steps.metrics, steps.evals])
    expect(series.every((t, i) => i === 0 || t > series[i - 1])).toBe(true);
  expect(steps.metrics.at(-1)).toBeGreaterThan(resumedAt);
  expect(errors).toEqual([]);
});

test('divergence (SGD, lr = 10) pauses the run, names the quantity and the step, offers a reset', async ({
  page,
}) => {
  const errors = trackErrors(page);
  await openApp(page, '?backend=wasm');
  // One configure (a second one right after would race the UI's adoption of the first).
  await page.evaluate(async () => {
    const client = window.ganDebug!.client;
    const { defaultConfig } = await client.init();
    const sgd = { kind: 'sgd' as const, lr: 10, beta1: 0, beta2: 0.99 };
    await client.configure('main', {
      ...defaultConfig,
      dataset: 'ring8',
      gWidth: 16,
      dWidth: 16,
      gDepth: 2,
      dDepth: 2,
      batchSize: 64,
      loss: 'lsgan',
      gOptimizer: sgd,
      dOptimizer: sgd,
    });
  });
  await expect
    .poll(() => page.evaluate(() => window.ganDebug!.settings.getState().config.loss))
    .toBe('lsgan');
  await button(page, 'Play').click();
  const alert = page.getByRole('alert');
  await expect(alert).toHaveText(
    /Training diverged: .+ \((dLoss|gLoss|r1|r2|dReal|dFake|gradSqReal|gradSqFake|dGradNorm|gGradNorm)\) became NaN or infinite by step \d+, so the run was paused/,
  );
  await expect(page.getByRole('status', { name: 'Training phase' })).toHaveText('Paused');
  for (const label of ['D loss', 'G loss']) {
    await expect(page.getByLabel(label, { exact: true })).not.toHaveText(/NaN|Infinity/);
  }
  const step = Number(/by step (\d+)/.exec((await alert.textContent()) ?? '')?.[1]);
  expect(step).toBeGreaterThan(0);
  console.log(`[e2e] divergence: ${await alert.textContent()}`);

  await alert.getByRole('button', { name: 'Reset the run' }).click();
  await expect(page.getByRole('status', { name: 'Run notice' })).toHaveText(
    /Reset: training restarts from step 0/,
  );
  await expect(page.getByRole('alert')).toHaveCount(0);
  expect(await shownIteration(page)).toBe(0);
  expect(errors).toEqual([]);
});

test('worker crash: a new worker resumes the run from its last snapshot; the charts keep their history', async ({
  page,
}) => {
  test.setTimeout(240_000);
  const errors = trackErrors(page);
  await openApp(page, '?backend=wasm');
  await makeTiny(page);
  await page.evaluate(() =>
    window.ganDebug!.client.setStream('main', { snapshotEvery: 50, streamSnapshots: true }),
  );
  await button(page, 'Play').click();
  await expect.poll(() => shownIteration(page), { timeout: 60_000 }).toBeGreaterThan(160);
  const before = await page.evaluate(() => {
    const { metrics } = window.ganDebug!.run.getState();
    const snapshot = window.ganDebug!.client.lastSnapshot('main');
    return {
      firstStep: metrics.points[0]?.step ?? null,
      points: metrics.points.length,
      snapshot: snapshot?.iteration ?? null,
    };
  });
  expect(before.snapshot).not.toBeNull();
  expect(before.snapshot! % 50).toBe(0);

  await page.evaluate(() => window.ganDebug!.client.debugKillWorker());
  const notice = page.getByRole('status', { name: 'Run notice' });
  await expect(notice).toHaveText(
    /The training worker stopped \(no answer for [\d.]+ s\); a new one took over and the run resumed from its last snapshot at step \d+/,
    { timeout: 60_000 },
  );
  const text = (await notice.textContent()) ?? '';
  console.log(`[e2e] crash: ${text}`);
  const resumedAt = Number(/at step (\d+)/.exec(text)?.[1]);
  expect(resumedAt).toBeGreaterThanOrEqual(before.snapshot!);
  expect(resumedAt % 50).toBe(0);

  // It plays on from there, in a new worker, and the history from before the crash is intact.
  await expect
    .poll(() => shownIteration(page), { timeout: 60_000 })
    .toBeGreaterThan(resumedAt + 30);
  const after = await page.evaluate(() => {
    const { metrics } = window.ganDebug!.run.getState();
    return { firstStep: metrics.points[0]?.step ?? null, points: metrics.points.length };
  });
  expect(after.firstStep).toBe(before.firstStep);
  expect(after.points).toBeGreaterThanOrEqual(Math.min(before.points, 10));
  const stats = await page.evaluate(() => window.ganDebug!.client.debugStats());
  expect(stats.backend).toBe('wasm');
  expect(stats.runs.find((r) => r.runId === 'main')?.phase).not.toBe('paused');
  await button(page, 'Pause').click();
  expect(errors).toEqual([]);
});

test('a crash loop stops the run truthfully, and its last snapshot can still be saved', async ({
  page,
}) => {
  test.setTimeout(300_000);
  const errors = trackErrors(page);
  await openApp(page, '?backend=wasm');
  await makeTiny(page);
  await page.evaluate(() =>
    window.ganDebug!.client.setStream('main', { snapshotEvery: 20, streamSnapshots: true }),
  );
  await button(page, 'Play').click();
  await expect.poll(() => shownIteration(page), { timeout: 60_000 }).toBeGreaterThan(25);
  const notice = page.getByRole('status', { name: 'Run notice' });
  for (let crash = 1; crash <= 3; crash++) {
    await page.evaluate(() => window.ganDebug!.client.debugKillWorker());
    await expect(notice).toHaveText(/The training worker stopped/, { timeout: 60_000 });
    await page.evaluate(() => window.ganDebug!.run.setState({ notice: null }));
    // Past its first (compiling) steps, when a silent worker is noticed within ~10 s.
    const resumed = await shownIteration(page);
    await expect.poll(() => shownIteration(page), { timeout: 60_000 }).toBeGreaterThan(resumed + 3);
  }
  await page.evaluate(() => window.ganDebug!.client.debugKillWorker());
  await expect(page.getByRole('alert')).toHaveText(
    /Training stopped: the training worker keeps crashing \(no answer for [\d.]+ s\)\. Its last snapshot, at step \d+, can still be saved/,
    { timeout: 60_000 },
  );
  const kept = Number(
    /at step (\d+)/.exec((await page.getByRole('alert').textContent()) ?? '')?.[1],
  );
  await expect(page.getByRole('status', { name: 'Training phase' })).toHaveText('Paused');
  await expect(button(page, 'Play')).toBeVisible();
  await button(page, 'Saved runs').click();
  const dialog = page.getByRole('dialog', { name: 'Saved runs' });
  await dialog.getByRole('button', { name: 'Save current run' }).click();
  await expect(dialog.getByLabel('Saved runs status')).toContainText(`at step ${kept}.`);
  expect(errors).toEqual([]);
});

test('Content-Security-Policy: only same-origin requests, no violations; inline scripts and other origins blocked', async ({
  page,
  context,
  baseURL,
}) => {
  const requests: string[] = [];
  context.on('request', (request) => requests.push(request.url()));
  await page.addInitScript(() => {
    const violations: string[] = [];
    window.__cspViolations = violations;
    document.addEventListener('securitypolicyviolation', (e) =>
      violations.push(`${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  const errors = trackErrors(page);
  const response = await page.goto('/?backend=wasm');
  expect(response?.headers()['content-security-policy']).toContain("default-src 'self'");
  const meta = await page
    .locator('meta[http-equiv="Content-Security-Policy"]')
    .getAttribute('content');
  expect(meta).toContain("script-src 'self' 'wasm-unsafe-eval'");
  expect(meta).not.toContain('unsafe-inline');

  // Exercise the app: the WASM backend compiles under the policy, training streams, charts load.
  await openApp(page, '?backend=wasm');
  await expect(page.getByRole('status', { name: 'Backend' })).toHaveText(/^Backend: wasm\b/);
  await makeTiny(page);
  await button(page, 'Play').click();
  await expect.poll(() => shownIteration(page)).toBeGreaterThan(50);
  await button(page, 'Pause').click();
  await page
    .getByRole('region', { name: /Training curves/ })
    .first()
    .scrollIntoViewIfNeeded();
  await expect(page.locator('.recharts-wrapper').first()).toBeVisible();

  const origin = new URL(baseURL!).origin;
  const foreign = requests.filter((url) => {
    const u = new URL(url);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.origin !== origin;
  });
  expect(requests.length).toBeGreaterThan(3);
  expect(requests.some((url) => url.endsWith('.wasm'))).toBe(true);
  expect(foreign).toEqual([]);
  expect(await page.evaluate(() => window.__cspViolations)).toEqual([]);
  expect(errors).toEqual([]);

  // Controls: the policy is really in force (so the empty lists above mean something).
  // (page.evaluate itself runs outside the policy, so the probes go through the DOM and fetch.)
  const inline = await page.evaluate(async () => {
    const script = document.createElement('script');
    script.textContent = 'window.__pwned = "inline script ran"';
    document.body.append(script);
    await new Promise((resolve) => setTimeout(resolve, 100));
    return window.__pwned ?? 'blocked';
  });
  expect(inline).toBe('blocked');
  const fetchResult = await page.evaluate(() =>
    fetch('https://example.com/').then(
      () => 'fetched',
      () => 'blocked',
    ),
  );
  expect(fetchResult).toBe('blocked');
  await expect
    .poll(() => page.evaluate(() => window.__cspViolations))
    .toEqual(
      expect.arrayContaining([
        'script-src-elem inline',
        expect.stringMatching(/^connect-src https:\/\/example\.com/),
      ]),
    );
  for (const v of (await page.evaluate(() => window.__cspViolations)) ?? []) {
    expect(v).toMatch(/^(script-src-elem inline|connect-src https:\/\/example\.com\/)$/);
  }
});
