/**
 * Stacked MNIST metrics (gan-facts.md §2.3): modes covered out of 1000 and the reverse KL
 * D_KL(p̂ ‖ U) = Σ_{p̂ₖ>0} p̂ₖ ln(p̂ₖ·K) of the generated mode histogram against the uniform
 * distribution, in nats. A perfect generator scored on N samples still has E[KL] ≈ (K−1)/(2N),
 * the finite-sample floor (0.050 at N = 10,000; 0.0192 at the paper protocol's 26,000).
 *
 * That count (PacGAN's and R3GAN's, kept for comparison with the papers) takes every sample's
 * argmax triple at face value, so noise the classifier reads as some digit still covers modes:
 * a generator after 5 training steps covers ~800 of 1000. Beside it, the confident measure keeps
 * only samples whose three digits are each classified with probability ≥ CONFIDENT_PROBABILITY:
 * the share of such samples, and the modes they alone cover. Real digits are almost all
 * confident; noise rarely is.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { DigitClassifier } from './digitClassifier';
import { STACKED_MODES } from './stackedMnist';

export interface ModeCoverage {
  modesCovered: number;
  totalModes: number;
  /** Reverse KL of the mode histogram vs uniform, nats. */
  reverseKL: number;
  /** (K − 1)/(2N): the expected KL of a perfect generator on N samples. */
  klFloor: number;
  evalSamples: number;
  /** Count of each mode. */
  histogram: number[];
}

/** A digit counts as legible when the classifier gives its class at least this probability. */
export const CONFIDENT_PROBABILITY = 0.9;

export interface ConfidentCoverage {
  /** Share of samples whose three digits are each classified with p ≥ the threshold, in [0, 1]. */
  confidentShare: number;
  /** Modes covered by confident samples only. */
  confidentModesCovered: number;
  /** Count of each mode among the confident samples. */
  confidentHistogram: number[];
}

export type StackedMnistScores = ModeCoverage & ConfidentCoverage;

/**
 * The confident measure: `confidence[i]` is sample i's smallest top-class probability over its
 * three digits (DigitClassifier.classifyTriplesWithConfidence).
 */
export function confidentCoverage(
  triples: ArrayLike<number>,
  confidence: ArrayLike<number>,
  threshold: number = CONFIDENT_PROBABILITY,
  totalModes: number = STACKED_MODES,
): ConfidentCoverage {
  if (confidence.length !== triples.length)
    throw new Error(`${confidence.length} confidences for ${triples.length} samples`);
  const confidentTriples = Array.from(triples).filter((_, i) => confidence[i] >= threshold);
  const confidentHistogram =
    confidentTriples.length > 0
      ? modeCoverage(confidentTriples, totalModes).histogram
      : new Array<number>(totalModes).fill(0);
  return {
    confidentShare: triples.length > 0 ? confidentTriples.length / triples.length : 0,
    confidentModesCovered: confidentHistogram.filter((count) => count > 0).length,
    confidentHistogram,
  };
}

export function modeCoverage(
  triples: ArrayLike<number>,
  totalModes: number = STACKED_MODES,
): ModeCoverage {
  const n = triples.length;
  if (n < 1) throw new Error('modeCoverage needs at least one sample');
  const histogram = new Array<number>(totalModes).fill(0);
  for (let i = 0; i < n; i++) {
    const k = triples[i];
    if (!(Number.isInteger(k) && k >= 0 && k < totalModes))
      throw new Error(`mode index ${k} is outside 0..${totalModes - 1}`);
    histogram[k]++;
  }
  let modesCovered = 0;
  let reverseKL = 0;
  for (const count of histogram) {
    if (count === 0) continue;
    modesCovered++;
    const p = count / n;
    reverseKL += p * Math.log(p * totalModes);
  }
  return {
    modesCovered,
    totalModes,
    reverseKL,
    klFloor: (totalModes - 1) / (2 * n),
    evalSamples: n,
    histogram,
  };
}

/**
 * Scores a generator: `generate(b)` returns b images [b, 28, 28, 3] (in [−1, 1]; they are clipped
 * to it), which are classified channel by channel in batches of `batch`. Every tensor is
 * disposed (including the generated ones); readback is asynchronous (never blocks a GPU).
 */
export async function evaluateStackedMnist(
  generate: (n: number) => tf.Tensor4D,
  classifier: DigitClassifier,
  evalSamples: number,
  batch = 500,
): Promise<StackedMnistScores> {
  if (!(Number.isInteger(evalSamples) && evalSamples >= 1))
    throw new Error(`evalSamples must be a positive integer (got ${evalSamples})`);
  if (!(Number.isInteger(batch) && batch >= 1))
    throw new Error(`batch must be a positive integer (got ${batch})`);
  const triples = new Uint16Array(evalSamples);
  const confidence = new Float32Array(evalSamples);
  for (let done = 0; done < evalSamples;) {
    const b = Math.min(batch, evalSamples - done);
    const images = generate(b);
    let scored: { modes: tf.Tensor1D; confidence: tf.Tensor1D };
    try {
      if (images.shape[0] !== b)
        throw new Error(`generate(${b}) returned ${images.shape[0]} images`);
      scored = classifier.classifyTriplesWithConfidence(images);
    } finally {
      images.dispose();
    }
    try {
      triples.set(await scored.modes.data(), done);
      confidence.set(await scored.confidence.data(), done);
    } finally {
      tf.dispose([scored.modes, scored.confidence]);
    }
    done += b;
  }
  return { ...modeCoverage(triples), ...confidentCoverage(triples, confidence) };
}
