/**
 * The GAN training loop for 2-D toys: one iteration = `dSteps` discriminator updates, then one
 * generator update, then the EMA update (R3GAN's order, gan-facts.md §1.3). Each phase draws its
 * own real batch and latents from the run's seeded streams.
 *
 * Speed (kernel count is the cost on wasm and WebGPU):
 * - D sees real and fake in one pass over a concatenated batch;
 * - R1 (real rows) and R2 (fake rows) come from one input gradient of Σ D(x), because D treats
 *   samples independently; the logits of that same pass feed the adversarial loss, so the step
 *   runs D forward once (the tf.keep trick of tfjs-second-order.md §6);
 * - nothing is read back from the device during a step: diagnostics are stacked into a tensor
 *   on logging steps and read asynchronously by `flushLogs`.
 */
import * as tf from '@tensorflow/tfjs';
import type { GanConfig } from './config';
import { makeToyDataset, type ToyDataset } from './datasets';
import { LOSSES, type AdversarialLoss } from './losses';
import {
  discriminatorUpdate,
  generatorUpdate,
  stackDiagnostics,
  type UpdateParts,
} from './ganUpdates';
import { Mlp } from './mlp';
import { Optimizer } from './adam';
import { Rng } from './rng';
import { cosineBurnIn } from './schedule';

/** What one logging step records (all scalars, read back in one batch). */
export const LOG_FIELDS = [
  'dLoss',
  'gLoss',
  'r1',
  'r2',
  'dReal',
  'dFake',
  'gradSqReal',
  'gradSqFake',
  'dGradNorm',
  'gGradNorm',
] as const;
export type LogField = (typeof LOG_FIELDS)[number];
export type LogRow = { step: number } & Record<LogField, number>;

/** The hyper-parameters in force at one iteration (after the burn-in schedule). */
export interface ScheduledValues {
  r1Gamma: number;
  r2Gamma: number;
  gLr: number;
  dLr: number;
  gBeta2: number;
  dBeta2: number;
  emaBeta: number;
}

/**
 * Settings fixed at construction: the data, the architecture, the seed, whether an EMA copy
 * exists, and the optimiser kinds (their state differs). Everything else can change live.
 */
const REBUILD_KEYS = [
  'seed',
  'dataset',
  'customPoints',
  'latentDim',
  'gWidth',
  'gDepth',
  'dWidth',
  'dDepth',
] as const;

export function needsRebuild(a: GanConfig, b: GanConfig): boolean {
  return (
    REBUILD_KEYS.some((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k])) ||
    a.gOptimizer.kind !== b.gOptimizer.kind ||
    a.dOptimizer.kind !== b.dOptimizer.kind ||
    a.emaHalfLife > 0 !== b.emaHalfLife > 0
  );
}

/** The settings a burn-in schedule reads (toy and image configs share them). */
export type ScheduleSettings = Pick<
  GanConfig,
  | 'burnInSteps'
  | 'gammaBurnInFactor'
  | 'beta2BurnIn'
  | 'lrEndFactor'
  | 'emaHalfLife'
  | 'r1Gamma'
  | 'r2Gamma'
  | 'gOptimizer'
  | 'dOptimizer'
>;

/** Hyper-parameters at iteration t after R3GAN's cosine burn-in (gan-facts.md §1.3). */
export function scheduledValues(c: ScheduleSettings, t: number): ScheduledValues {
  const T = c.burnInSteps;
  const gamma = (g: number) => cosineBurnIn(g * c.gammaBurnInFactor, g, t, T);
  const beta2 = (b: number) => (c.beta2BurnIn === null ? b : cosineBurnIn(c.beta2BurnIn, b, t, T));
  const lr = (l: number) => cosineBurnIn(l, l * c.lrEndFactor, t, T);
  const halfLife = cosineBurnIn(0, c.emaHalfLife, t, T);
  return {
    r1Gamma: gamma(c.r1Gamma),
    r2Gamma: gamma(c.r2Gamma),
    gLr: lr(c.gOptimizer.lr),
    dLr: lr(c.dOptimizer.lr),
    gBeta2: beta2(c.gOptimizer.beta2),
    dBeta2: beta2(c.dOptimizer.beta2),
    emaBeta: halfLife > 0 ? 0.5 ** (1 / halfLife) : 0,
  };
}

export class DivergenceError extends Error {
  constructor(
    readonly step: number,
    readonly field: string,
  ) {
    super(`Training diverged: ${field} became NaN or infinite by step ${step}.`);
  }
}

