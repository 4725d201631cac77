/**
 * The toy trainer with the fused GPU step: a ToyGanTrainer whose D and G updates (and EMA) run
 * the fused kernels of plan.ts on webgpu/webgl. Everything else is the base class's: the seeded
 * streams and the order of draws, dSteps, lazy R1/R2, burn-in schedules, logging rows, live
 * settings, snapshots and views, so a loop change applies to both paths.
 *
 * The op path (ganUpdates.ts) still runs when the config is outside what the kernels implement
 * (wgan-gp), when the stream option `fusedStep` is off (for comparison) or 'auto' on a software
 * WebGL renderer (slower there), until `checkKernels`
 * has compiled every kernel, and for good after a kernel fails (with `fallbackReason` saying
 * why). Switching between paths is free of copies beyond FlatParams' lazy sync: the moments live
 * in the engine Optimizer's flat variables either way.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { GanConfig } from '../../engine/core/config';
import type { StepPath } from '../../protocol';
import { discriminatorUpdate, generatorUpdate } from '../../engine/core/ganUpdates';
import { ToyGanTrainer, type ScheduledValues } from '../../engine/core/trainer';
import type { Optimizer } from '../../engine/core/adam';
import type { Rng } from '../../engine/core/rng';
import { addAll } from '../../engine/core/ops';
import { gridPoints, type ViewInputs, type ViewTensors } from '../../engine/toy/views';
import { errorMessage } from '../../errors';
import { FlatParams } from './flatParams';
import { registerFusedKernels, runPlan, type FusedBackend, type UniformValues } from './kernels';
import {
  BUFFERS,
  discriminatorStepPlan,
  emaPlan,
  externalInputs,
  generatorStepPlan,
  gradBufferName,
  isSupportedLoss,
  netLayout,
  VIEW_BUFFERS,
  viewPlan,
  type Invocation,
  type NetLayout,
  type StepPlan,
  type SupportedLoss,
  type ViewPlan,
} from './plan';

/** Why a config cannot take the fused path, or null when it can. */
export function fusedUnsupportedReason(config: GanConfig): string | null {
  if (!isSupportedLoss(config.loss)) {
    return `the ${config.loss} loss has no fused kernels`;
  }
  return null;
}

export class FusedToyTrainer extends ToyGanTrainer {
  /**
   * Why the fused step is not wanted here (the stream option fusedStep, or a software renderer
   * where it is slower), or null when it is.
   */
  unwantedReason: string | null = null;
  /** Set when a fused kernel failed to compile or run: the op path is used from then on. */
  fallbackReason: string | null = null;
  /**
   * Set when a view kernel failed: the views and evaluation samples use the op path from then on
   * (training does not).
   */
  viewsFallbackReason: string | null = null;
  /** The plans' key (see planKey) whose kernels checkKernels has compiled. */
  private checkedKey: string | null = null;
  private readonly gLayout: NetLayout;
  private readonly dLayout: NetLayout;
  private readonly gFlat: FlatParams;
  private readonly dFlat: FlatParams;
  private readonly emaFlat: FlatParams | null;
  private readonly plans = new Map<string, StepPlan>();
  private readonly viewPlans = new Map<string, ViewPlan>();

  constructor(
    config: GanConfig,
    logEvery: number,
    namePrefix: string,
    readonly backendName: FusedBackend,
  ) {
    super(config, logEvery, namePrefix);
    registerFusedKernels();
    this.gLayout = netLayout(this.generator.shape);
    this.dLayout = netLayout(this.discriminator.shape);
    this.gFlat = new FlatParams(this.generator);
    this.dFlat = new FlatParams(this.discriminator);
    this.emaFlat = this.emaGenerator ? new FlatParams(this.emaGenerator) : null;
  }

  /** Why this step would run on the op path, or null when it runs the fused kernels. */
  get opsReason(): string | null {
    if (this.fallbackReason) return this.fallbackReason;
    if (this.unwantedReason) return this.unwantedReason;
    const unsupported = fusedUnsupportedReason(this.config);
    if (unsupported) return unsupported;
    if (this.checkedKey !== this.planKey()) return 'the fused kernels are not compiled yet';
    return null;
  }

  get stepPath(): StepPath {
    return this.opsReason === null ? 'fused' : 'ops';
  }

  /** Whether checkKernels still has to run before the fused path can. */
  get needsKernelCheck(): boolean {
    return (
      this.unwantedReason === null &&
      this.fallbackReason === null &&
      fusedUnsupportedReason(this.config) === null &&
      this.checkedKey !== this.planKey()
    );
  }

