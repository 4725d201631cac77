/**
 * Every setting of a toy GAN run, validated with one schema shared by the CLI, the worker and
 * (later) URL parsing, so bad input gets the same clear message everywhere.
 */
import { z } from 'zod';
import { LOSS_NAMES } from './lossNames';
import { MAX_CUSTOM_POINTS, TOY_DATASET_NAMES, type ToyDatasetName } from '../toy/datasets';

const GRID_GAMMA = 1;

/** What G's input noise is drawn from (see Rng.latents). */
export const LATENT_DISTRIBUTIONS = ['gaussian', 'uniform'] as const;
export type LatentDistribution = (typeof LATENT_DISTRIBUTIONS)[number];
const RING_GAMMA = 0.1;

const optimizerSchema = z.object({
  kind: z.enum(['adam', 'sgd']),
  // The lr fields' range (SettingsPanel): below 1e-6 a run does not move in any session.
  lr: z.number().min(1e-6).max(10),
  beta1: z.number().min(0).lt(1),
  beta2: z.number().min(0).lt(1),
});

export const ganConfigSchema = z
  .object({
    // max before int: a huge seed is told the real limit, not the safe-integer one.
    seed: z.number().min(0).max(2147483647).int(),
    dataset: z.enum(TOY_DATASET_NAMES as [string, ...string[]]),
    customPoints: z
      .array(z.tuple([z.number().min(-10).max(10), z.number().min(-10).max(10)]))
      .max(MAX_CUSTOM_POINTS)
      .optional(),
    latentDim: z.number().int().min(1).max(256),
    gWidth: z.number().int().min(1).max(1024),
    gDepth: z.number().int().min(1).max(8),
    dWidth: z.number().int().min(1).max(1024),
    dDepth: z.number().int().min(1).max(8),
    loss: z.enum(LOSS_NAMES as [string, ...string[]]),
    /** R1 weight γ (penalty γ/2·E‖∇ₓD(real)‖²); 0 disables it. Units: squared data distance. */
    r1Gamma: z.number().min(0).max(1e4),
    /** R2 weight γ (penalty γ/2·E‖∇ₓD(fake)‖²); 0 disables it. */
    r2Gamma: z.number().min(0).max(1e4),
    /** Apply R1/R2 only every k-th D step, scaled by k (StyleGAN2's lazy regularisation). */
    lazyInterval: z.number().int().min(1).max(64),
    /** λ of WGAN-GP's one-centred penalty on interpolates (used only by the wgan-gp loss). */
    gpWeight: z.number().min(0).max(1e4),
    batchSize: z.number().int().min(1).max(4096),
    dSteps: z.number().int().min(1).max(10),
    /** G updates per iteration, after the D updates (GAN Lab's "G steps"); settings made before it existed read as 1. */
    gSteps: z.number().min(1).max(10).int().default(1),
    /**
     * The distribution of G's input noise z: standard normal, or uniform on [−1, 1] per
     * dimension (GAN Lab's choice); settings made before it existed read as Gaussian.
     */
    latentDist: z.enum(LATENT_DISTRIBUTIONS).default('gaussian'),
    gOptimizer: optimizerSchema,
    dOptimizer: optimizerSchema,
    /**
     * R3GAN-style cosine burn-in over this many iterations (0 = off): γ falls from
     * γ·gammaBurnInFactor to γ, Adam β2 rises from beta2BurnIn to its final value, lr falls to
     * lr·lrEndFactor, and the EMA half-life grows from 0 to emaHalfLife.
     */
    burnInSteps: z.number().int().min(0).max(10_000_000),
    gammaBurnInFactor: z.number().min(1).max(1000),
    beta2BurnIn: z.number().min(0).lt(1).nullable(),
    lrEndFactor: z.number().positive().max(1),
    /** Half-life of the generator's exponential moving average, in iterations (0 = no EMA). */
    emaHalfLife: z.number().min(0).max(1e7),
  })
  .strict();

export type GanConfig = Omit<z.infer<typeof ganConfigSchema>, 'dataset' | 'loss'> & {
  dataset: import('../toy/datasets').ToyDatasetName;
  loss: import('./lossNames').LossName;
};

/**
 * Defaults: R3GAN's recipe at toy scale — RpGAN + R1 + R2, Adam with β1 = 0 and β2 = 0.99, one D
 * step per G step, no lazy regularisation — with 3×64 MLPs (fast enough for a browser tab and
 * for three seeds of every variant in `npm run experiments`) and lr 1e-3 (R3GAN's 2e-4 is tuned
 * for 20M-parameter image models; on toys it is several times slower to cover the modes).
 * γ comes from the dataset (DATASET_GAMMA).
 */