/** Counts trainers, for unique default variable-name prefixes. */
let trainerCount = 0;

export class ToyGanTrainer {
  readonly generator: Mlp;
  readonly discriminator: Mlp;
  /** Exponential moving average of G's weights; null when the EMA is off. */
  readonly emaGenerator: Mlp | null;
  readonly dataset: ToyDataset;
  private loss: AdversarialLoss;
  private readonly gOptimizer: Optimizer;
  private readonly dOptimizer: Optimizer;
  private readonly dataRng: Rng;
  private readonly latentRng: Rng;
  private readonly mixRng: Rng;
  /** Iterations completed (one iteration = dSteps D updates + one G update). */
  iteration = 0;
  private dUpdates = 0;
  private pendingLogs: PendingLog[] = [];

  private currentConfig: GanConfig;

  constructor(
    config: GanConfig,
    /** Record diagnostics every this many iterations. */
    readonly logEvery = 10,
    /**
     * Prefix for the tfjs variable names, which must be unique among live variables. The
     * default is unique per trainer, so several runs can coexist in one worker.
     */
    readonly namePrefix = `run${++trainerCount}/`,
  ) {
    this.currentConfig = config;
    const rng = new Rng(config.seed);
    const initRng = rng.fork(1);
    this.dataRng = rng.fork(2);
    this.latentRng = rng.fork(3);
    this.mixRng = rng.fork(4);
    this.dataset = makeToyDataset(config.dataset, { points: config.customPoints });
    this.loss = LOSSES[config.loss];
    this.generator = new Mlp(
      { inputDim: config.latentDim, width: config.gWidth, depth: config.gDepth, outputDim: 2 },
      initRng,
      `${namePrefix}G`,
    );
    this.discriminator = new Mlp(
      { inputDim: 2, width: config.dWidth, depth: config.dDepth, outputDim: 1 },
      initRng,
      `${namePrefix}D`,
    );
    this.emaGenerator = null;
    if (config.emaHalfLife > 0) {
      this.emaGenerator = new Mlp(this.generator.shape, initRng, `${namePrefix}Gema`);
      this.emaGenerator.variables.forEach((v, i) => v.assign(this.generator.variables[i]));
    }
    this.gOptimizer = new Optimizer(config.gOptimizer.kind, this.generator.variables);
    this.dOptimizer = new Optimizer(config.dOptimizer.kind, this.discriminator.variables);
  }

  /** The run's settings (live settings included, see applyLiveSettings). */
  get config(): GanConfig {
    return this.currentConfig;
  }

  /**
   * Changes settings that need no rebuild; they apply from the next step. Returns false (and
   * changes nothing) when `next` differs in a setting that needs a new trainer: `needsRebuild`.
   */
  applyLiveSettings(next: GanConfig): boolean {
    if (needsRebuild(this.currentConfig, next)) return false;
    this.currentConfig = next;
    this.loss = LOSSES[next.loss];
    return true;
  }

  /** Hyper-parameters at the current iteration, after the burn-in schedule. */
  scheduled(t = this.iteration): ScheduledValues {
    return scheduledValues(this.config, t);
  }

  realBatch(n = this.config.batchSize): tf.Tensor2D {
    return tf.tensor2d(this.dataset.sample(this.dataRng, n), [n, 2]);
  }

  latentBatch(n = this.config.batchSize, rng = this.latentRng): tf.Tensor2D {
    return tf.tensor2d(rng.normals(n * this.config.latentDim), [n, this.config.latentDim]);
  }

  /** One full iteration: dSteps D updates, one G update, the EMA update. */
  step(): void {
    const log = (this.iteration + 1) % this.logEvery === 0 || this.iteration === 0;
    const s = this.scheduled();
    let dDiag: tf.Tensor[] = [];
    for (let k = 0; k < this.config.dSteps; k++) {
      const diag = this.discriminatorStep(s, log && k === this.config.dSteps - 1);
      if (diag) dDiag = diag;
    }
    const gDiag = this.generatorStep(s, log);
    this.updateEma(s.emaBeta);
    this.iteration++;
    if (log && gDiag) {
      this.pendingLogs.push({ step: this.iteration, values: stackDiagnostics(dDiag, gDiag) });
    }
  }

  /** One discriminator update (ganUpdates.ts); diagnostics when `diagnose` is set. */
  discriminatorStep(s: ScheduledValues, diagnose: boolean): tf.Tensor[] | null {
    return discriminatorUpdate(this.updateParts(), s, ++this.dUpdates, diagnose);
  }

