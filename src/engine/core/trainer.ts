/**
 * The GAN training loop (GanTrainer, shared by both kinds of run) and its toy trainer
 * (ToyGanTrainer: MLPs on 2-D points): one iteration = `dSteps` discriminator updates, then
 * `gSteps` generator updates (1 unless asked), then the EMA update (R3GAN's order, gan-facts.md §1.3). Each phase draws its
 * own real batch and latents from the run's seeded streams; the updates are in ganUpdates.ts.
 *
 * Speed (kernel count is the cost on wasm and WebGPU):
 * - D sees real and fake in one pass over a concatenated batch;
 * - R1 (real rows) and R2 (fake rows) come from one input gradient of Σ D(x), because D treats
 *   samples independently; the logits of that same pass feed the adversarial loss, so the step
 *   runs D forward once (the tf.keep trick of tfjs-second-order.md §6);
 * - nothing is read back from the device during a step: diagnostics are stacked into a tensor
 *   on logging steps and read asynchronously by `flushLogs`.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { GanConfig, LatentDistribution } from './config';
import { makeToyDataset, type ToyDataset } from '../toy/datasets';
import { differingKeys } from './equal';
import { LOSSES, type AdversarialLoss } from './losses';
import {
  discriminatorUpdate,
  generatorUpdate,
  stackDiagnostics,
  type UpdateParts,
} from './ganUpdates';
import { Mlp } from '../toy/mlp';
import { Optimizer } from './adam';
import { Rng } from './rng';
import { scheduledValues, type ScheduledValues, type ScheduleSettings } from './schedule';

// The schedule's types lived here once; importers may still find them here.
export { scheduledValues, type ScheduledValues, type ScheduleSettings };

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

/**
 * Settings fixed at construction: the data, the architecture, the seed, whether an EMA copy
 * exists, and the optimiser kinds (their state differs). Everything else can change live.
 */
const REBUILD_KEYS = [
  'seed',
  'dataset',
  'customPoints',
  'latentDim',
  // The views' fixed latents are drawn once per trainer from this distribution.
  'latentDist',
  'gWidth',
  'gDepth',
  'dWidth',
  'dDepth',
] as const;

export function needsRebuild(a: GanConfig, b: GanConfig): boolean {
  return rebuildNeeded(a, b, REBUILD_KEYS);
}

/** The settings every trainer's state is shaped by, toy or image. */
type TrainerStateSettings = Pick<GanConfig, 'gOptimizer' | 'dOptimizer' | 'emaHalfLife'>;

/**
 * Whether a trainer built for `a` needs rebuilding for `b`: one of its construction-time `keys`
 * differs, or so does state every trainer keeps (the optimisers' moments depend on their kind;
 * the EMA copy exists only with a half-life).
 */
export function rebuildNeeded<C extends TrainerStateSettings>(
  a: C,
  b: C,
  keys: readonly (keyof C)[],
): boolean {
  return (
    differingKeys(a, b, keys).length > 0 ||
    a.gOptimizer.kind !== b.gOptimizer.kind ||
    a.dOptimizer.kind !== b.dOptimizer.kind ||
    a.emaHalfLife > 0 !== b.emaHalfLife > 0
  );
}

export class DivergenceError extends Error {
  constructor(
    readonly step: number,
    readonly field: string,
  ) {
    super(`Training diverged: ${field} became NaN or infinite by step ${step}.`);
  }
}

/** What a trainer needs of a network: its weights, and a way to free them. */
export interface Network {
  readonly variables: tf.Variable[];
  dispose(): void;
}

/** The settings every trainer reads (toy and image configs both have them). */
export type TrainerSettings = ScheduleSettings &
  UpdateParts['config'] & {
    seed: number;
    latentDim: number;
    latentDist: LatentDistribution;
    dSteps: number;
    gSteps: number;
  };

/**
 * What the toy and the image trainer share: the seeded streams (init, data, latents, mixing,
 * in that order of forks), the optimisers, the iteration loop (`dSteps` D updates, `gSteps` G updates,
 * the EMA update: R3GAN's order, gan-facts.md §1.3), logging without readback, live settings,
 * and the snapshot surface. A subclass says what its networks are, how they are applied and
 * where real data comes from.
 */
