/**
 * What one training iteration of a configuration costs — parameters, the tensor memory it holds
 * at its peak, and its floating-point work — estimated from the settings alone, before any model
 * is built. The worker refuses a configuration that does not fit its backend (`costProblem`)
 * instead of letting it run out of memory: the wasm backend *aborts* (an Emscripten `Aborted()`
 * that leaves the module dead until the worker restarts) when its heap cannot grow.
 *
 * The model of a layer: its parameters, the activations it keeps per sample for the backward
 * pass, and its multiply-adds per sample. An iteration holds:
 * - persistent state: G and D weights, Adam's two moments for each, one gradient of each, and
 *   the EMA copy of G when enabled (PERSISTENT_COPIES);
 * - the D step: G's forward pass on B latents (kept until the step ends) and D on the 2B rows of
 *   real + fake (3B with WGAN-GP's interpolates). With R1, R2 or a gradient penalty the step is
 *   differentiated twice: the input gradient's graph is kept and differentiated again, about
 *   DOUBLE_BACKWARD_FACTOR × the activations of a plain forward + backward;
 * - the G step: G and D on B rows, differentiated once.
 * The estimate is deliberately plain; tests pin it to exact parameter counts of built models
 * and to measured tensor memory within a factor (cost.test.ts).
 */
import type { AnyGanConfig, GanConfig, ImageGanConfig } from './config';
import { isImageConfig } from './config';

const BYTES_PER_FLOAT = 4;
/** Weights, Adam m and v, a gradient: per parameter of G and D. */
const PERSISTENT_COPIES = 4;
/** Activation memory of a double backward relative to one forward pass's activations. */
const DOUBLE_BACKWARD_FACTOR = 9;
/** Forward + one backward: activations kept, plus their gradients. */
const SINGLE_BACKWARD_FACTOR = 4;
/** Multiply-adds of forward + backward (dx and dW) relative to the forward pass. */
const BACKWARD_WORK = 3;
/** The double backward of R1/R2 costs about two more backward passes. */
const DOUBLE_BACKWARD_WORK = 5;

interface Layer {
  params: number;
  /** Floats kept per sample (layer output, activation output, …). */
  activations: number;
  /** Multiply-adds per sample in the forward pass. */
  macs: number;
}

interface Network {
  params: number;
  activations: number;
  macs: number;
}

function sum(layers: Layer[]): Network {
  return layers.reduce(
    (n, l) => ({
      params: n.params + l.params,
      activations: n.activations + l.activations,
      macs: n.macs + l.macs,
    }),
    { params: 0, activations: 0, macs: 0 },
  );
}

/** A dense layer in → out with bias, followed by an activation (pre- and post-activation kept). */
function dense(inputs: number, outputs: number, activated = true): Layer {
  return {
    params: inputs * outputs + outputs,
    activations: outputs * (activated ? 2 : 1),
    macs: inputs * outputs,
  };
}

function mlp(inputs: number, width: number, depth: number, outputs: number): Network {
  const layers: Layer[] = [];
  let previous = inputs;
  for (let i = 0; i < depth; i++) {
    layers.push(dense(previous, width));
    previous = width;
  }
  layers.push(dense(previous, outputs, false));
  return sum(layers);
}

/** A 1×1 conv (a matMul per pixel) on a side × side map. */
function pointwise(side: number, cin: number, cout: number, kept = 1): Layer {
  const pixels = side * side;
  return {
    params: cin * cout + cout,
    activations: pixels * cout * kept,
    macs: pixels * cin * cout,
  };
}

/** A 3×3 conv, `groupSize` input channels per output channel (cin for a full conv). */
function conv3x3(side: number, groupSize: number, cout: number, kept: number): Layer {
  const pixels = side * side;
  return {
    params: 9 * groupSize * cout + cout,
    activations: pixels * cout * kept,
    macs: pixels * 9 * groupSize * cout,
  };
}

const STAGE_SIDES = [7, 14, 28] as const;
const RGB = 3;