  /** What the kernels depend on beyond the architecture (live settings can change these). */
  private planKey(): string {
    const c = this.config;
    return `${c.loss}/${c.batchSize}/${c.gOptimizer.kind}/${c.dOptimizer.kind}`;
  }

  /**
   * Compiles and runs every kernel the current config can use once, on the current weights with
   * zero data, without changing any state. A kernel that fails (a WebGL compile error throws; a
   * WebGPU one is a validation error, caught with an error scope) sets `fallbackReason`.
   * Returns that reason, or null.
   */
  async checkKernels(): Promise<string | null> {
    if (!this.needsKernelCheck) return this.fallbackReason;
    const device =
      this.backendName === 'webgpu'
        ? (tf.backend() as unknown as { device?: GPUDevice }).device
        : undefined;
    device?.pushErrorScope('validation');
    let failure: string | null = null;
    try {
      const plans = [
        this.discriminatorPlan(true, true),
        this.discriminatorPlan(true, false),
        this.discriminatorPlan(false, false),
        this.generatorPlan(),
      ].map((p) => p.steps);
      if (this.emaGenerator) plans.push([emaPlan(this.gLayout)]);
      const probe = tf.tidy(() => {
        const results = plans.map((steps) => {
          const buffers = this.dryRunBuffers(steps);
          const out = runPlan(steps, buffers, DRY_RUN_UNIFORMS);
          return tf.sum(out.get(steps[steps.length - 1].output)!);
        });
        return addAll(results);
      });
      // Waits for the device: a kernel that fails at run time fails here.
      await probe.data();
      probe.dispose();
    } catch (error) {
      failure = errorMessage(error);
    }
    const gpuError = device ? await device.popErrorScope() : null;
    if (gpuError) failure ??= gpuError.message;
    this.checkedKey = this.planKey();
    if (failure !== null) {
      this.fallbackReason = `the fused ${this.backendName} kernels failed (${failure.split('\n')[0]}); training continues on the standard tfjs ops`;
    }
    return this.fallbackReason;
  }

  protected override discriminatorUpdate(
    s: ScheduledValues,
    dUpdate: number,
    diagnose: boolean,
  ): tf.Tensor[] | null {
    if (this.opsReason !== null) return super.discriminatorUpdate(s, dUpdate, diagnose);
    const c = this.config;
    const B = c.batchSize;
    const regularise = dUpdate % c.lazyInterval === 0;
    const g1 = regularise ? s.r1Gamma * c.lazyInterval : 0;
    const g2 = regularise ? s.r2Gamma * c.lazyInterval : 0;
    const penalty = g1 > 0 || g2 > 0;
    // The op path's draw order: real, then latents.
    const real = this.realBatch();
    const latents = this.latentBatch();
    const plan = this.discriminatorPlan(penalty || diagnose, penalty);
    const stepBefore = this.dOptimizer.step;
    try {
      const uniforms: UniformValues = {
        r1Scale: g1 / B,
        r2Scale: g2 / B,
        ...this.optimizerUniforms(this.dOptimizer, c.dOptimizer.beta1, s.dLr, s.dBeta2),
      };
      const diag = tf.tidy(() => {
        const buffers = this.bind({ latents, real, dMoments: true });
        runPlan(plan.steps, buffers, uniforms);
        this.commit(this.dFlat, this.dOptimizer, buffers, plan);
        return diagnose ? this.discriminatorDiagnostics(buffers, s) : [];
      });
      return diagnose ? diag : null;
    } catch (error) {
      // Same update on the op path, with the batches already drawn.
      this.fail(error, this.dOptimizer, stepBefore);
      return discriminatorUpdate(
        { ...this.updateParts(), realBatch: () => real, latentBatch: () => latents },
        s,
        dUpdate,
        diagnose,
      );
    } finally {
      if (this.fallbackReason === null) tf.dispose([real, latents]);
    }
  }

