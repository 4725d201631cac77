/**
 * The words of the settings panel, shared by every message about settings: the panel's labels,
 * the problems of a link or a settings file, a rejected edit, the "restarted because …" notice.
 * A message names a setting by the label the user sees next to its control ("Batch size"), never
 * by its field name in the code (`batchSize`), and says what is wrong in a sentence.
 */
import type { ConvArch, DatasetName, LatentDistribution } from '../engine/core/config';
import type { LossName } from '../engine/core/lossNames';

/** Each setting's label, as on its control. Nested optimiser fields are `gOptimizer.lr` etc. */
export const SETTING_LABELS: Record<string, string> = {
  seed: 'Seed',
  dataset: 'Dataset',
  customPoints: 'Your drawing',
  latentDim: 'Latent size',
  latentDist: 'Noise',
  gWidth: 'G width',
  gDepth: 'G depth',
  dWidth: 'D width',
  dDepth: 'D depth',
  loss: 'Loss',
  r1Gamma: 'R1 γ',
  r2Gamma: 'R2 γ',
  lazyInterval: 'Lazy interval',
  gpWeight: 'GP weight λ',
  batchSize: 'Batch size',
  dSteps: 'D steps per iteration',
  gSteps: 'G steps per iteration',
  gOptimizer: 'G optimiser',
  dOptimizer: 'D optimiser',
  'gOptimizer.kind': 'G optimiser',
  'dOptimizer.kind': 'D optimiser',
  'gOptimizer.lr': 'G learning rate',
  'dOptimizer.lr': 'D learning rate',
  'gOptimizer.beta1': 'G β1',
  'dOptimizer.beta1': 'D β1',
  'gOptimizer.beta2': 'G β2',
  'dOptimizer.beta2': 'D β2',
  burnInSteps: 'Burn-in steps',
  gammaBurnInFactor: 'γ at the start of the burn-in (× γ)',
  beta2BurnIn: 'β2 at the start of the burn-in',
  lrEndFactor: 'Learning rate at the end of the burn-in (× lr)',
  emaHalfLife: 'EMA half-life',
  arch: 'Architecture',
  gChannels: 'G widths',
  dChannels: 'D widths',
  resBlocks: 'Residual blocks',
  groupSize: 'Group size',
  expansion: 'Expansion',
  mbstd: 'Minibatch stddev',
  progressive: 'Progressive growing',
  fadeSteps: 'Steps per growth phase',
};

export const DATASET_LABELS: Record<DatasetName, string> = {
  ring8: 'Ring of 8 Gaussians',
  grid25: 'Grid of 25 Gaussians',
  spiral: 'Spiral',
  moons: 'Two moons',
  circles: 'Two circles',
  gaussian: 'One Gaussian',
  custom: 'Your drawing',
  'stacked-mnist': 'Stacked MNIST (1000 modes)',
};

export const LOSS_LABELS: Record<LossName, string> = {
  minimax: 'Minimax (original GAN)',
  nsgan: 'Non-saturating (NS GAN)',
  rpgan: 'RpGAN (relativistic pairing)',
  hinge: 'Hinge',
  lsgan: 'Least squares (LSGAN)',
  'wgan-gp': 'WGAN-GP',
};

export const LATENT_DIST_LABELS: Record<LatentDistribution, string> = {
  gaussian: 'Gaussian N(0, 1)',
  uniform: 'Uniform on [−1, 1]',
};

/** Image runs' architectures (imageGanConfigSchema's `arch`). */
export const ARCH_LABELS: Record<ConvArch, string> = {
  dcgan: 'DCGAN (plain convs)',
  resnet: 'R3GAN-style ResNet',
};

export const OPTIMIZER_KIND_LABELS: Record<'adam' | 'sgd', string> = { adam: 'Adam', sgd: 'SGD' };

