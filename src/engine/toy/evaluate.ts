/**
 * Evaluation of a toy run: mode metrics (mixtures only) and the sliced Wasserstein distance to
 * real data, on `samples` generated points from latents that are the same at every evaluation
 * (so the curve reflects the generator, not the draw).
 */
import { modeMetrics, slicedWasserstein } from './metrics';
import { Rng } from '../core/rng';
import type { ToyGanTrainer } from '../core/trainer';

export interface ToyEvaluation {
  step: number;
  modesCovered: number | null;
  totalModes: number | null;
  /** Fraction of samples within 3σ of a mode centre (mixtures only). */
  highQuality: number | null;
  reverseKL: number | null;
  slicedWasserstein: number;
  /** HQ samples per mode (mixtures only). */
  modeCounts: number[] | null;
}

export const EVAL_LATENT_STREAM = 9;
export const EVAL_REAL_STREAM = 10;

/** Generates the evaluation samples (async readback: never blocks a GPU backend). */
export async function generateEvalSamples(
  trainer: ToyGanTrainer,
  n: number,
): Promise<Float32Array> {
  const points = trainer.sample(n, new Rng(trainer.config.seed).fork(EVAL_LATENT_STREAM));
  const data = (await points.data()) as Float32Array;
  points.dispose();
  return data;
}

export function scoreSamples(
  trainer: ToyGanTrainer,
  samples: Float32Array,
  step: number,
): ToyEvaluation {
  const n = samples.length / 2;
  const real = trainer.dataset.sample(new Rng(trainer.config.seed).fork(EVAL_REAL_STREAM), n);
  const mixture = trainer.dataset.mixture;
  const modes = mixture ? modeMetrics(samples, mixture) : null;
  return {
    step,
    modesCovered: modes?.modesCovered ?? null,
    totalModes: modes?.totalModes ?? null,
    highQuality: modes?.highQuality ?? null,
    reverseKL: modes?.reverseKL ?? null,
    slicedWasserstein: slicedWasserstein(samples, real),
    modeCounts: modes?.modeCounts ?? null,
  };
}

export async function evaluate(trainer: ToyGanTrainer, n: number): Promise<ToyEvaluation> {
  return scoreSamples(trainer, await generateEvalSamples(trainer, n), trainer.iteration);
}