  override generatorStep(s: ScheduledValues, diagnose: boolean): tf.Tensor[] | null {
    if (this.opsReason !== null) return super.generatorStep(s, diagnose);
    const c = this.config;
    // The op path's draw order: latents, then (relativistic loss) real.
    const latents = this.latentBatch();
    const real = this.loss.generatorNeedsReal ? this.realBatch() : null;
    const plan = this.generatorPlan();
    const stepBefore = this.gOptimizer.step;
    try {
      const uniforms = this.optimizerUniforms(this.gOptimizer, c.gOptimizer.beta1, s.gLr, s.gBeta2);
      const diag = tf.tidy(() => {
        const buffers = this.bind({ latents, real, gMoments: true });
        runPlan(plan.steps, buffers, uniforms);
        this.commit(this.gFlat, this.gOptimizer, buffers, plan);
        return diagnose ? this.generatorDiagnostics(buffers) : [];
      });
      return diagnose ? diag : null;
    } catch (error) {
      // Same update on the op path, with the batches already drawn.
      this.fail(error, this.gOptimizer, stepBefore);
      return generatorUpdate(
        { ...this.updateParts(), latentBatch: () => latents, realBatch: () => real! },
        s,
        diagnose,
      );
    } finally {
      if (this.fallbackReason === null) tf.dispose([latents, ...(real ? [real] : [])]);
    }
  }

  protected override updateEma(beta: number): void {
    if (this.opsReason !== null || !this.emaFlat) {
      super.updateEma(beta);
      return;
    }
    const step = emaPlan(this.gLayout);
    const next = tf.tidy(() => {
      const buffers = new Map<string, tf.Tensor>([
        ['G.params', this.gFlat.current()],
        ['Gema.params', this.emaFlat!.current()],
      ]);
      return tf.keep(runPlan([step], buffers, { emaBeta: beta }).get(step.output)!);
    });
    this.emaFlat.replace(next as tf.Tensor1D);
  }

  /**
   * The views (engine/toy/views.ts `viewTensors`) through the fused kernels, on the parameters
   * as the fused step keeps them; null when this trainer steps on the op path or a view kernel
   * failed, and the caller computes them on the ops. Call inside a tidy.
   */
  fusedViews(inputs: ViewInputs): ViewTensors | null {
    if (this.opsReason !== null || this.viewsFallbackReason !== null) return null;
    const { batch } = inputs;
    const n = inputs.samples ? batch.count : 0;
    const transport = n > 0 && inputs.transport;
    const manifold = n > 0 ? inputs.manifold : null;
    const manifoldRows = manifold ? manifold.length / this.config.latentDim : 0;
    const resolution = inputs.grid?.resolution ?? 0;
    const plan = this.viewPlanFor(n, transport, manifoldRows, resolution * resolution);
    const buffers = new Map<string, tf.Tensor>([
      [BUFFERS.gParams, this.gFlat.current()],
      [BUFFERS.dParams, this.dFlat.current()],
    ]);
    if (n > 0) buffers.set(VIEW_BUFFERS.latents, tf.tensor1d(batch.latents));
    if (transport) buffers.set(VIEW_BUFFERS.real, tf.tensor1d(batch.real));
    if (manifold) buffers.set(VIEW_BUFFERS.manifold, tf.tensor1d(manifold));
    if (inputs.grid) {
      buffers.set(VIEW_BUFFERS.grid, tf.tensor1d(gridPoints(inputs.grid.bounds, resolution)));
    }
    try {
      runPlan(plan.steps, buffers, {});
    } catch (error) {
      this.viewKernelFailed(error);
      return null;
    }
    const { outputs } = plan;
    const out: ViewTensors = {};
    if (outputs.points) out.points = tf.reshape(buffers.get(outputs.points)!, [n, 2]);
    // The plan's gradient is of ℓ_G's batch mean: −n × it is each sample's −∂ℓ/∂x.
    if (outputs.pointsGrad) {
      out.transport = tf.mul(tf.reshape(buffers.get(outputs.pointsGrad)!, [n, 2]), -n);
    }
    if (outputs.manifold) {
      out.manifold = tf.reshape(buffers.get(outputs.manifold)!, [manifoldRows, 2]);
    }
    if (outputs.logits) out.logits = tf.reshape(buffers.get(outputs.logits)!, [resolution ** 2]);
    return out;
  }