/** The labels of a choice's options, for "must be one of …". */
const CHOICE_LABELS: Record<string, Record<string, string>> = {
  dataset: DATASET_LABELS,
  loss: LOSS_LABELS,
  latentDist: LATENT_DIST_LABELS,
  'gOptimizer.kind': OPTIMIZER_KIND_LABELS,
  'dOptimizer.kind': OPTIMIZER_KIND_LABELS,
  arch: ARCH_LABELS,
};

/** The label of a setting at `path` (a field, or an optimiser's field); the path itself if none. */
export function settingLabel(path: readonly PropertyKey[]): string {
  const keys = path.map(String);
  for (let n = Math.min(keys.length, 2); n > 0; n--) {
    const label = SETTING_LABELS[keys.slice(0, n).join('.')];
    if (label) return label;
  }
  return keys.join('.') || 'The settings';
}

/** "a, b and c". */
export function listInSentence(items: readonly string[], last = 'and'): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${last} ${items[items.length - 1]}`;
}

/** What a zod issue reports, as much of it as the wording needs. */
export interface SettingIssue {
  code?: string;
  message: string;
  path?: readonly PropertyKey[];
  expected?: unknown;
  origin?: unknown;
  minimum?: unknown;
  maximum?: unknown;
  inclusive?: boolean;
  values?: readonly unknown[];
  format?: string;
  divisor?: unknown;
  keys?: readonly string[];
}

const EXPECTED_WORDS: Record<string, string> = {
  number: 'a number',
  int: 'a whole number',
  string: 'a word',
  boolean: 'on or off (true or false)',
  array: 'a list',
  tuple: 'a list',
  object: 'a group of settings',
};

/**
 * Why a value of the setting at `path` was refused, in words ("must be between 1 and 10"), from
 * a zod issue; the value itself is never echoed.
 */
export function issueReason(path: readonly PropertyKey[], issue: SettingIssue): string {
  const key = path.map(String).join('.');
  const bound = (x: unknown) => (typeof x === 'bigint' ? Number(x) : (x as number));
  switch (issue.code) {
    case 'invalid_type':
      return issue.expected === 'nonoptional' || issue.expected === undefined
        ? 'is missing'
        : `needs ${EXPECTED_WORDS[String(issue.expected)] ?? String(issue.expected)}`;
    case 'too_small':
      if (issue.origin === 'array')
        return `needs at least ${bound(issue.minimum)} ${bound(issue.minimum) === 1 ? 'item' : 'items'}`;
      return issue.inclusive === false
        ? `must be more than ${bound(issue.minimum)}`
        : `must be at least ${bound(issue.minimum)}`;
    case 'too_big':
      if (issue.origin === 'array') return `takes at most ${bound(issue.maximum)} items`;
      return issue.inclusive === false
        ? `must be less than ${bound(issue.maximum)}`
        : `must be at most ${bound(issue.maximum)}`;
    case 'invalid_value': {
      const labels = CHOICE_LABELS[key];
      const options = (issue.values ?? []).map((v) => labels?.[String(v)] ?? String(v));
      return `must be one of ${listInSentence(options, 'or')}`;
    }
    case 'not_multiple_of':
      return bound(issue.divisor) === 1
        ? 'must be a whole number'
        : `must be a multiple of ${bound(issue.divisor)}`;
    case 'unrecognized_keys':
      return 'has settings this version does not know';
    default: {
      const message = issue.message;
      return message.length > 120 ? `${message.slice(0, 120)}…` : message;
    }
  }
}

/** "Batch size must be at most 4096" for the first issue of a failed parse of the field at `base`. */
export function describeIssue(base: readonly PropertyKey[], issue: SettingIssue): string {
  const path = [...base, ...(issue.path ?? [])];
  if (issue.code === 'unrecognized_keys' && issue.keys && path.length === 0) {
    const names = listInSentence(issue.keys.map((k) => settingLabel([k])));
    return `${names} ${issue.keys.length === 1 ? 'is' : 'are'} not a setting of this dataset`;
  }
  return `${settingLabel(path)} ${issueReason(path, issue)}`;
}
