/**
 * "Automatic (fastest available)": which backend trains *this* model fastest on *this* device,
 * measured rather than assumed. Kept free of tfjs so it can be unit-tested in Node; the worker
 * supplies the browser probes (adapter info, WebGL renderer) and the timed bursts.
 *
 * 1. Software adapters are skipped with a reason: headless or GPU-less Chromium exposes WebGPU
 *    and WebGL through SwiftShader, a CPU emulation 30–100× slower than wasm.
 * 2. Every remaining candidate trains a short burst of the actual run: one warm-up iteration
 *    (shader compilation, timed on its own), then iterations until its share of the budget is
 *    spent, synchronised with the device so queued GPU work is counted.
 * 3. The fastest measured rate wins; the result is remembered per device and model size, so a
 *    reload does not measure again.
 */
import { errorMessage } from '../errors';
import {
  BACKEND_NAMES,
  isBackendName,
  type AnyGanConfig,
  type BackendChoice,
  type BackendName,
  type BackendRate,
  type SkippedBackend,
} from '../protocol';
import { backendLabel, withTimeout } from './backendSelection';

/** Timed iterations of all candidates together (compilation is not counted). */
export const MEASURE_BUDGET_MS = 2000;
/** A candidate whose first iteration (compilation) takes longer is dropped as too slow. */
export const WARMUP_LIMIT_MS = 15_000;
/** The candidates measured, fastest first by default when rates tie. */
export const MEASURED_BACKENDS: readonly BackendName[] = ['webgpu', 'webgl', 'wasm'];

/** What WebGPU's GPUAdapterInfo (and the adapter's own flag, in older Chromium) tells. */
export interface AdapterFacts {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}

const SOFTWARE_RENDERERS = /swiftshader|llvmpipe|softpipe|software|basic render driver/i;

/** The adapter's facts as one line: vendor, architecture, device, description. */
export function adapterText(facts: AdapterFacts): string {
  return [facts.vendor, facts.architecture, facts.device, facts.description]
    .filter((s) => s !== undefined && s !== '')
    .join(' ')
    .trim();
}

/** Why this WebGPU adapter is a software one, or null when it looks like a real GPU. */
export function softwareAdapterReason(facts: AdapterFacts): string | null {
  const text = adapterText(facts);
  if (facts.isFallbackAdapter) return `a software (fallback) adapter${text ? ` (${text})` : ''}`;
  return SOFTWARE_RENDERERS.test(text) ? `a software adapter (${text})` : null;
}

/** Why this WebGL renderer (WEBGL_debug_renderer_info) is a software one, or null. */
export function softwareRendererReason(renderer: string | null): string | null {
  if (renderer === null) return null;
  return SOFTWARE_RENDERERS.test(renderer) ? `a software renderer (${renderer})` : null;
}

/** The skip line the UI shows, e.g. "WebGPU skipped: a software adapter (swiftshader …)". */
export function skipLine(skip: SkippedBackend): string {
  return `${backendLabel(skip.backend)} skipped: ${skip.reason}`;
}

/**
 * What decides the speed of a run besides the device: its networks, batch and per-iteration
 * work. Settings that only change numbers (lr, γ's value, seed) do not change the cost.
 */
export function modelSizeKey(config: AnyGanConfig): string {
  const penalties =
    [
      config.r1Gamma > 0 ? 'r1' : '',
      config.r2Gamma > 0 ? 'r2' : '',
      config.loss === 'wgan-gp' ? 'gp' : '',
    ]
      .filter(Boolean)
      .join('+') || 'none';
  const common = `z${config.latentDim} b${config.batchSize} d${config.dSteps} ${penalties}`;
  if ('arch' in config) {
    return `image ${config.arch} G${config.gChannels.join('-')} D${config.dChannels.join('-')} ${common}`;
  }
  return `toy G${config.gWidth}x${config.gDepth} D${config.dWidth}x${config.dDepth} ${common}`;
}

/** One remembered measurement per device × model size × candidate set. */
export function choiceKey(
  deviceKey: string,
  config: AnyGanConfig,
  candidates: readonly BackendName[],
): string {
  return `${deviceKey} | ${modelSizeKey(config)} | ${candidates.join(',')}`;
}

/** The backend with the highest measured rate (null when nothing was measured). */
export function fastest(rates: readonly BackendRate[]): BackendName | null {
  let best: BackendRate | null = null;
  for (const rate of rates) {
    if (rate.stepsPerSecond > (best?.stepsPerSecond ?? 0)) best = rate;
  }
  return best?.backend ?? null;
}

/** Remembered choices kept by the UI (most recent last); older ones are dropped. */
export const REMEMBERED_CHOICES = 16;

export function remember(list: readonly BackendChoice[], choice: BackendChoice): BackendChoice[] {
  const rest = list.filter((c) => c.key !== choice.key);
  return [...rest, { ...choice, fromCache: false }].slice(-REMEMBERED_CHOICES);
}

/** What the worker found out before measuring (training.worker.ts). */
export interface BackendProbe {
  /** Backends to measure, in order. */
  candidates: BackendName[];
  /** Software adapters and unavailable APIs, with the reason. */
  skipped: SkippedBackend[];
  /** Identifies the device: GPU adapter and renderer, cores, isolation (threaded WASM). */
  deviceKey: string;
}

/** A burst of training on the active backend: warm-up, then timed iterations. */
export interface BurstHooks {
  /** Queues one training iteration. */
  step(): void;
  /** Resolves when the device has finished everything queued (a readback). */
  sync(): Promise<void>;
  now(): number;
}

/**
 * Warm-up (one iteration, synchronised), then chunks of iterations — 1, 2, 4, … each followed by
 * a sync, so a GPU keeps a queue as it does in a real run — until `budgetMs` is spent.
 */