  /**
   * Generated points for the evaluations (the base class's draws, then G's forward pass as fused
   * kernels on the flat parameters): no write-back of the flat weights into the variables, and 4
   * dispatches instead of tfjs's ~10 for the opening preset's G.
   */
  override sample(n: number, rng: Rng, useEma = true): tf.Tensor2D {
    if (this.opsReason !== null || this.viewsFallbackReason !== null) {
      return super.sample(n, rng, useEma);
    }
    const latents = this.latentBatch(n, rng);
    const params = (useEma && this.emaFlat ? this.emaFlat : this.gFlat).current();
    const plan = this.viewPlanFor(n, false, 0, 0);
    try {
      return tf.tidy(() => {
        const buffers = new Map<string, tf.Tensor>([
          [BUFFERS.gParams, params],
          [VIEW_BUFFERS.latents, latents],
        ]);
        runPlan(plan.steps, buffers, {});
        return tf.reshape(buffers.get(plan.outputs.points!)!, [n, 2]) as tf.Tensor2D;
      });
    } catch (error) {
      this.viewKernelFailed(error);
      // The same points on the op path, from the latents already drawn.
      const g = useEma && this.emaGenerator ? this.emaGenerator : this.generator;
      return tf.tidy(() => g.apply(latents));
    } finally {
      latents.dispose();
    }
  }

  private viewKernelFailed(error: unknown): void {
    this.viewsFallbackReason = `a fused ${this.backendName} view kernel failed (${errorMessage(error).split('\n')[0]})`;
  }

  private viewPlanFor(
    points: number,
    transport: boolean,
    manifoldRows: number,
    gridRows: number,
  ): ViewPlan {
    const key = `V/${this.config.loss}/${points}/${transport}/${manifoldRows}/${gridRows}`;
    let plan = this.viewPlans.get(key);
    if (!plan) {
      const loss = this.config.loss as SupportedLoss;
      plan = viewPlan(this.gLayout, this.dLayout, {
        loss,
        points,
        transport,
        manifoldRows,
        gridRows,
      });
      this.viewPlans.set(key, plan);
    }
    return plan;
  }

  override lastWritten(): tf.Tensor {
    return this.gFlat.pending ?? super.lastWritten();
  }

  override dispose(): void {
    this.gFlat.dispose();
    this.dFlat.dispose();
    this.emaFlat?.dispose();
    super.dispose();
  }

  private discriminatorPlan(inputGradient: boolean, penalty: boolean): StepPlan {
    const key = `D/${this.planKey()}/${inputGradient}/${penalty}`;
    let plan = this.plans.get(key);
    if (!plan) {
      plan = discriminatorStepPlan(this.dims(), { inputGradient, penalty });
      this.plans.set(key, plan);
    }
    return plan;
  }

  private generatorPlan(): StepPlan {
    const key = `G/${this.planKey()}`;
    let plan = this.plans.get(key);
    if (!plan) {
      plan = generatorStepPlan(this.dims());
      this.plans.set(key, plan);
    }
    return plan;
  }

  private dims() {
    return {
      g: this.gLayout,
      d: this.dLayout,
      batch: this.config.batchSize,
      loss: this.config.loss as SupportedLoss,
      gOptimizer: this.config.gOptimizer.kind,
      dOptimizer: this.config.dOptimizer.kind,
    };
  }

  /** The plans' external buffers: both networks' parameters, one network's moments, the data. */
  private bind(data: {
    latents: tf.Tensor;
    real: tf.Tensor | null;
    gMoments?: boolean;
    dMoments?: boolean;
  }): Map<string, tf.Tensor> {
    const buffers = new Map<string, tf.Tensor>([
      [BUFFERS.gParams, this.gFlat.current()],
      [BUFFERS.dParams, this.dFlat.current()],
      [BUFFERS.latents, data.latents],
    ]);
    if (data.real) buffers.set(BUFFERS.real, data.real);
    const moments = (prefix: string, optimizer: Optimizer) => {
      const [m, v] = optimizer.stateVariables;
      if (m && v) {
        buffers.set(`${prefix}.m`, m);
        buffers.set(`${prefix}.v`, v);
      }
    };
    if (data.gMoments) moments('G', this.gOptimizer);
    if (data.dMoments) moments('D', this.dOptimizer);
    return buffers;
  }

  /** Counts the optimiser step and returns its uniforms (engine/core/adam.ts's scalars). */
  private optimizerUniforms(
    optimizer: Optimizer,
    beta1: number,
    lr: number,
    beta2: number,
  ): UniformValues {
    const { stepSize, sqrtCorrection2 } = optimizer.nextStep(lr, beta1, beta2);
    return {
      beta1,
      oneMinusBeta1: 1 - beta1,
      beta2,
      oneMinusBeta2: 1 - beta2,
      sqrtCorrection2,
      stepSize,
      lr,
    };
  }