  /** One generator update (ganUpdates.ts); [gLoss, ‖∇θG‖] when `diagnose` is set. */
  generatorStep(s: ScheduledValues, diagnose: boolean): tf.Tensor[] | null {
    return generatorUpdate(this.updateParts(), s, diagnose);
  }

  /** The networks, optimisers and data streams, as the shared updates see them. */
  private updateParts(): UpdateParts {
    return {
      config: this.config,
      loss: this.loss,
      generate: (z) => this.generator.apply(z),
      discriminate: (x) => this.discriminator.apply(x as tf.Tensor2D),
      generatorVariables: this.generator.variables,
      discriminatorVariables: this.discriminator.variables,
      gOptimizer: this.gOptimizer,
      dOptimizer: this.dOptimizer,
      realBatch: () => this.realBatch(),
      latentBatch: () => this.latentBatch(),
      mixWeights: (n) => Float32Array.from({ length: n }, () => this.mixRng.uniform()),
    };
  }

  private updateEma(beta: number): void {
    if (!this.emaGenerator) return;
    const source = this.generator.variables;
    updateEmaWeights(this.emaGenerator.variables, source, beta);
  }

  /** Reads back the diagnostics recorded since the last flush (one await per flush). */
  async flushLogs(): Promise<LogRow[]> {
    const pending = this.pendingLogs;
    this.pendingLogs = [];
    return readLogRows(pending);
  }

  /** Generated points from fresh latents of `rng` (EMA generator when enabled). */
  sample(n: number, rng: Rng, useEma = true): tf.Tensor2D {
    const latents = this.latentBatch(n, rng);
    const g = useEma && this.emaGenerator ? this.emaGenerator : this.generator;
    // tidy: the hidden layers' activations would otherwise outlive the call (a leak per eval).
    const out = tf.tidy(() => g.apply(latents));
    latents.dispose();
    return out;
  }

  /** Optimiser step counts [G, D] (bias correction), for snapshots. */
  get optimizerSteps(): [number, number] {
    return [this.gOptimizer.step, this.dOptimizer.step];
  }

  set optimizerSteps([g, d]: [number, number]) {
    this.gOptimizer.step = g;
    this.dOptimizer.step = d;
  }

  /** Every variable of the run (models, EMA, optimiser moments), e.g. for leak checks. */
  get variables(): tf.Variable[] {
    return [
      ...this.generator.variables,
      ...this.discriminator.variables,
      ...(this.emaGenerator?.variables ?? []),
      ...this.gOptimizer.stateVariables,
      ...this.dOptimizer.stateVariables,
    ];
  }

  dispose(): void {
    tf.dispose(this.pendingLogs.map((p) => p.values));
    this.pendingLogs = [];
    this.generator.dispose();
    this.discriminator.dispose();
    this.emaGenerator?.dispose();
    this.gOptimizer.dispose();
    this.dOptimizer.dispose();
  }
}

/** Diagnostics of one logged iteration, stacked on the device until the next flush. */
export interface PendingLog {
  step: number;
  values: tf.Tensor1D;
}

/**
 * Reads logged diagnostics back with ONE asynchronous readback, disposes them, and throws a
 * DivergenceError naming the first non-finite quantity (shared by both trainers).
 */
export async function readLogRows(pending: PendingLog[]): Promise<LogRow[]> {
  if (pending.length === 0) return [];
  const stacked = tf.stack(pending.map((p) => p.values));
  const data = await stacked.data();
  stacked.dispose();
  pending.forEach((p) => p.values.dispose());
  return pending.map((p, row) => {
    const entry = { step: p.step } as LogRow;
    LOG_FIELDS.forEach((field, col) => (entry[field] = data[row * LOG_FIELDS.length + col]));
    const bad = LOG_FIELDS.find((field) => !Number.isFinite(entry[field]));
    if (bad) throw new DivergenceError(p.step, bad);
    return entry;
  });
}

/** p_ema ← p + β(p_ema − p) for each pair; β = 0 (start of burn-in) copies G. */
export function updateEmaWeights(ema: tf.Variable[], source: tf.Variable[], beta: number): void {
  tf.tidy(() => {
    ema.forEach((e, i) => {
      e.assign(beta === 0 ? source[i] : tf.add(source[i], tf.mul(tf.sub(e, source[i]), beta)));
    });
  });
}
