/**
 * The train command's flags and how they map onto a GanConfig (shared by `train` and
 * `experiments`, so both accept the same settings).
 */
import { readFileSync } from 'node:fs';
import { ZodError } from 'zod';
import {
  DATASET_GAMMA,
  DEFAULT_CONFIG,
  LATENT_DISTRIBUTIONS,
  PRECISION_STEPS,
  TOY_RECIPES,
  type ToyRecipe,
  ganConfigSchema,
  toyDefaults,
  type GanConfig,
} from '../engine/core/config';
import { ARCH_NAMES } from '../engine/core/config';
import { TOY_DATASET_NAMES, type ToyDatasetName } from '../engine/toy/datasets';
import { LOSS_NAMES } from '../engine/core/losses';
import { NODE_BACKENDS } from '../engine/core/backend';
import { UsageError, type FlagSpec, type ParsedFlags } from './args';

/**
 * The iteration budget of each dataset's default run: the budget the README's tables use.
 * Mixtures get the budget the science bar needs; continuous shapes a shorter one.
 */
export const DEFAULT_STEPS: Record<ToyDatasetName, number> = {
  grid25: 5000,
  ring8: 2000,
  spiral: 3000,
  moons: 3000,
  circles: 3000,
  gaussian: 2000,
  custom: 3000,
};

function gammaDefaults(): string {
  return Object.entries(DATASET_GAMMA)
    .map(([name, gamma]) => `${name} ${gamma}`)
    .join(', ');
}

/**
 * grid25's default is the recipe that meets the README's science bar (all 25 modes, KL ≤ 0.1,
 * ≥ 50 % high-quality samples on every seed); the other datasets default to the fast recipe.
 */
export const DEFAULT_RECIPE: Record<ToyDatasetName, ToyRecipe> = {
  grid25: 'precision',
  ring8: 'fast',
  spiral: 'fast',
  moons: 'fast',
  circles: 'fast',
  gaussian: 'fast',
  custom: 'fast',
};

/** Image-GAN flags (--dataset stacked-mnist only; see cli/trainImage.ts). */
export const CONV_FLAGS: Record<string, FlagSpec> = {
  arch: {
    type: 'string',
    choices: ARCH_NAMES,
    help: 'model: mlp (toys) or, with --dataset stacked-mnist, dcgan or resnet (R3GAN-style, default)',
  },
  mbstd: { type: 'boolean', help: 'stacked-mnist: minibatch stddev layer in D (group size 4)' },
  progressive: {
    type: 'boolean',
    help: 'stacked-mnist: progressive growing 7→14→28 with fade-in (ProGAN)',
  },
  'fade-steps': {
    type: 'integer',
    help: 'stacked-mnist: iterations per progressive phase (default steps/8)',
  },
  channels: {
    type: 'string',
    placeholder: 'c7,c14,c28',
    help: 'stacked-mnist: widths of G and D at 7, 14, 28 px (default 64,48,32)',
  },
  'g-channels': { type: 'string', placeholder: 'c7,c14,c28', help: 'stacked-mnist: widths of G' },
  'd-channels': { type: 'string', placeholder: 'c7,c14,c28', help: 'stacked-mnist: widths of D' },
  'res-blocks': {
    type: 'integer',
    help: 'stacked-mnist, resnet: residual blocks per stage (default 1)',
  },
  'group-size': {
    type: 'integer',
    help: 'stacked-mnist, resnet: channels per group of the grouped 3×3 conv (default 16)',
  },
};