export async function measureBurst(
  hooks: BurstHooks,
  budgetMs: number,
  warmupLimitMs = WARMUP_LIMIT_MS,
): Promise<{ warmupMs: number; steps: number; ms: number }> {
  const warmStart = hooks.now();
  hooks.step();
  // Given up while still waiting (SwiftShader WebGPU took 85 s for the opening preset).
  await withTimeout(
    hooks.sync(),
    warmupLimitMs,
    `its first iteration (compilation) took over ${warmupLimitMs / 1000} s`,
  );
  const warmupMs = hooks.now() - warmStart;
  const start = hooks.now();
  let steps = 0;
  let chunk = 1;
  let elapsed = 0;
  while (elapsed < budgetMs) {
    for (let i = 0; i < chunk; i++) hooks.step();
    await hooks.sync();
    steps += chunk;
    elapsed = hooks.now() - start;
    const perStep = elapsed / steps;
    // Double the chunk, but never past what fits in the budget that is left.
    chunk = Math.max(1, Math.min(chunk * 2, Math.floor((budgetMs - elapsed) / perStep)));
  }
  return { warmupMs, steps, ms: elapsed };
}

export interface ChoiceHooks {
  /** Makes `name` the active tfjs backend (rejects with the reason it cannot be used). */
  activate(name: BackendName): Promise<void>;
  /** A burst of the run's training on the active backend, within `budgetMs`. */
  burst(budgetMs: number): Promise<{ warmupMs: number; steps: number; ms: number }>;
}

/**
 * Measures each candidate in turn and activates the fastest. Candidates that fail to start or
 * to train are reported as skipped. Rejects when none could be measured.
 */
export async function measureCandidates(
  candidates: readonly BackendName[],
  hooks: ChoiceHooks,
  budgetMs = MEASURE_BUDGET_MS,
): Promise<{ backend: BackendName; rates: BackendRate[]; failed: SkippedBackend[] }> {
  const rates: BackendRate[] = [];
  const failed: SkippedBackend[] = [];
  const share = budgetMs / Math.max(1, candidates.length);
  for (const backend of candidates) {
    try {
      await hooks.activate(backend);
      const burst = await hooks.burst(share);
      rates.push({
        backend,
        stepsPerSecond: burst.ms > 0 ? (burst.steps * 1000) / burst.ms : 0,
        warmupMs: burst.warmupMs,
        steps: burst.steps,
      });
    } catch (error) {
      failed.push({ backend, reason: errorMessage(error) });
    }
  }
  const backend = fastest(rates);
  if (backend === null) {
    throw new Error(`no backend could be measured (${failed.map(skipLine).join('; ')})`);
  }
  await hooks.activate(backend);
  return { backend, rates, failed };
}

/** "wasm 48 steps/s · webgl 9.1 steps/s": the badge's short form, fastest first. */
export function formatRates(rates: readonly BackendRate[]): string {
  return [...rates]
    .sort((a, b) => b.stepsPerSecond - a.stepsPerSecond)
    .map((r) => `${r.backend} ${formatRate(r.stepsPerSecond)} steps/s`)
    .join(' · ');
}

function formatRate(x: number): string {
  return x >= 10 ? x.toFixed(0) : x >= 1 ? x.toFixed(1) : x.toPrecision(2);
}

/** Where the UI keeps Automatic's measurements (localStorage). */
export const REMEMBERED_CHOICES_STORAGE_KEY = 'gan-playground-backend-choices';

const isObject = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x);

function isChoice(x: unknown): x is BackendChoice {
  if (!isObject(x)) return false;
  const rates = x.rates;
  return (
    typeof x.key === 'string' &&
    isBackendName(x.backend) &&
    typeof x.measuredAt === 'number' &&
    typeof x.fromCache === 'boolean' &&
    Array.isArray(rates) &&
    rates.length <= BACKEND_NAMES.length &&
    rates.every(
      (r) =>
        isObject(r) &&
        isBackendName(r.backend) &&
        [r.stepsPerSecond, r.warmupMs, r.steps].every(
          (n) => typeof n === 'number' && Number.isFinite(n) && n >= 0,
        ) &&
        Number.isInteger(r.steps),
    ) &&
    Array.isArray(x.skipped) &&
    x.skipped.length <= BACKEND_NAMES.length &&
    x.skipped.every((s) => isObject(s) && isBackendName(s.backend) && typeof s.reason === 'string')
  );
}

/** The stored measurements; anything unreadable (edited, or an older format) is dropped. */
export function parseRemembered(raw: string | null): BackendChoice[] {
  if (raw === null) return [];
  try {
    const list: unknown = JSON.parse(raw);
    return Array.isArray(list) ? list.filter(isChoice).slice(-REMEMBERED_CHOICES) : [];
  } catch {
    return [];
  }
}

/** The badge's lines about Automatic's choice: rates measured (or remembered), skips and why. */
export function describeChoice(choice: BackendChoice): string[] {
  const notes: string[] = [];
  if (choice.rates.length > 0) {
    const when = new Date(choice.measuredAt).toLocaleString();
    notes.push(
      `${choice.fromCache ? `fastest measured on ${when} (remembered)` : 'fastest measured'}: ${formatRates(choice.rates)}`,
    );
    const compiles = choice.rates
      .filter((r) => r.warmupMs >= 1000)
      .map((r) => `${r.backend} ${(r.warmupMs / 1000).toFixed(1)} s`);
    if (compiles.length > 0) notes.push(`first iteration (compilation): ${compiles.join(', ')}`);
  }
  notes.push(...choice.skipped.map(skipLine));
  if (choice.rates.length === 0) notes.push(`${choice.backend}: the only candidate left`);
  return notes;
}