export abstract class GanTrainer<C extends TrainerSettings, G extends Network, D extends Network> {
  readonly generator: G;
  readonly discriminator: D;
  /** Exponential moving average of G's weights; null when the EMA is off. */
  readonly emaGenerator: G | null;
  /** Iterations completed (one iteration = dSteps D updates + gSteps G updates). */
  iteration = 0;
  /** The data stream (fork 2 of the seed). */
  protected readonly dataRng: Rng;
  private readonly latentRng: Rng;
  private readonly mixRng: Rng;
  protected loss: AdversarialLoss;
  protected readonly gOptimizer: Optimizer;
  protected readonly dOptimizer: Optimizer;
  private dUpdates = 0;
  private pendingLogs: PendingLog[] = [];
  private currentConfig: C;

  protected constructor(
    config: C,
    /** Record diagnostics every this many iterations. */
    readonly logEvery: number,
    /** Builds G, D and (when the EMA is on) G's EMA copy from the init stream, in that order. */
    buildNetworks: (initRng: Rng) => { generator: G; discriminator: D; emaGenerator: G | null },
  ) {
    this.currentConfig = config;
    const rng = new Rng(config.seed);
    const networks = buildNetworks(rng.fork(1));
    this.dataRng = rng.fork(2);
    this.latentRng = rng.fork(3);
    this.mixRng = rng.fork(4);
    this.loss = LOSSES[config.loss];
    this.generator = networks.generator;
    this.discriminator = networks.discriminator;
    this.emaGenerator = networks.emaGenerator;
    this.emaGenerator?.variables.forEach((v, i) => v.assign(this.generator.variables[i]));
    this.gOptimizer = new Optimizer(config.gOptimizer.kind, this.generator.variables);
    this.dOptimizer = new Optimizer(config.dOptimizer.kind, this.discriminator.variables);
  }

  /** G on a batch of latents (at the current growth stage, for image runs). */
  protected abstract generate(latents: tf.Tensor2D): tf.Tensor;
  /** D's logits on a batch of samples. */
  protected abstract discriminate(x: tf.Tensor): tf.Tensor;
  /** A fresh batch of real data from the data stream. */
  abstract realBatch(n?: number): tf.Tensor;
  /** Whether going from `a` to `b` needs a new trainer (architecture, data, seed, …). */
  protected abstract needsRebuild(a: C, b: C): boolean;

  /** The run's settings (live settings included, see applyLiveSettings). */
  get config(): C {
    return this.currentConfig;
  }

  /**
   * Changes settings that need no rebuild; they apply from the next step. Returns false (and
   * changes nothing) when `next` differs in a setting that needs a new trainer.
   */
  applyLiveSettings(next: C): boolean {
    if (this.needsRebuild(this.currentConfig, next)) return false;
    this.currentConfig = next;
    this.loss = LOSSES[next.loss];
    return true;
  }

  /** Hyper-parameters at the current iteration, after the burn-in schedule. */
  scheduled(t = this.iteration): ScheduledValues {
    return scheduledValues(this.config, t);
  }

  latentBatch(n = this.config.batchSize, rng = this.latentRng): tf.Tensor2D {
    const { latentDim, latentDist } = this.config;
    return tf.tensor2d(rng.latents(n * latentDim, latentDist), [n, latentDim]);
  }

  /**
   * One full iteration: dSteps D updates, gSteps G updates, the EMA update. A logged iteration
   * records the last update of each network. With gSteps = 1 the draws and updates are exactly
   * those of the loop before gSteps existed.
   */
  step(): void {
    const log = (this.iteration + 1) % this.logEvery === 0 || this.iteration === 0;
    const diag = this.iterate(log);
    if (diag) {
      this.pendingLogs.push({ step: this.iteration, values: stackDiagnostics(diag.d, diag.g) });
    }
  }

  /**
   * One full iteration without logging it: with `diagnose`, returns the last D update's and the
   * G update's diagnostics tensors (the caller disposes them; see discriminatorStep and
   * generatorStep for their order).
   */
  iterate(diagnose: boolean): { d: tf.Tensor[]; g: tf.Tensor[] } | null {
    const s = this.scheduled();
    const { dSteps, gSteps } = this.config;
    let dDiag: tf.Tensor[] = [];
    for (let k = 0; k < dSteps; k++) {
      const diag = this.discriminatorStep(s, diagnose && k === dSteps - 1);
      if (diag) dDiag = diag;
    }
    let gDiag: tf.Tensor[] | null = null;
    for (let k = 0; k < gSteps; k++) {
      const diag = this.generatorStep(s, diagnose && k === gSteps - 1);
      if (diag) gDiag = diag;
    }
    if (this.emaGenerator) this.updateEma(s.emaBeta);
    this.iteration++;
    return diagnose && gDiag ? { d: dDiag, g: gDiag } : null;
  }