export const DEFAULT_CONFIG: GanConfig = {
  seed: 1,
  dataset: 'grid25',
  latentDim: 16,
  gWidth: 64,
  gDepth: 3,
  dWidth: 64,
  dDepth: 3,
  loss: 'rpgan',
  r1Gamma: GRID_GAMMA,
  r2Gamma: GRID_GAMMA,
  lazyInterval: 1,
  gpWeight: 10,
  batchSize: 256,
  dSteps: 1,
  gSteps: 1,
  latentDist: 'gaussian',
  gOptimizer: { kind: 'adam', lr: 1e-3, beta1: 0, beta2: 0.99 },
  dOptimizer: { kind: 'adam', lr: 1e-3, beta1: 0, beta2: 0.99 },
  burnInSteps: 0,
  gammaBurnInFactor: 1,
  beta2BurnIn: null,
  lrEndFactor: 1,
  emaHalfLife: 0,
};

/**
 * γ per dataset. γ has units of squared data distance: R1/R2 act like blurring the data with
 * Gaussian noise of std ≈ √γ (R3GAN §2.3), so it is chosen from each dataset's geometry.
 */
export const DATASET_GAMMA: Record<ToyDatasetName, number> = {
  // √1 = 1 = half the grid spacing (2): neighbouring modes merge into one smooth bump for D, so
  // G feels every mode from anywhere in the grid; measured: the best coverage at our budget.
  grid25: GRID_GAMMA,
  // √0.1 ≈ 0.32 ≈ a fifth of the distance between neighbouring ring modes (1.53).
  ring8: RING_GAMMA,
  // Continuous shapes with noise ≈ 0.05: √0.01 = 0.1, a blur of two noise widths.
  spiral: 0.01,
  moons: 0.01,
  circles: 0.01,
  gaussian: 0.01,
  custom: 0.01,
};

/**
 * - `fast`: DEFAULT_CONFIG with the dataset's γ, constant: covers modes within a few thousand
 *   iterations, but each generated mode stays blurred by ≈ √γ.
 * - `precision`: the same start, then R3GAN's cosine burn-in stretched over the whole run: γ falls
 *   100× (grid25: 1 → 0.01, a blur of 0.1 = 2σ), lr falls from 1e-3 to 1e-5, the EMA half-life
 *   grows to 1000 iterations, and Adam keeps some momentum (β1 = 0.5): with β1 = 0 each weight
 *   jitters by about lr every step, which blurs the modes as much as a large γ does. Measured on
 *   grid25 (README): all 25 modes, ≥ 50 % high-quality samples and KL ≤ 0.1 by 30 000 iterations.
 */
export type ToyRecipe = 'fast' | 'precision';
export const TOY_RECIPES: readonly ToyRecipe[] = ['fast', 'precision'];
export const PRECISION_STEPS = 30_000;

/** DEFAULT_CONFIG for `dataset` with that dataset's γ, following `recipe` over `steps`. */
export function toyDefaults(
  dataset: ToyDatasetName,
  recipe: ToyRecipe = 'fast',
  steps = PRECISION_STEPS,
): GanConfig {
  const gamma = DATASET_GAMMA[dataset];
  const fast: GanConfig = { ...DEFAULT_CONFIG, dataset, r1Gamma: gamma, r2Gamma: gamma };
  if (recipe === 'fast') return fast;
  return {
    ...fast,
    r1Gamma: gamma / 100,
    r2Gamma: gamma / 100,
    gammaBurnInFactor: 100,
    burnInSteps: steps,
    lrEndFactor: 0.01,
    gOptimizer: { ...fast.gOptimizer, beta1: 0.5 },
    dOptimizer: { ...fast.dOptimizer, beta1: 0.5 },
    emaHalfLife: 1000,
  };
}

export function parseConfig(input: unknown): GanConfig {
  return ganConfigSchema.parse(input) as GanConfig;
}

// ---------------------------------------------------------------------------------------------
// Image GANs (Stacked MNIST): a separate schema, so toy settings (URL, UI, worker) are unchanged.

export type ImageDatasetName = 'stacked-mnist';
export const IMAGE_DATASET_NAMES: readonly ImageDatasetName[] = ['stacked-mnist'];
export type DatasetName = ToyDatasetName | ImageDatasetName;

/** The convolutional architectures of image runs: the one list the schema, models, CLI and UI use. */
export const CONV_ARCH_NAMES = ['dcgan', 'resnet'] as const;
export type ConvArch = (typeof CONV_ARCH_NAMES)[number];
/** 'mlp' is the toy trainer's architecture; the others are convolutional. */
export type ArchName = 'mlp' | ConvArch;
export const ARCH_NAMES: readonly ArchName[] = ['mlp', ...CONV_ARCH_NAMES];

const width = z.number().int().min(1).max(512);
/** Widths at the 7×7, 14×14 and 28×28 stages. */
const channelsSchema = z.tuple([width, width, width]);

