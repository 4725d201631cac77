/**
 * `npm run train -- --dataset stacked-mnist [--arch dcgan|resnet] [--mbstd] [--progressive] …`:
 * trains a convolutional GAN on Stacked MNIST in Node and scores it with the shipped digit
 * classifier (modes covered out of 1000, reverse KL, and its finite-sample floor).
 */
import * as tf from '@tensorflow/tfjs-core';
import { ZodError } from 'zod';
import { useNodeBackend, type NodeBackend } from '../engine/core/backend';
import {
  imageConfigProblem,
  imageGanConfigSchema,
  stackedMnistDefaults,
  type ImageGanConfig,
} from '../engine/core/config';
import {
  runImageTraining,
  type ImageEvaluator,
  type ImageRunResult,
  type ImageScores,
} from '../engine/image/imageRun';
import { Rng } from '../engine/core/rng';
import { takeSnapshot, type TrainerSnapshot } from '../engine/core/snapshot';
import { evaluateStackedMnist } from '../engine/image/stackedMetrics';
import { StackedMnistSampler, stackedBatch } from '../engine/image/stackedMnist';
import { UsageError, writeOutput, type ParsedFlags } from './args';
import { loadClassifierFromPublic, loadMnistFromPublic } from './assets';
import { formatModeCoverage, STACKED_EVAL_SAMPLES } from './evalReal';
import { imageEvaluation, imageRunFileBytes, lessonBaseConfig } from './runSnapshot';
import { checkSteps, flagFor, FLAGS_FOR_FIELD, trainingSettingsFromFlags } from './trainOptions';

/** Default iterations of a Stacked MNIST run (see the README for the time this takes). */
export const STACKED_DEFAULT_STEPS = 2000;

/** Flags of the toy MLPs and toy data, which mean nothing for an image GAN. */
const TOY_ONLY_FLAGS = [
  'points',
  'recipe',
  'width',
  'depth',
  'g-width',
  'g-depth',
  'd-width',
  'd-depth',
];

/** Config field → the flags that set it, most specific first (as for the toys). */
const IMAGE_FLAGS_FOR_FIELD: Record<string, string[]> = {
  ...FLAGS_FOR_FIELD,
  arch: ['arch'],
  gChannels: ['g-channels', 'channels'],
  dChannels: ['d-channels', 'channels'],
  resBlocks: ['res-blocks'],
  groupSize: ['group-size'],
  mbstd: ['mbstd'],
  progressive: ['progressive'],
  fadeSteps: ['fade-steps'],
  burnInSteps: ['burn-in', 'steps'],
};

export interface ImageRunSettings {
  config: ImageGanConfig;
  steps: number;
  evalEvery: number;
  evalSamples: number;
  logEvery: number;
  backend: NodeBackend;
  /** Write the trained run here in the app's saved-run format (cli/runSnapshot.ts). */
  snapshotOut?: string;
}

function parseChannels(flag: string, raw: string): [number, number, number] {
  const parts = raw.split(',').map((s) => Number(s.trim()));
  if (parts.length !== 3 || !parts.every((n) => Number.isInteger(n) && n >= 1))
    throw new UsageError(
      `Flag --${flag} needs three whole widths for the 7×7, 14×14 and 28×28 stages, e.g. 64,48,32 (got '${raw}').`,
    );
  return parts as [number, number, number];
}

export function imageSettingsFromFlags(flags: ParsedFlags): ImageRunSettings {
  const f = flags as Record<string, never>;
  const num = (name: string) => f[name] as number | undefined;
  const str = (name: string) => f[name] as string | undefined;
  const bool = (name: string) => f[name] as boolean | undefined;
  const toy = TOY_ONLY_FLAGS.find((name) => name in flags);
  if (toy)
    throw new UsageError(
      `Flag --${toy} is for the toy datasets; use --channels/--g-channels/--d-channels with --dataset stacked-mnist.`,
    );
  if (str('arch') === 'mlp')
    throw new UsageError(
      'Flag --arch: stacked-mnist needs a convolutional model (dcgan or resnet).',
    );
  const steps = num('steps') ?? STACKED_DEFAULT_STEPS;
  checkSteps(steps);
  const lesson = str('lesson');
  // A lesson's settings are the browser's (its burn-in and EMA do not depend on --steps).
  const base = lesson !== undefined ? lessonBaseConfig(lesson) : stackedMnistDefaults(steps);
  const channels = str('channels');
  const both = channels === undefined ? undefined : parseChannels('channels', channels);
  const gc = str('g-channels');
  const dc = str('d-channels');
  const candidate = {
    ...base,
    seed: num('seed') ?? base.seed,
    arch: (str('arch') as ImageGanConfig['arch'] | undefined) ?? base.arch,
    latentDim: num('latent') ?? base.latentDim,
    gChannels: gc !== undefined ? parseChannels('g-channels', gc) : (both ?? base.gChannels),
    dChannels: dc !== undefined ? parseChannels('d-channels', dc) : (both ?? base.dChannels),
    resBlocks: num('res-blocks') ?? base.resBlocks,
    groupSize: num('group-size') ?? base.groupSize,
    mbstd: bool('mbstd') ?? base.mbstd,
    progressive: bool('progressive') ?? base.progressive,
    fadeSteps: num('fade-steps') ?? base.fadeSteps,
    ...trainingSettingsFromFlags(flags, base),
  };
  let config: ImageGanConfig;
  try {
    config = imageGanConfigSchema.parse(candidate) as ImageGanConfig;
  } catch (error) {
    if (!(error instanceof ZodError)) throw error;
    const issue = error.issues[0];
    const flag = flagFor(issue.path, flags, IMAGE_FLAGS_FOR_FIELD);
    throw new UsageError(`Bad value for --${flag}: ${issue.message}.`);
  }
  const problem = imageConfigProblem(config);
  if (problem) throw new UsageError(problem);
  const settings: ImageRunSettings = {
    config,
    steps,
    evalEvery: num('eval-every') ?? steps,
    evalSamples: num('eval-samples') ?? STACKED_EVAL_SAMPLES,
    logEvery: num('log-every') ?? 10,
    backend: (str('backend') as NodeBackend | undefined) ?? 'wasm',
    snapshotOut: str('snapshot-out'),
  };
  const ranges: [string, number, number][] = [
    ['eval-every', settings.evalEvery, 10_000_000],
    ['eval-samples', settings.evalSamples, 100_000],
    ['log-every', settings.logEvery, 100_000],
  ];
  for (const [flag, value, max] of ranges)
    if (!(value >= 1 && value <= max))
      throw new UsageError(`Bad value for --${flag}: must be between 1 and ${max}.`);
  return settings;
}