function imageNetworks(c: ImageGanConfig): { g: Network; d: Network } {
  const g: Layer[] = [];
  const d: Layer[] = [];
  if (c.arch === 'dcgan') {
    g.push({ ...dense(c.latentDim, 49 * c.gChannels[0]), activations: 49 * c.gChannels[0] * 3 });
    for (let s = 0; s < 3; s++) {
      const cin = c.gChannels[Math.max(0, s - 1)];
      // conv, batch norm, activation, and the ×2 upsampling of the next stage's input
      g.push(conv3x3(STAGE_SIDES[s], cin, c.gChannels[s], 4));
    }
    g.push(pointwise(28, c.gChannels[2], RGB));
    d.push(pointwise(28, RGB, c.dChannels[2], 2));
    for (let s = 2; s >= 0; s--) {
      // channels[s] → channels[s − 1]: conv + bias, activation, downsampling
      d.push(conv3x3(STAGE_SIDES[s], c.dChannels[s], c.dChannels[Math.max(0, s - 1)], 3));
    }
    d.push(dense(49 * c.dChannels[0], 1, false));
  } else {
    const block = (side: number, ch: number): Layer[] => {
      const inner = ch * c.expansion;
      const groupSize = Math.min(c.groupSize, inner);
      return [
        pointwise(side, ch, inner, 2),
        conv3x3(side, groupSize, inner, 2),
        pointwise(side, inner, ch, 2),
      ];
    };
    // z projected to one scale per channel of a learned 7×7 basis
    g.push({
      params: c.latentDim * c.gChannels[0] + 49 * c.gChannels[0],
      activations: 2 * 49 * c.gChannels[0],
      macs: c.latentDim * c.gChannels[0] + 49 * c.gChannels[0],
    });
    for (let s = 0; s < 3; s++) {
      if (s > 0) g.push(pointwise(STAGE_SIDES[s], c.gChannels[s - 1], c.gChannels[s], 2));
      for (let b = 0; b < c.resBlocks; b++) g.push(...block(STAGE_SIDES[s], c.gChannels[s]));
    }
    g.push(pointwise(28, c.gChannels[2], RGB));
    d.push(pointwise(28, RGB, c.dChannels[2]));
    for (let s = 2; s >= 0; s--) {
      for (let b = 0; b < c.resBlocks; b++) d.push(...block(STAGE_SIDES[s], c.dChannels[s]));
      if (s > 0) d.push(pointwise(STAGE_SIDES[s - 1], c.dChannels[s], c.dChannels[s - 1], 2));
    }
    d.push({ params: 49 * c.dChannels[0] + c.dChannels[0] + 1, activations: 0, macs: 0 });
  }
  return { g: sum(g), d: sum(d) };
}

function toyNetworks(c: GanConfig): { g: Network; d: Network } {
  return {
    g: mlp(c.latentDim, c.gWidth, c.gDepth, 2),
    d: mlp(2, c.dWidth, c.dDepth, 1),
  };
}

export interface RunCost {
  /** Trainable parameters of G and D. */
  parameters: number;
  /** Peak bytes of tensors held during one iteration (estimate). */
  bytes: number;
  /** Floating-point operations of one iteration (estimate; 2 per multiply-add). */
  flops: number;
}

export function estimateRunCost(config: AnyGanConfig): RunCost {
  const { g, d } = isImageConfig(config) ? imageNetworks(config) : toyNetworks(config);
  const B = config.batchSize;
  const penalised =
    config.r1Gamma > 0 || config.r2Gamma > 0 || (config.loss === 'wgan-gp' && config.gpWeight > 0);
  const dRows = (config.loss === 'wgan-gp' ? 3 : 2) * B;
  const dFactor = penalised ? DOUBLE_BACKWARD_FACTOR : SINGLE_BACKWARD_FACTOR;
  const ema = config.emaHalfLife > 0 ? g.params : 0;
  const persistent = (g.params + d.params) * PERSISTENT_COPIES + ema;
  const dStep = B * g.activations + dRows * d.activations * dFactor;
  const gStep = B * (g.activations + d.activations) * SINGLE_BACKWARD_FACTOR;
  const dWork = B * g.macs + dRows * d.macs * (penalised ? DOUBLE_BACKWARD_WORK : BACKWARD_WORK);
  const gWork = B * (g.macs + d.macs) * BACKWARD_WORK;
  return {
    parameters: g.params + d.params,
    bytes: (persistent + Math.max(dStep, gStep)) * BYTES_PER_FLOAT,
    flops: 2 * (config.dSteps * dWork + (config.gSteps ?? 1) * gWork),
  };
}