export const imageGanConfigSchema = ganConfigSchema
  .omit({
    dataset: true,
    customPoints: true,
    gWidth: true,
    gDepth: true,
    dWidth: true,
    dDepth: true,
  })
  .extend({
    dataset: z.enum(IMAGE_DATASET_NAMES as [ImageDatasetName]),
    arch: z.enum(CONV_ARCH_NAMES),
    /** G's widths at 7, 14, 28 pixels. */
    gChannels: channelsSchema,
    /** D's widths at 7, 14, 28 pixels. */
    dChannels: channelsSchema,
    /** Residual blocks per stage ('resnet'). */
    resBlocks: z.number().int().min(1).max(8),
    /** Channels per group of the grouped 3×3 conv ('resnet'). */
    groupSize: z.number().int().min(1).max(512),
    /** Inverted-bottleneck expansion ('resnet'). */
    expansion: z.number().int().min(1).max(8),
    /** Minibatch standard deviation layer before D's head (ProGAN, group size 4). */
    mbstd: z.boolean(),
    /** Progressive growing 7 → 14 → 28 (ProGAN). */
    progressive: z.boolean(),
    /** Iterations per progressive phase (7 stable, 14 fade, 14 stable, 28 fade, then 28). */
    fadeSteps: z.number().int().min(1).max(10_000_000),
  })
  .strict();

export type ImageGanConfig = Omit<z.infer<typeof imageGanConfigSchema>, 'loss'> & {
  loss: import('./lossNames').LossName;
};

/**
 * Stacked MNIST defaults: R3GAN's recipe (gan-facts.md §1.4: RpGAN + R1 + R2, Adam lr 2e-4,
 * β1 = 0, β2 0.9 → 0.99, γ 1 → 0.1 over the first 20 % of the run, EMA half-life growing to 5 %
 * of the run, z of 64 dims) at browser scale (batch 64, the small ResNet below).
 *
 * Why γ = 0.1 (after a burn-in from 1): γ has units of squared pixel distance, and our pixels
 * are in [−1, 1] like R3GAN's, on 28×28×3 = 2352 dimensions against their 32×32×3 = 3072, so
 * their values carry over: R1/R2 act like Gaussian blur of std √γ per pixel (R3GAN §2.3), 1.0 at
 * the start (the whole [−1, 1] range: real and fake distributions overlap however far apart they
 * start) and 0.32 at the end, a sixth of the range: strokes stay distinguishable while every
 * digit keeps a smooth basin. The burn-in is R3GAN's 2/10 of training.
 */
export function stackedMnistDefaults(steps = 3000): ImageGanConfig {
  return {
    seed: 1,
    dataset: 'stacked-mnist',
    arch: 'resnet',
    latentDim: 64,
    gChannels: [64, 48, 32],
    dChannels: [64, 48, 32],
    resBlocks: 1,
    groupSize: 16,
    expansion: 2,
    mbstd: false,
    progressive: false,
    fadeSteps: Math.max(1, Math.round(steps / 8)),
    loss: 'rpgan',
    r1Gamma: 0.1,
    r2Gamma: 0.1,
    lazyInterval: 1,
    gpWeight: 10,
    batchSize: 64,
    dSteps: 1,
    gSteps: 1,
    latentDist: 'gaussian',
    gOptimizer: { kind: 'adam', lr: 2e-4, beta1: 0, beta2: 0.99 },
    dOptimizer: { kind: 'adam', lr: 2e-4, beta1: 0, beta2: 0.99 },
    burnInSteps: Math.round(steps / 5),
    gammaBurnInFactor: 10,
    beta2BurnIn: 0.9,
    lrEndFactor: 1,
    emaHalfLife: Math.max(1, Math.round(steps / 20)),
  };
}

/** Validates an image config, including the cross-field rules the schema cannot express. */
export function parseImageConfig(input: unknown): ImageGanConfig {
  const config = imageGanConfigSchema.parse(input) as ImageGanConfig;
  const problem = imageConfigProblem(config);
  if (problem) throw new Error(problem);
  return config;
}

/** Why an image config cannot be built, or null. */
export function imageConfigProblem(c: ImageGanConfig): string | null {
  if (c.mbstd && c.batchSize % 4 !== 0)
    return `Minibatch stddev needs a batch size that is a multiple of its group size 4 (got ${c.batchSize}).`;
  if (c.arch === 'resnet')
    for (const w of [...c.gChannels, ...c.dChannels]) {
      const inner = w * c.expansion;
      if (inner % Math.min(c.groupSize, inner) !== 0)
        return `ResNet width ${w} × expansion ${c.expansion} = ${inner} is not a multiple of the group size ${c.groupSize}.`;
    }
  return null;
}

export function isImageDataset(name: string): name is ImageDatasetName {
  return (IMAGE_DATASET_NAMES as readonly string[]).includes(name);
}

/** Either kind of run's settings; `dataset` tells them apart. */
export type AnyGanConfig = GanConfig | ImageGanConfig;

export function isImageConfig(config: AnyGanConfig): config is ImageGanConfig {
  return (IMAGE_DATASET_NAMES as readonly string[]).includes(config.dataset);
}

/** The kind of run a config trains: 'image' (Stacked MNIST, conv nets) or 'toy' (2-D, MLPs). */
export function runKindOf(config: AnyGanConfig): 'toy' | 'image' {
  return isImageConfig(config) ? 'image' : 'toy';
}