export const TRAIN_FLAGS: Record<string, FlagSpec> = {
  dataset: {
    type: 'string',
    choices: TOY_DATASET_NAMES,
    help: 'toy distribution (default grid25)',
  },
  points: {
    type: 'string',
    placeholder: 'file.json',
    help: 'custom points: JSON [[x, y], …] (with --dataset custom)',
  },
  recipe: {
    type: 'string',
    choices: TOY_RECIPES,
    help: `fast (constant γ) or precision (γ and lr anneal over the run, ${PRECISION_STEPS} iterations by default; see README). Default: precision for grid25 (the recipe that meets its science bar), fast otherwise`,
  },
  loss: {
    type: 'string',
    choices: LOSS_NAMES,
    help: `adversarial loss (default ${DEFAULT_CONFIG.loss})`,
  },
  gamma: { type: 'number', help: 'sets both R1 and R2 γ' },
  r1: {
    type: 'number',
    help: `R1 γ on real data, γ/2·E‖∇D‖² (default per dataset: ${gammaDefaults()}; 0 = off)`,
  },
  r2: { type: 'number', help: 'R2 γ on fake data (default: as R1; 0 = off)' },
  lazy: { type: 'integer', help: 'apply R1/R2 every k-th D step, scaled by k (default 1)' },
  'gp-weight': { type: 'number', help: `WGAN-GP λ (default ${DEFAULT_CONFIG.gpWeight})` },
  steps: {
    type: 'integer',
    help: 'iterations (D steps + G steps each); default per dataset, see below',
  },
  seed: { type: 'integer', help: 'random seed for data, latents and init (default 1)' },
  batch: { type: 'integer', help: `batch size (default ${DEFAULT_CONFIG.batchSize})` },
  'd-steps': { type: 'integer', help: 'D updates per iteration (default 1)' },
  'g-steps': { type: 'integer', help: 'G updates per iteration, after the D updates (default 1)' },
  noise: {
    type: 'string',
    choices: LATENT_DISTRIBUTIONS,
    help: "G's input noise: gaussian (standard normal) or uniform on [-1, 1] (default gaussian)",
  },
  width: { type: 'integer', help: `hidden width of G and D (default ${DEFAULT_CONFIG.gWidth})` },
  depth: { type: 'integer', help: `hidden layers of G and D (default ${DEFAULT_CONFIG.gDepth})` },
  'g-width': { type: 'integer', help: 'hidden width of G' },
  'g-depth': { type: 'integer', help: 'hidden layers of G' },
  'd-width': { type: 'integer', help: 'hidden width of D' },
  'd-depth': { type: 'integer', help: 'hidden layers of D' },
  latent: { type: 'integer', help: `latent size (default ${DEFAULT_CONFIG.latentDim})` },
  optimizer: {
    type: 'string',
    choices: ['adam', 'sgd'],
    help: 'optimiser for G and D (default adam)',
  },
  lr: {
    type: 'number',
    help: `learning rate of G and D (default ${DEFAULT_CONFIG.gOptimizer.lr})`,
  },
  'g-lr': { type: 'number', help: 'learning rate of G' },
  'd-lr': { type: 'number', help: 'learning rate of D' },
  beta1: { type: 'number', help: `Adam β1 (default ${DEFAULT_CONFIG.gOptimizer.beta1})` },
  beta2: { type: 'number', help: `Adam β2 (default ${DEFAULT_CONFIG.gOptimizer.beta2})` },
  'burn-in': {
    type: 'integer',
    help: `cosine burn-in iterations (default ${DEFAULT_CONFIG.burnInSteps}; 0 = off)`,
  },
  'gamma-burn-in-factor': {
    type: 'number',
    help: `γ starts at γ × this (default ${DEFAULT_CONFIG.gammaBurnInFactor})`,
  },
  'beta2-burn-in': {
    type: 'number',
    help: 'Adam β2 at the start of burn-in (default: no β2 schedule)',
  },
  'lr-end-factor': {
    type: 'number',
    help: `lr at the end of burn-in as a fraction (default ${DEFAULT_CONFIG.lrEndFactor})`,
  },
  ema: {
    type: 'number',
    help: `EMA half-life of G in iterations (default ${DEFAULT_CONFIG.emaHalfLife}; 0 = off)`,
  },
  'eval-every': { type: 'integer', help: 'evaluate every N iterations (default 500)' },
  'eval-samples': {
    type: 'integer',
    help: 'generated points per evaluation (default 2500, as VEEGAN/PacGAN)',
  },
  'log-every': { type: 'integer', help: 'record losses every N iterations (default 10)' },
  backend: {
    type: 'string',
    choices: NODE_BACKENDS,
    help: 'tfjs backend (default wasm, the fastest correct one in Node)',
  },
  ...CONV_FLAGS,
};

/**
 * Config field → the flags that set it, most specific first: an error names the one the user
 * gave (`--gamma -1` is reported as --gamma, not --r1).
 */