  /** Takes the plan's new parameters and moments (inside the caller's tidy). */
  private commit(
    flat: FlatParams,
    optimizer: Optimizer,
    buffers: Map<string, tf.Tensor>,
    plan: StepPlan,
  ): void {
    const { params, m, v } = plan.outputs;
    const [mVar, vVar] = optimizer.stateVariables;
    if (m && v && mVar && vVar) {
      mVar.assign(buffers.get(m)!);
      vVar.assign(buffers.get(v)!);
    }
    flat.replace(tf.keep(buffers.get(params)!) as tf.Tensor1D);
  }

  /** LOG_FIELDS' D part, from the plan's buffers, with the op path's formulas. */
  private discriminatorDiagnostics(buffers: Map<string, tf.Tensor>, s: ScheduledValues) {
    const B = this.config.batchSize;
    const logits = tf.reshape(buffers.get('D.out')!, [2 * B, 1]);
    const realLogits = tf.slice(logits, [0, 0], [B, 1]);
    const fakeLogits = tf.slice(logits, [B, 0], [B, 1]);
    const inputGrad = tf.reshape(buffers.get(BUFFERS.inputGrad)!, [2 * B, 2]);
    const gradSq = tf.sum(tf.square(inputGrad), 1);
    const gradSqReal = tf.mean(tf.slice(gradSq, [0], [B]));
    const gradSqFake = tf.mean(tf.slice(gradSq, [B], [B]));
    return [
      this.loss.discriminator(realLogits, fakeLogits),
      tf.mul(gradSqReal, s.r1Gamma / 2),
      tf.mul(gradSqFake, s.r2Gamma / 2),
      tf.mean(realLogits),
      tf.mean(fakeLogits),
      gradSqReal,
      gradSqFake,
      gradNorm(buffers.get(gradBufferName('D'))!),
    ];
  }

  /** [gLoss, ‖∇θG‖]. */
  private generatorDiagnostics(buffers: Map<string, tf.Tensor>): tf.Tensor[] {
    const B = this.config.batchSize;
    const withReal = this.loss.generatorNeedsReal;
    const logits = tf.reshape(buffers.get('D.out')!, [withReal ? 2 * B : B, 1]);
    const fakeLogits = tf.slice(logits, [withReal ? B : 0, 0], [B, 1]);
    const realLogits = withReal ? tf.slice(logits, [0, 0], [B, 1]) : tf.zeros([B, 1]);
    const grad = buffers.get(gradBufferName('G'))!;
    return [this.loss.generator(realLogits, fakeLogits), gradNorm(grad)];
  }

  private fail(error: unknown, optimizer: Optimizer, stepBefore: number): void {
    optimizer.step = stepBefore;
    const message = errorMessage(error);
    this.fallbackReason = `a fused ${this.backendName} kernel failed (${message.split('\n')[0]}); training continues on the standard tfjs ops`;
  }

  /** Zero data and the current weights for each external buffer of `steps`. */
  private dryRunBuffers(steps: Invocation[]): Map<string, tf.Tensor> {
    const B = this.config.batchSize;
    const sizes: Record<string, number> = {
      [BUFFERS.latents]: B * this.config.latentDim,
      [BUFFERS.real]: B * 2,
      'G.m': this.gLayout.total,
      'G.v': this.gLayout.total,
      'D.m': this.dLayout.total,
      'D.v': this.dLayout.total,
    };
    const buffers = new Map<string, tf.Tensor>();
    for (const name of externalInputs(steps)) {
      if (name === BUFFERS.gParams) buffers.set(name, this.gFlat.current());
      else if (name === BUFFERS.dParams) buffers.set(name, this.dFlat.current());
      else if (name === 'Gema.params') buffers.set(name, this.gFlat.current());
      else if (sizes[name] !== undefined) buffers.set(name, tf.zeros([sizes[name]]));
      else throw new Error(`fused plan: no dry-run buffer for ${name}`);
    }
    return buffers;
  }
}

/** Finite values for every uniform: the dry run only has to compile and run each kernel. */
const DRY_RUN_UNIFORMS: UniformValues = {
  r1Scale: 1,
  r2Scale: 1,
  beta1: 0,
  oneMinusBeta1: 1,
  beta2: 0.99,
  oneMinusBeta2: 0.01,
  sqrtCorrection2: 0.1,
  stepSize: 1e-3,
  lr: 1e-3,
  emaBeta: 0.5,
};

/** ‖g‖ of a flat gradient (the op path's globalNorm over the same values). */
function gradNorm(grad: tf.Tensor): tf.Tensor {
  return tf.sqrt(tf.sum(tf.square(grad)));
}
