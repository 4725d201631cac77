/**
 * The benchmark workloads as data, with no Node imports, so the in-browser step bench's page
 * (scripts/bench-step/) can import them as the Node scripts do (through benchWorkloads.ts).
 */
import {
  stackedMnistDefaults,
  type GanConfig,
  type ImageGanConfig,
} from '../src/engine/core/config';

export interface Workload {
  id: string;
  name: string;
  /** Overrides of the toy defaults, or a whole image config. */
  config: Partial<GanConfig> | ImageGanConfig;
}

export const WORKLOADS: Workload[] = [
  {
    id: 'p',
    name: 'the opening preset: ring8, MLP 3×64, batch 256, NSGAN, no penalty',
    config: { dataset: 'ring8', loss: 'nsgan', r1Gamma: 0, r2Gamma: 0 },
  },
  {
    id: 'a',
    name: 'grid25, MLP 4×128, batch 512, RpGAN + R1 + R2',
    config: {
      dataset: 'grid25',
      gWidth: 128,
      gDepth: 4,
      dWidth: 128,
      dDepth: 4,
      batchSize: 512,
      loss: 'rpgan',
      r1Gamma: 0.05,
      r2Gamma: 0.05,
    },
  },
  {
    id: 'b',
    name: 'Stacked MNIST, DCGAN widths 16, batch 64, RpGAN + R1 + R2',
    config: {
      ...stackedMnistDefaults(),
      arch: 'dcgan',
      gChannels: [16, 16, 16],
      dChannels: [16, 16, 16],
      batchSize: 64,
    } satisfies ImageGanConfig,
  },
  {
    // GAN Lab's default model (Kahng et al. 2019), the yardstick of issue #12. GAN Lab uses ReLU
    // where our MLPs use leaky ReLU (needed for R1/R2's double backprop); the sizes, batch,
    // D:G step ratio, optimisers and loss are GAN Lab's.
    id: 'c',
    name: "GAN Lab's default: ring8, MLP 2→8→8, latent 2, batch 150, 2 D steps, SGD 0.1/0.03, NSGAN",
    config: {
      dataset: 'ring8',
      latentDim: 2,
      gWidth: 8,
      gDepth: 2,
      dWidth: 8,
      dDepth: 2,
      batchSize: 150,
      dSteps: 2,
      loss: 'nsgan',
      r1Gamma: 0,
      r2Gamma: 0,
      dOptimizer: { kind: 'sgd', lr: 0.1, beta1: 0, beta2: 0 },
      gOptimizer: { kind: 'sgd', lr: 0.03, beta1: 0, beta2: 0 },
    },
  },
];