export const FLAGS_FOR_FIELD: Record<string, string[]> = {
  seed: ['seed'],
  dataset: ['dataset'],
  customPoints: ['points'],
  latentDim: ['latent'],
  gWidth: ['g-width', 'width'],
  gDepth: ['g-depth', 'depth'],
  dWidth: ['d-width', 'width'],
  dDepth: ['d-depth', 'depth'],
  loss: ['loss'],
  r1Gamma: ['r1', 'gamma'],
  r2Gamma: ['r2', 'gamma'],
  lazyInterval: ['lazy'],
  gpWeight: ['gp-weight'],
  batchSize: ['batch'],
  dSteps: ['d-steps'],
  gSteps: ['g-steps'],
  latentDist: ['noise'],
  burnInSteps: ['burn-in', 'steps'],
  gammaBurnInFactor: ['gamma-burn-in-factor'],
  beta2BurnIn: ['beta2-burn-in'],
  lrEndFactor: ['lr-end-factor'],
  emaHalfLife: ['ema'],
};

/** The flag to name for a schema issue at `path` (the one the user gave, if any). */
export function flagFor(
  path: readonly PropertyKey[],
  given: ParsedFlags,
  flagsForField: Record<string, string[]> = FLAGS_FOR_FIELD,
): string {
  const field = String(path[0] ?? '');
  const sub = path[1];
  let candidates = flagsForField[field] ?? [field];
  if (field === 'gOptimizer' || field === 'dOptimizer') {
    const which = field[0];
    candidates =
      sub === 'lr'
        ? [`${which}-lr`, 'lr']
        : sub === 'kind'
          ? ['optimizer']
          : typeof sub === 'string'
            ? [sub]
            : [`${which}-lr`, 'lr'];
  }
  return candidates.find((flag) => flag in given) ?? candidates[0];
}

export interface RunSettings {
  config: GanConfig;
  steps: number;
  evalEvery: number;
  evalSamples: number;
  logEvery: number;
  backend: 'wasm' | 'cpu';
}

/** Settings both kinds of run share: the loss, penalties, optimisers, schedule and EMA. */
export type TrainingSettings = Pick<
  GanConfig,
  | 'loss'
  | 'r1Gamma'
  | 'r2Gamma'
  | 'lazyInterval'
  | 'gpWeight'
  | 'batchSize'
  | 'dSteps'
  | 'gSteps'
  | 'latentDist'
  | 'gOptimizer'
  | 'dOptimizer'
  | 'burnInSteps'
  | 'gammaBurnInFactor'
  | 'beta2BurnIn'
  | 'lrEndFactor'
  | 'emaHalfLife'
>;

/** The shared settings from their flags, each defaulting to `base` (toy and image runs alike). */
export function trainingSettingsFromFlags(
  flags: ParsedFlags,
  base: TrainingSettings,
): TrainingSettings {
  const f = flags as Record<string, never>;
  const num = (name: string) => f[name] as number | undefined;
  const str = (name: string) => f[name] as string | undefined;
  const optimizer = (which: 'g' | 'd') => {
    const o = which === 'g' ? base.gOptimizer : base.dOptimizer;
    return {
      kind: (str('optimizer') as 'adam' | 'sgd' | undefined) ?? o.kind,
      lr: num(`${which}-lr`) ?? num('lr') ?? o.lr,
      beta1: num('beta1') ?? o.beta1,
      beta2: num('beta2') ?? o.beta2,
    };
  };
  return {
    // Checked against LOSS_NAMES by the flag's choices, and again by the config schema.
    loss: (str('loss') as TrainingSettings['loss'] | undefined) ?? base.loss,
    r1Gamma: num('r1') ?? num('gamma') ?? base.r1Gamma,
    r2Gamma: num('r2') ?? num('gamma') ?? base.r2Gamma,
    lazyInterval: num('lazy') ?? base.lazyInterval,
    gpWeight: num('gp-weight') ?? base.gpWeight,
    batchSize: num('batch') ?? base.batchSize,
    dSteps: num('d-steps') ?? base.dSteps,
    gSteps: num('g-steps') ?? base.gSteps,
    // Checked against LATENT_DISTRIBUTIONS by the flag's choices, and again by the schema.
    latentDist: (str('noise') as TrainingSettings['latentDist'] | undefined) ?? base.latentDist,
    gOptimizer: optimizer('g'),
    dOptimizer: optimizer('d'),
    burnInSteps: num('burn-in') ?? base.burnInSteps,
    gammaBurnInFactor: num('gamma-burn-in-factor') ?? base.gammaBurnInFactor,
    beta2BurnIn: num('beta2-burn-in') ?? base.beta2BurnIn,
    lrEndFactor: num('lr-end-factor') ?? base.lrEndFactor,
    emaHalfLife: num('ema') ?? base.emaHalfLife,
  };
}

