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
      const last = k === this.config.dSteps - 1;
      const diag = this.discriminatorStep(s, log && last);
      if (diag) dDiag = diag;
    }
    const gDiag = this.generatorStep(s, log);
    this.updateEma(s.emaBeta);
    this.iteration++;
    if (log && gDiag) {
      const [dLoss, r1, r2, dReal, dFake, gradSqReal, gradSqFake, dGradNorm] = dDiag;
      const [gLoss, gGradNorm] = gDiag;
      const values = tf.tidy(() =>
        tf.stack([
          dLoss,
          gLoss,
          r1,
          r2,
          dReal,
          dFake,
          gradSqReal,
          gradSqFake,
          dGradNorm,
          gGradNorm,
        ]),
      ) as tf.Tensor1D;
      tf.dispose([...dDiag, ...gDiag]);
      this.pendingLogs.push({ step: this.iteration, values });
    }
  }

  /**
   * One discriminator update. Returns diagnostics (kept tensors the caller disposes) when
   * `diagnose` is set: [dLoss, r1, r2, mean D(real), mean D(fake), E‖∇D‖² real, fake, ‖∇θD‖].
   */
  discriminatorStep(s: ScheduledValues, diagnose: boolean): tf.Tensor[] | null {
    const c = this.config;
    const B = c.batchSize;
    this.dUpdates++;
    // Lazy regularisation: penalties only every k-th D update, multiplied by k.
    const lazy = c.lazyInterval;
    const regularise = this.dUpdates % lazy === 0;
    const g1 = regularise ? s.r1Gamma * lazy : 0;
    const g2 = regularise ? s.r2Gamma * lazy : 0;
    const gp = c.loss === 'wgan-gp' ? c.gpWeight : 0;
    const real = this.realBatch();
    const latents = this.latentBatch();
    const mixU =
      gp > 0
        ? tf.tensor2d(
            Float32Array.from({ length: B }, () => this.mixRng.uniform()),
            [B, 1],
          )
        : null;
    const kept: tf.Tensor[] = [];
    let keptLogits: tf.Tensor | null = null;
    const result = tf.tidy((): tf.Scalar | undefined => {
      const fake = this.generator.apply(latents);
      const rows: tf.Tensor2D[] = [real, fake];
      // WGAN-GP's interpolates x̂ = u·real + (1 − u)·fake, one u per pair.
      if (mixU) rows.push(tf.add(tf.mul(real, mixU), tf.mul(fake, tf.sub(1, mixU))));
      const inputs = tf.concat(rows, 0);
      const { value, grads } = tf.variableGrads(() => {
        const parts = discriminatorObjective(this.discriminator, this.loss, inputs, B, {
          r1Gamma: g1,
          r2Gamma: g2,
          gpWeight: gp,
          inputGradient: g1 > 0 || g2 > 0 || gp > 0 || diagnose,
        });
        keptLogits = parts.logits;
        if (diagnose && parts.gradSqReal && parts.gradSqFake) {
          kept.push(
            tf.keep(parts.adversarial),
            tf.keep(tf.mul(parts.gradSqReal, s.r1Gamma / 2)),
            tf.keep(tf.mul(parts.gradSqFake, s.r2Gamma / 2)),
            tf.keep(tf.mean(parts.realLogits)),
            tf.keep(tf.mean(parts.fakeLogits)),
            tf.keep(parts.gradSqReal),
            tf.keep(parts.gradSqFake),
          );
        }
        return parts.total;
      }, this.discriminator.variables);
      this.dOptimizer.apply(grads, s.dLr, c.dOptimizer.beta1, s.dBeta2);
      // `value` may be the very tensor kept as the adversarial loss (no penalty): let tidy decide.
      void value;
      return diagnose ? globalNorm(Object.values(grads)) : undefined;
    });
    tf.dispose([real, latents]);
    if (mixU) mixU.dispose();
    (keptLogits as tf.Tensor | null)?.dispose();
    if (!diagnose || !result) {
      tf.dispose(kept);
      return null;
    }
    return [...kept, result];
  }

  /** One generator update. Returns [gLoss, ‖∇θG‖] (kept) when `diagnose` is set. */
  generatorStep(s: ScheduledValues, diagnose: boolean): tf.Tensor[] | null {
    const c = this.config;
    const latents = this.latentBatch();
    const real = this.loss.generatorNeedsReal ? this.realBatch() : null;
    const out = tf.tidy((): tf.Tensor[] | undefined => {
      // D(real) is a constant for G; computing it outside variableGrads keeps it off the tape.
      const realLogits = real ? this.discriminator.apply(real) : tf.zeros([c.batchSize, 1]);
      const { value, grads } = tf.variableGrads(
        () =>
          this.loss.generator(realLogits, this.discriminator.apply(this.generator.apply(latents))),
        this.generator.variables,
      );
      this.gOptimizer.apply(grads, s.gLr, c.gOptimizer.beta1, s.gBeta2);
      if (!diagnose) return undefined;
      return [value, globalNorm(Object.values(grads))];
    });
    latents.dispose();
    real?.dispose();
    return out ?? null;
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

export function globalNorm(tensors: tf.Tensor[]): tf.Scalar {
  return tf.sqrt(tf.addN(tensors.map((t) => tf.sum(tf.square(t))))) as tf.Scalar;
}

export interface DiscriminatorObjective {
  /** Adversarial loss plus penalties: what D minimises. */
  total: tf.Scalar;
  adversarial: tf.Scalar;
  realLogits: tf.Tensor;
  fakeLogits: tf.Tensor;
  /** Logits of every input row; kept (tf.keep) when the input gradient was taken. */
  logits: tf.Tensor | null;
  /** E‖∇ₓD‖² over the real rows and over the fake rows (null without the input gradient). */
  gradSqReal: tf.Scalar | null;
  gradSqFake: tf.Scalar | null;
}

/** A discriminator as a function from a batch of inputs (any rank) to logits [N, 1]. */
export type Critic = (x: tf.Tensor) => tf.Tensor;

/**
 * D's objective on `inputs` = [B real rows; B fake rows; (wgan-gp) B interpolates]:
 * adversarial loss + γ1/2·E‖∇ₓD(real)‖² (R1) + γ2/2·E‖∇ₓD(fake)‖² (R2) + λ·E(‖∇ₓD(x̂)‖ − 1)² (GP).
 * All penalties come from one input gradient of Σ D(inputs) (exact because D handles samples
 * independently), and the same forward pass supplies the logits. Call it inside
 * tf.variableGrads: the penalty terms are differentiated twice (double backprop). When the input
 * gradient is taken, the caller must dispose `logits` (it is kept to escape the inner tape).
 */
export function discriminatorObjective(
  discriminator: Mlp | Critic,
  loss: AdversarialLoss,
  inputs: tf.Tensor,
  batch: number,
  weights: { r1Gamma: number; r2Gamma: number; gpWeight: number; inputGradient: boolean },
): DiscriminatorObjective {
  const critic: Critic =
    typeof discriminator === 'function'
      ? discriminator
      : (x) => discriminator.apply(x as tf.Tensor2D);
  let logits: tf.Tensor2D;
  let gradSq: tf.Tensor1D | null = null;
  let keptLogits: tf.Tensor | null = null;
  if (weights.inputGradient) {
    const inputGrad = tf.grad((x: tf.Tensor) => {
      keptLogits = tf.keep(critic(x));
      return tf.sum(keptLogits);
    })(inputs);
    logits = keptLogits! as tf.Tensor2D;
    // ‖∇ₓD‖² per sample: summed over every axis but the batch (features, or H, W, C).
    const axes = inputGrad.shape.map((_, i) => i).slice(1);
    gradSq = tf.sum(tf.square(inputGrad), axes);
  } else {
    logits = critic(inputs) as tf.Tensor2D;
  }
  const realLogits = tf.slice(logits, [0, 0], [batch, 1]);
  const fakeLogits = tf.slice(logits, [batch, 0], [batch, 1]);
  const adversarial = loss.discriminator(realLogits, fakeLogits);
  let total: tf.Scalar = adversarial;
  let gradSqReal: tf.Scalar | null = null;
  let gradSqFake: tf.Scalar | null = null;
  if (gradSq) {
    gradSqReal = tf.mean(tf.slice(gradSq, [0], [batch]));
    gradSqFake = tf.mean(tf.slice(gradSq, [batch], [batch]));
    if (weights.r1Gamma > 0) total = tf.add(total, tf.mul(gradSqReal, weights.r1Gamma / 2));
    if (weights.r2Gamma > 0) total = tf.add(total, tf.mul(gradSqFake, weights.r2Gamma / 2));
    if (weights.gpWeight > 0) {
      const norms = tf.sqrt(tf.add(tf.slice(gradSq, [2 * batch], [batch]), 1e-12));
      total = tf.add(total, tf.mul(tf.mean(tf.square(tf.sub(norms, 1))), weights.gpWeight));
    }
  }
  return { total, adversarial, realLogits, fakeLogits, logits: keptLogits, gradSqReal, gradSqFake };
}