export function imageRunJson(settings: ImageRunSettings, backend: string, result: ImageRunResult) {
  return {
    config: {
      ...settings.config,
      steps: settings.steps,
      evalEvery: settings.evalEvery,
      evalSamples: settings.evalSamples,
      logEvery: settings.logEvery,
      backend,
      parameterCounts: result.parameterCounts,
    },
    history: result.history,
    evals: result.evals,
    final: result.final,
  };
}

/** Trains on Stacked MNIST from all 10,000 shipped digits; scores with the shipped classifier. */
export async function trainImageMain(flags: ParsedFlags): Promise<number> {
  const settings = imageSettingsFromFlags(flags);
  await useNodeBackend(settings.backend);
  const digits = loadMnistFromPublic();
  const classifier = loadClassifierFromPublic();
  /** Each evaluation's histogram, in order (the snapshot file keeps the mode maps). */
  const histograms: ArrayLike<number>[] = [];
  const evaluate: ImageEvaluator = async (generate, n) => {
    const {
      histogram,
      confidentHistogram: _confidentHistogram,
      ...scores
    } = await evaluateStackedMnist(generate, classifier, n, Math.min(250, n));
    histograms.push(histogram);
    return scores;
  };
  let snapshot: TrainerSnapshot | null = null;
  const quiet = Boolean(flags.quiet);
  let lastLine = 0;
  try {
    const result = await runImageTraining(
      settings.config,
      (rng: Rng) => {
        const sampler = new StackedMnistSampler(digits, rng);
        return { sample: (n) => stackedBatch(sampler, n) };
      },
      {
        steps: settings.steps,
        evalEvery: settings.evalEvery,
        evalSamples: settings.evalSamples,
        logEvery: settings.logEvery,
        evaluate,
        finish: settings.snapshotOut
          ? async (trainer) => {
              snapshot = await takeSnapshot(trainer);
            }
          : undefined,
        onProgress: (p) => {
          if (quiet) return;
          const now = Date.now();
          if (!p.eval && now - lastLine < 10_000 && p.step < settings.steps) return;
          lastLine = now;
          const parts = [`${p.step}/${settings.steps}`, `${p.stepsPerSecond.toFixed(3)} it/s`];
          if (p.log) parts.push(`D ${p.log.dLoss.toFixed(3)} G ${p.log.gLoss.toFixed(3)}`);
          if (p.eval)
            parts.push(
              `modes ${p.eval.modesCovered} (confident ${p.eval.confidentModesCovered}) KL ${p.eval.reverseKL.toFixed(3)}`,
            );
          process.stderr.write(`${parts.join('  ')}\n`);
        },
      },
    );
    const f = result.final;
    const lines = [
      f.diverged ? `DIVERGED: ${f.diverged}` : null,
      f.modesCovered !== undefined ? formatModeCoverage(f as ImageScores) : null,
      `${settings.config.arch} G ${result.parameterCounts.generator} / D ${result.parameterCounts.discriminator} params  ${(1000 / f.stepsPerSecond).toFixed(0)} ms/step on ${tf.getBackend()}  (${f.wallSeconds.toFixed(0)} s)`,
    ];
    process.stdout.write(lines.filter(Boolean).join('\n') + '\n');
    if (typeof flags.out === 'string') {
      writeOutput(
        'out',
        flags.out,
        JSON.stringify(imageRunJson(settings, tf.getBackend(), result)),
      );
      process.stdout.write(`wrote ${flags.out}\n`);
    }
    if (settings.snapshotOut) {
      if (!snapshot) {
        process.stderr.write('No snapshot written: the run diverged.\n');
        return 1;
      }
      const bytes = imageRunFileBytes({
        snapshot,
        rows: result.history,
        evaluations: result.evals.map((e, i) => imageEvaluation(e.step, e, histograms[i])),
      });
      writeOutput('snapshot-out', settings.snapshotOut, bytes);
      process.stdout.write(`wrote ${settings.snapshotOut} (${bytes.length} bytes)\n`);
    }
  } finally {
    classifier.dispose();
  }
  return 0;
}