export function settingsFromFlags(flags: ParsedFlags): RunSettings {
  const conv = Object.keys(CONV_FLAGS).find((name) => name in flags && flags[name] !== 'mlp');
  if (conv) throw new UsageError(`Flag --${conv} needs --dataset stacked-mnist.`);
  const f = flags as Record<string, never>;
  const num = (name: string) => f[name] as number | undefined;
  const str = (name: string) => f[name] as string | undefined;
  // Each dataset starts from its own defaults (its γ) under the chosen recipe; flags override.
  const datasetName = (str('dataset') as ToyDatasetName | undefined) ?? DEFAULT_CONFIG.dataset;
  const recipe = (str('recipe') as ToyRecipe | undefined) ?? DEFAULT_RECIPE[datasetName];
  const steps =
    num('steps') ?? (recipe === 'precision' ? PRECISION_STEPS : DEFAULT_STEPS[datasetName]);
  // Before the config: the recipe derives the burn-in from --steps, whose own range comes first.
  checkSteps(steps);
  const base: GanConfig = toyDefaults(datasetName, recipe, steps);
  const dataset = base.dataset;
  let customPoints = base.customPoints;
  if (str('points') !== undefined) customPoints = readPoints(str('points')!);
  if (dataset === 'custom' && !customPoints)
    throw new UsageError('Flag --points is needed with --dataset custom.');
  const candidate = {
    ...base,
    seed: num('seed') ?? base.seed,
    dataset,
    customPoints,
    latentDim: num('latent') ?? base.latentDim,
    gWidth: num('g-width') ?? num('width') ?? base.gWidth,
    gDepth: num('g-depth') ?? num('depth') ?? base.gDepth,
    dWidth: num('d-width') ?? num('width') ?? base.dWidth,
    dDepth: num('d-depth') ?? num('depth') ?? base.dDepth,
    ...trainingSettingsFromFlags(flags, base),
  };
  if (candidate.customPoints === undefined) delete candidate.customPoints;
  let config: GanConfig;
  try {
    config = ganConfigSchema.parse(candidate) as GanConfig;
  } catch (error) {
    if (!(error instanceof ZodError)) throw error;
    const issue = error.issues[0];
    throw new UsageError(`Bad value for --${flagFor(issue.path, flags)}: ${issue.message}.`);
  }
  const settings = {
    config,
    steps,
    evalEvery: num('eval-every') ?? 500,
    evalSamples: num('eval-samples') ?? 2500,
    logEvery: num('log-every') ?? 10,
    backend: (str('backend') as 'wasm' | 'cpu' | undefined) ?? 'wasm',
  };
  const positive: [string, number, number][] = [
    ['eval-every', settings.evalEvery, 10_000_000],
    ['eval-samples', settings.evalSamples, 100_000],
    ['log-every', settings.logEvery, 100_000],
  ];
  for (const [flag, value, max] of positive)
    if (!(value >= 1 && value <= max))
      throw new UsageError(`Bad value for --${flag}: must be between 1 and ${max}.`);
  return settings;
}

export const MAX_STEPS = 10_000_000;

/** --steps: at least one iteration (checked before anything derives from it). */
export function checkSteps(steps: number): void {
  if (!(steps >= 1 && steps <= MAX_STEPS))
    throw new UsageError(`Bad value for --steps: must be between 1 and ${MAX_STEPS}.`);
}

function readPoints(path: string): [number, number][] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new UsageError(`Flag --points: cannot read '${path}'.`);
  }
  if (text.length > 1_000_000) throw new UsageError('Flag --points: the file is larger than 1 MB.');
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new UsageError(`Flag --points: '${path}' is not valid JSON.`);
  }
  if (
    !Array.isArray(data) ||
    !data.every((p) => Array.isArray(p) && p.length === 2 && p.every((v) => typeof v === 'number'))
  )
    throw new UsageError('Flag --points: expected a JSON array of [x, y] number pairs.');
  if (data.length === 0)
    throw new UsageError(`Flag --points: '${path}' has no points (expected [[x, y], …]).`);
  return data as [number, number][];
}
