/**
 * A whole headless image-GAN run (the CLI's `--dataset stacked-mnist`), the image counterpart of
 * run.ts: train for `steps` iterations, log diagnostics, score the generator every `evalEvery`
 * iterations with `evaluate` (Stacked MNIST: the digit classifier's modes covered / reverse KL),
 * and stop cleanly on divergence. Evaluation always uses the same latents (stream
 * EVAL_LATENT_STREAM of the run's seed), so the curve reflects the generator, not the draw.
 */
import type * as tf from '@tensorflow/tfjs';
import type { ImageGanConfig } from './config';
import { EVAL_LATENT_STREAM } from './evaluate';
import type { ImageSourceFactory } from './imageSource';
import { ImageGanTrainer } from './imageTrainer';
import { Rng } from './rng';
import { DivergenceError, type LogRow } from './trainer';

/** What an evaluation reports (Stacked MNIST's mode metrics, gan-facts.md §2.3). */
export interface ImageScores {
  modesCovered: number;
  totalModes: number;
  /** Reverse KL of the generated mode histogram vs uniform, nats. */
  reverseKL: number;
  /** (K − 1)/(2N): the KL a perfect generator would still show on N samples. */
  klFloor: number;
  evalSamples: number;
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
  const history: LogRow[] = [];
  const evals: ImageEvaluation[] = [];
  let diverged: string | null = null;
  const start = performance.now();
  let evalMs = 0;
  const stepsPerSecond = () =>
    trainer.iteration / Math.max(1e-9, (performance.now() - start - evalMs) / 1000);
  try {
    while (trainer.iteration < options.steps) {
      trainer.step();
      const step = trainer.iteration;
      if (step % options.logEvery === 0 || step === options.steps) {
        const rows = await trainer.flushLogs();
        history.push(...rows);
        options.onProgress?.({ step, stepsPerSecond: stepsPerSecond(), log: rows.at(-1) });
      }
      if (options.evaluate && step % options.evalEvery === 0 && step !== options.steps) {
        const t = performance.now();
        const ev = await evaluateImageTrainer(trainer, options.evaluate, options.evalSamples);
        evals.push(ev);
        evalMs += performance.now() - t;
        options.onProgress?.({ step, stepsPerSecond: stepsPerSecond(), eval: ev });
      }
    }
  } catch (error) {
    if (!(error instanceof DivergenceError)) throw error;
    diverged = error.message;
  }
  const wallSeconds = (performance.now() - start) / 1000;
  const speed = stepsPerSecond();
  let finalEval: { step: number } & Partial<ImageScores> = { step: trainer.iteration };
  if (options.evaluate && !diverged) {
    const ev = await evaluateImageTrainer(trainer, options.evaluate, options.evalSamples);
    evals.push(ev);
    finalEval = ev;
  }
  const parameterCounts = trainer.parameterCounts;
  trainer.dispose();
  return {
    history,
    evals,
    final: { ...finalEval, stepsPerSecond: speed, wallSeconds, diverged },
    parameterCounts,
  };
}