  /**
   * One discriminator update (ganUpdates.ts). Returns diagnostics (kept tensors the caller
   * disposes) when `diagnose` is set: [dLoss, r1, r2, mean D(real), mean D(fake), E‖∇D‖² real,
   * E‖∇D‖² fake, ‖∇θD‖].
   */
  discriminatorStep(s: ScheduledValues, diagnose: boolean): tf.Tensor[] | null {
    return this.discriminatorUpdate(s, ++this.dUpdates, diagnose);
  }

  /**
   * The D update numbered `dUpdate` (from 1; lazy regularisation reads it). A subclass may
   * compute it differently (the fused GPU step, src/worker/fused) with the same result.
   */
  protected discriminatorUpdate(
    s: ScheduledValues,
    dUpdate: number,
    diagnose: boolean,
  ): tf.Tensor[] | null {
    return discriminatorUpdate(this.updateParts(), s, dUpdate, diagnose);
  }

  /** ema ← G + β(ema − G) (see updateEmaWeights); only called when the EMA is on. */
  protected updateEma(beta: number): void {
    updateEmaWeights(this.emaGenerator!.variables, this.generator.variables, beta);
  }

  /**
   * A tensor the last step wrote: awaiting its data waits for the device to finish the step
   * (the worker's back-pressure on GPU backends).
   */
  lastWritten(): tf.Tensor {
    return this.generator.variables[0];
  }

  /** One generator update (ganUpdates.ts); [gLoss, ‖∇θG‖] (kept) when `diagnose` is set. */
  generatorStep(s: ScheduledValues, diagnose: boolean): tf.Tensor[] | null {
    return generatorUpdate(this.updateParts(), s, diagnose);
  }

  /** Reads back the diagnostics recorded since the last flush (one await per flush). */
  async flushLogs(): Promise<LogRow[]> {
    const pending = this.pendingLogs;
    this.pendingLogs = [];
    return readLogRows(pending);
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

  /** The networks, optimisers and streams, as the shared updates see them. */
  protected updateParts(): UpdateParts {
    return {
      config: this.config,
      loss: this.loss,
      generate: (z) => this.generate(z),
      discriminate: (x) => this.discriminate(x),
      generatorVariables: this.generator.variables,
      discriminatorVariables: this.discriminator.variables,
      gOptimizer: this.gOptimizer,
      dOptimizer: this.dOptimizer,
      realBatch: () => this.realBatch(),
      latentBatch: () => this.latentBatch(),
      mixWeights: (n) => Float32Array.from({ length: n }, () => this.mixRng.uniform()),
    };
  }
}

/** Counts trainers, for unique default variable-name prefixes. */
let trainerCount = 0;

/** The trainer of 2-D toy runs: MLPs on points. */
export class ToyGanTrainer extends GanTrainer<GanConfig, Mlp, Mlp> {
  readonly dataset: ToyDataset;

  constructor(
    config: GanConfig,
    /** Record diagnostics every this many iterations. */
    logEvery = 10,
    /**
     * Prefix for the tfjs variable names, which must be unique among live variables. The
     * default is unique per trainer, so several runs can coexist in one worker.
     */
    readonly namePrefix = `run${++trainerCount}/`,
  ) {
    super(config, logEvery, (initRng) => {
      const generator = new Mlp(
        { inputDim: config.latentDim, width: config.gWidth, depth: config.gDepth, outputDim: 2 },
        initRng,
        `${namePrefix}G`,
      );
      const discriminator = new Mlp(
        { inputDim: 2, width: config.dWidth, depth: config.dDepth, outputDim: 1 },
        initRng,
        `${namePrefix}D`,
      );
      const emaGenerator =
        config.emaHalfLife > 0 ? new Mlp(generator.shape, initRng, `${namePrefix}Gema`) : null;
      return { generator, discriminator, emaGenerator };
    });
    this.dataset = makeToyDataset(config.dataset, { points: config.customPoints });
  }

  protected generate(latents: tf.Tensor2D): tf.Tensor2D {
    return this.generator.apply(latents);
  }

  protected discriminate(x: tf.Tensor): tf.Tensor2D {
    return this.discriminator.apply(x as tf.Tensor2D);
  }

  protected needsRebuild(a: GanConfig, b: GanConfig): boolean {
    return needsRebuild(a, b);
  }

  realBatch(n = this.config.batchSize): tf.Tensor2D {
    return tf.tensor2d(this.dataset.sample(this.dataRng, n), [n, 2]);
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