export type CostBackend = 'webgpu' | 'webgl' | 'wasm' | 'cpu';

/**
 * What a backend can take. `bytes`: the tensor memory (this estimate) one run may plan to hold at
 * its peak. wasm's heap is at most 4 GB, only grows, and a failed growth aborts the module; its
 * kernels need scratch memory of their own on top of the tensors, and the heap is fragmented:
 * the settings of issue 14 (MLPs 1024 × 8, batch 4096, no penalty), ≈ 2.5 GB by this estimate,
 * aborted it. So 2 GB is the plan (Stacked MNIST's defaults: ≈ 1.9 GB). The pure-JS cpu backend
 * holds typed arrays in the tab's memory (3 GB). A GPU's memory
 * cannot be queried from the web; 4 GB, and a GPU that runs out loses its device, which the
 * worker survives (it continues on the next backend, which refuses what it cannot hold).
 * `flopsPerSecond`, on the backends whose speed does not depend on the GPU: a Stacked MNIST
 * iteration, ≈ 38 GFLOP by this estimate, takes 1.7 s on wasm in Chromium (half that speed is
 * planned) and ≈ 50 s on cpu (README), so that one iteration stays inside the worker's heartbeat
 * allowance for a first step (60 s, client.ts).
 */
export const BACKEND_LIMITS: Record<CostBackend, { bytes: number; flopsPerSecond: number | null }> =
  {
    webgpu: { bytes: 4 * 2 ** 30, flopsPerSecond: null },
    webgl: { bytes: 4 * 2 ** 30, flopsPerSecond: null },
    wasm: { bytes: 2 * 2 ** 30, flopsPerSecond: 1e10 },
    cpu: { bytes: 3 * 2 ** 30, flopsPerSecond: 8e8 },
  };
/** Longest planned iteration on a backend with a known throughput. */
export const MAX_ITERATION_SECONDS = 60;

function formatBytes(bytes: number): string {
  return bytes >= 2 ** 30
    ? `${(bytes / 2 ** 30).toFixed(1)} GB`
    : `${Math.max(1, Math.round(bytes / 2 ** 20))} MB`;
}

/** The settings that size a run, in the words of the controls. */
function sizeSettings(c: AnyGanConfig): string {
  const shape = isImageConfig(c)
    ? `G channels ${c.gChannels.join(', ')}, D channels ${c.dChannels.join(', ')}`
    : `G width ${c.gWidth} × depth ${c.gDepth}, D width ${c.dWidth} × depth ${c.dDepth}`;
  return `${shape}, batch size ${c.batchSize}`;
}

/** The largest batch size with which `fits` holds (0 if none does). */
function largestBatch(config: AnyGanConfig, fits: (cost: RunCost) => boolean): number {
  let lo = 0;
  let hi = config.batchSize;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(estimateRunCost({ ...config, batchSize: mid }))) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * Why `config` cannot train on `backend` (too much memory, or an iteration far too slow), with
 * the batch size that would fit; null when it fits.
 */
export function costProblem(config: AnyGanConfig, backend: CostBackend): string | null {
  const limit = BACKEND_LIMITS[backend];
  const cost = estimateRunCost(config);
  const maxFlops =
    limit.flopsPerSecond === null ? Infinity : limit.flopsPerSecond * MAX_ITERATION_SECONDS;
  const fits = (c: RunCost) => c.bytes <= limit.bytes && c.flops <= maxFlops;
  if (fits(cost)) return null;
  const batch = largestBatch(config, fits);
  const remedy =
    batch >= 1
      ? `A batch size of ${batch} or less would fit; so would smaller widths or depths.`
      : 'Smaller widths or depths are needed.';
  if (cost.bytes > limit.bytes)
    return (
      `These settings (${sizeSettings(config)}) need about ${formatBytes(cost.bytes)} of memory ` +
      `per training step, more than the ${backend} backend can hold (${formatBytes(limit.bytes)}). ${remedy}`
    );
  const seconds = cost.flops / limit.flopsPerSecond!;
  return (
    `These settings (${sizeSettings(config)}) need about ${(cost.flops / 1e9).toFixed(0)} GFLOP ` +
    `per training step, about ${Math.round(seconds)} s each on the ${backend} backend ` +
    `(at most ${MAX_ITERATION_SECONDS} s). ${remedy}`
  );
}
