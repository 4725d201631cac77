/**
 * `npm run train -- --dataset stacked-mnist --eval-real --eval-samples N --out r.json`: scores N
 * real Stacked MNIST samples with the shipped digit classifier, the check of the instrument
 * itself (it should find ≈1000 modes and a reverse KL near the floor (K−1)/(2N)).
 */
import * as tf from '@tensorflow/tfjs-core';
import { UsageError, writeOutput, type FlagSpec, type ParsedFlags } from './args';
import { loadClassifierFromPublic, loadMnistFromPublic } from './assets';
import { useNodeBackend, type NodeBackend } from '../engine/core/backend';
import { Rng } from '../engine/core/rng';
import {
  CONFIDENT_PROBABILITY,
  evaluateStackedMnist,
  type StackedMnistScores,
} from '../engine/image/stackedMetrics';
import { StackedMnistSampler, stackedBatch } from '../engine/image/stackedMnist';
import type { DigitClassifier } from '../engine/image/digitClassifier';

/** Default number of samples for Stacked MNIST evaluations (the paper protocol uses 26,000). */
export const STACKED_EVAL_SAMPLES = 10_000;
/** The Rng stream of real evaluation samples (forked from the run's seed). */
export const STACKED_EVAL_REAL_STREAM = 11;

export interface EvalRealResult {
  config: {
    dataset: 'stacked-mnist';
    evalReal: true;
    evalSamples: number;
    seed: number;
    backend: string;
    digitPool: number;
    classifier: { parameters: number; meta: DigitClassifier['meta'] };
  };
  final: StackedMnistSummary & { wallSeconds: number };
  modeHistogram: number[];
  confidentModeHistogram: number[];
}

export async function evaluateRealStackedMnist(
  evalSamples: number,
  seed: number,
  batch = 500,
): Promise<EvalRealResult> {
  const started = performance.now();
  const digits = loadMnistFromPublic();
  const classifier = loadClassifierFromPublic();
  try {
    const sampler = new StackedMnistSampler(digits, new Rng(seed).fork(STACKED_EVAL_REAL_STREAM));
    const { histogram, confidentHistogram, ...metrics } = await evaluateStackedMnist(
      (n) => stackedBatch(sampler, n),
      classifier,
      evalSamples,
      batch,
    );
    return {
      config: {
        dataset: 'stacked-mnist',
        evalReal: true,
        evalSamples,
        seed,
        backend: tf.getBackend(),
        digitPool: digits.count,
        classifier: { parameters: classifier.parameterCount, meta: classifier.meta },
      },
      final: { ...metrics, wallSeconds: (performance.now() - started) / 1000 },
      modeHistogram: histogram,
      confidentModeHistogram: confidentHistogram,
    };
  } finally {
    classifier.dispose();
  }
}

/** The scores without their 1000-entry histograms. */
export type StackedMnistSummary = Omit<StackedMnistScores, 'histogram' | 'confidentHistogram'>;

export function formatModeCoverage(m: StackedMnistSummary): string {
  return `modes ${m.modesCovered}/${m.totalModes}  reverse KL ${m.reverseKL.toFixed(4)} (floor ${m.klFloor.toFixed(4)} at N = ${m.evalSamples})  confident (each digit p ≥ ${CONFIDENT_PROBABILITY}): ${(100 * m.confidentShare).toFixed(1)} % of samples, ${m.confidentModesCovered}/${m.totalModes} modes`;
}

export const STACKED_MNIST_DATASET = 'stacked-mnist';

export const EVAL_REAL_FLAG: FlagSpec = {
  type: 'boolean',
  help: `with --dataset stacked-mnist: train nothing, score --eval-samples real Stacked MNIST samples (default ${STACKED_EVAL_SAMPLES}) with the shipped digit classifier (checks the instrument)`,
};

/** The --dataset flag, accepting stacked-mnist (whether or not the toy list already has it). */
export function withStackedMnistChoice(spec: FlagSpec): FlagSpec {
  return { ...spec, choices: [...new Set([...(spec.choices ?? []), STACKED_MNIST_DATASET])] };
}

/** Flags that mean something with --eval-real; any other flag is an error, not silently ignored. */
const EVAL_REAL_FLAGS = new Set([
  'eval-real',
  'dataset',
  'eval-samples',
  'seed',
  'backend',
  'out',
  'quiet',
]);

/** `train --eval-real`: scores real samples, prints the metrics, writes `--out` if given. */
export async function evalRealMain(flags: ParsedFlags): Promise<number> {
  if (flags.dataset !== STACKED_MNIST_DATASET)
    throw new UsageError(`Flag --eval-real needs --dataset ${STACKED_MNIST_DATASET}.`);
  const extra = Object.keys(flags).find((name) => !EVAL_REAL_FLAGS.has(name));
  if (extra) throw new UsageError(`Flag --${extra} has no effect with --eval-real.`);
  const evalSamples = (flags['eval-samples'] as number | undefined) ?? STACKED_EVAL_SAMPLES;
  if (!(evalSamples >= 1 && evalSamples <= 100_000))
    throw new UsageError('Bad value for --eval-samples: must be between 1 and 100000.');
  const seed = (flags.seed as number | undefined) ?? 1;
  await useNodeBackend((flags.backend as NodeBackend | undefined) ?? 'wasm');
  const result = await evaluateRealStackedMnist(evalSamples, seed);
  process.stdout.write(
    `real Stacked MNIST, ${result.config.digitPool} digits: ${formatModeCoverage(result.final)}  (${result.final.wallSeconds.toFixed(1)} s on ${result.config.backend})\n`,
  );
  if (typeof flags.out === 'string') {
    writeOutput('out', flags.out, JSON.stringify(result));
    process.stdout.write(`wrote ${flags.out}\n`);
  }
  return 0;
}
