/**
 * A whole headless image-GAN run (the CLI's `--dataset stacked-mnist`), the image counterpart of
 * run.ts: train for `steps` iterations, log diagnostics, score the generator every `evalEvery`
 * iterations with `evaluate` (Stacked MNIST: the digit classifier's modes covered / reverse KL),
 * and stop cleanly on divergence. Evaluation always uses the same latents (stream
 * EVAL_LATENT_STREAM of the run's seed), so the curve reflects the generator, not the draw.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { ImageGanConfig } from '../core/config';
import { EVAL_LATENT_STREAM } from '../toy/evaluate';
import type { ImageSourceFactory } from './imageSource';
import { ImageGanTrainer } from './imageTrainer';
import { Rng } from '../core/rng';
import { trainLoop } from '../toy/run';
import type { LogRow } from '../core/trainer';

/** What an evaluation reports (Stacked MNIST's mode metrics, gan-facts.md §2.3). */
export interface ImageScores {
  modesCovered: number;
  totalModes: number;
  /** Reverse KL of the generated mode histogram vs uniform, nats. */
  reverseKL: number;
  /** (K − 1)/(2N): the KL a perfect generator would still show on N samples. */
  klFloor: number;
  evalSamples: number;
  /** Share of samples whose three digits are each classified with p ≥ 0.9 (stackedMetrics.ts). */
  confidentShare: number;
  /** Modes covered by those confident samples only. */
  confidentModesCovered: number;
}

/** Scores `evalSamples` images from `generate(b)` ([b, 28, 28, 3], in [−1, 1]). */
export type ImageEvaluator = (
  generate: (n: number) => tf.Tensor4D,
  evalSamples: number,
) => Promise<ImageScores>;

export interface ImageRunOptions {
  steps: number;
  evalEvery: number;
  evalSamples: number;
  logEvery: number;
  evaluate?: ImageEvaluator;
  onProgress?: (p: {
    step: number;
    stepsPerSecond: number;
    log?: LogRow;
    eval?: ImageEvaluation;
  }) => void;
  /** Called with the trained trainer (after the final evaluation, before it is disposed). */
  finish?: (trainer: ImageGanTrainer) => Promise<void>;
}

export type ImageEvaluation = { step: number } & ImageScores;

export interface ImageRunResult {
  history: LogRow[];
  evals: ImageEvaluation[];
  /** The last evaluation's scores (absent without an evaluator or after a divergence). */
  final: { step: number } & Partial<ImageScores> & {
      stepsPerSecond: number;
      wallSeconds: number;
      diverged: string | null;
    };
  parameterCounts: { generator: number; discriminator: number };
}

/** Scores the trainer's (EMA) generator on the fixed evaluation latents. */
export async function evaluateImageTrainer(
  trainer: ImageGanTrainer,
  evaluate: ImageEvaluator,
  evalSamples: number,
): Promise<ImageEvaluation> {
  const rng = new Rng(trainer.config.seed).fork(EVAL_LATENT_STREAM);
  const scores = await evaluate((n) => trainer.sample(n, rng), evalSamples);
  return { step: trainer.iteration, ...scores };
}

export async function runImageTraining(
  config: ImageGanConfig,
  makeSource: ImageSourceFactory,
  options: ImageRunOptions,
): Promise<ImageRunResult> {
  const trainer = new ImageGanTrainer(config, makeSource, options.logEvery);
  const { evaluate } = options;
  const { history, evals, diverged, wallSeconds, stepsPerSecond } = await trainLoop(
    trainer,
    options,
    evaluate ? () => evaluateImageTrainer(trainer, evaluate, options.evalSamples) : null,
  );
  let finalEval: { step: number } & Partial<ImageScores> = { step: trainer.iteration };
  if (options.evaluate && !diverged) {
    const ev = await evaluateImageTrainer(trainer, options.evaluate, options.evalSamples);
    evals.push(ev);
    finalEval = ev;
  }
  const parameterCounts = trainer.parameterCounts;
  try {
    if (options.finish && !diverged) await options.finish(trainer);
  } finally {
    trainer.dispose();
  }
  return {
    history,
    evals,
    final: { ...finalEval, stepsPerSecond, wallSeconds, diverged },
    parameterCounts,
  };
}
