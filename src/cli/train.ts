/**
 * Headless training: `npm run train -- --dataset grid25 --loss rpgan --r1 1 --r2 1 --steps 3000
 * --seed 1 --out run.json`. Writes config, history, evals, final metrics and the final samples.
 */
import * as tf from '@tensorflow/tfjs-core';
import { useNodeBackend } from '../engine/core/backend';
import { makeToyDataset } from '../engine/toy/datasets';
import { runToyTraining, type RunResult } from '../engine/toy/run';
import {
  checkOutputPath,
  runCommand,
  UsageError,
  writeOutput,
  type FlagSpec,
  type ParsedFlags,
} from './args';
import { DEFAULT_STEPS, settingsFromFlags, TRAIN_FLAGS, type RunSettings } from './trainOptions';
import { PRECISION_STEPS } from '../engine/core/config';
import { ProgressBar } from './progress';
import { EVAL_REAL_FLAG, evalRealMain, withStackedMnistChoice } from './evalReal';
import { trainImageMain } from './trainImage';

const FLAGS: Record<string, FlagSpec> = {
  ...TRAIN_FLAGS,
  dataset: withStackedMnistChoice(TRAIN_FLAGS.dataset),
  'eval-real': EVAL_REAL_FLAG,
  out: {
    type: 'string',
    placeholder: 'file.json',
    help: 'write the run (config, history, evals, final, samples) here',
  },
  lesson: {
    type: 'string',
    placeholder: 'id',
    help: "start from a Stacked MNIST lesson's settings (implies --dataset stacked-mnist; other flags override them)",
  },
  'snapshot-out': {
    type: 'string',
    placeholder: 'file.ganrun',
    help: "stacked-mnist: write the trained run in the app's saved-run format (a lesson's starting snapshot)",
  },
  quiet: { type: 'boolean', help: 'no progress bar' },
  help: { type: 'boolean', help: 'show this help' },
};

const USAGE = `Usage: npm run train -- [flags]

Trains a GAN on a 2-D toy distribution in Node and reports modes covered, % high-quality
samples (within 3σ), reverse KL and sliced Wasserstein distance.

Default budgets of the fast recipe, in iterations (the budgets of the README's experiments
table). With the wasm backend and the default 3×64 MLPs an iteration takes ~25–40 ms on one
core of our 2-core machines. grid25 defaults to --recipe precision: ${PRECISION_STEPS} iterations,
about 15 minutes (the run behind the README's science bar); --recipe fast: about 3 minutes.
${Object.entries(DEFAULT_STEPS)
  .map(([name, steps]) => `  ${name.padEnd(9)}${steps}`)
  .join('\n')}`;

export function runJson(settings: RunSettings, backend: string, result: RunResult) {
  const dataset = makeToyDataset(settings.config.dataset, { points: settings.config.customPoints });
  return {
    config: {
      ...settings.config,
      steps: settings.steps,
      evalEvery: settings.evalEvery,
      evalSamples: settings.evalSamples,
      logEvery: settings.logEvery,
      backend,
      parameterCounts: result.parameterCounts,
      dataset: {
        name: dataset.name,
        ...(dataset.mixture
          ? {
              centers: dataset.mixture.centers,
              sigma: dataset.mixture.sigma,
              weights: dataset.mixture.weights,
            }
          : {}),
      },
    },
    history: result.history,
    evals: result.evals,
    final: result.final,
    samples: result.samples,
  };
}

async function main(flags: ParsedFlags): Promise<number> {
  checkOutputPath('out', flags.out);
  checkOutputPath('snapshot-out', flags['snapshot-out']);
  if (flags['eval-real']) return evalRealMain(flags);
  if (
    flags.lesson !== undefined &&
    flags.dataset !== undefined &&
    flags.dataset !== 'stacked-mnist'
  )
    throw new UsageError(
      "Flag --lesson trains the lesson's Stacked MNIST run: leave out --dataset.",
    );
  if (flags.dataset === 'stacked-mnist' || flags.lesson !== undefined) return trainImageMain(flags);
  if (flags['snapshot-out'] !== undefined)
    throw new UsageError('Flag --snapshot-out needs --dataset stacked-mnist (or --lesson).');
  const settings = settingsFromFlags(flags);
  await useNodeBackend(settings.backend);
  const bar = flags.quiet ? null : new ProgressBar(settings.steps);
  const result = await runToyTraining(settings.config, {
    steps: settings.steps,
    evalEvery: settings.evalEvery,
    evalSamples: settings.evalSamples,
    logEvery: settings.logEvery,
    onProgress: (p) => bar?.update(p),
  });
  bar?.done();
  const f = result.final;
  const pct = (x: number | null) => (x === null ? '–' : `${(100 * x).toFixed(1)} %`);
  process.stdout.write(
    [
      f.diverged ? `DIVERGED: ${f.diverged}` : null,
      f.totalModes !== null
        ? `modes ${f.modesCovered}/${f.totalModes}  high-quality ${pct(f.highQuality)}  reverse KL ${f.reverseKL?.toFixed(3) ?? '–'}`
        : null,
      `sliced Wasserstein ${f.slicedWasserstein.toFixed(4)}  ${f.stepsPerSecond.toFixed(1)} steps/s on ${tf.getBackend()}  (${f.wallSeconds.toFixed(0)} s)`,
    ]
      .filter(Boolean)
      .join('\n') + '\n',
  );
  if (typeof flags.out === 'string') {
    writeOutput('out', flags.out, JSON.stringify(runJson(settings, tf.getBackend(), result)));
    process.stdout.write(`wrote ${flags.out}\n`);
  }
  return 0;
}

process.exitCode = await runCommand('train', USAGE, FLAGS, main);
