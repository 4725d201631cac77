/**
 * `train --lesson ID --snapshot-out FILE`: the lesson's settings as the base of the flags; the
 * written run file is deterministic (two runs, same bytes) and opens as the trained run. The
 * committed lesson snapshots are checked against their recipe: retraining their first 10 steps
 * (wasm, as they were trained) reproduces the first logged rows (losses, penalties, gradient norms) exactly, and re-evaluating the
 * RpGAN snapshot's weights reproduces its stored mode map.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

import { useNodeBackend } from '../engine/core/backend';
import type { ImageGanConfig } from '../engine/core/config';
import {
  evaluateImageTrainer,
  runImageTraining,
  type ImageEvaluator,
} from '../engine/image/imageRun';
import { ImageGanTrainer } from '../engine/image/imageTrainer';
import type { Rng } from '../engine/core/rng';
import { assignSnapshot, takeSnapshot, type TrainerSnapshot } from '../engine/core/snapshot';
import { evaluateStackedMnist } from '../engine/image/stackedMetrics';
import { StackedMnistSampler, stackedBatch } from '../engine/image/stackedMnist';
import { lessonSnapshotConfig } from '../lessons/lessonSnapshot';
import { LESSONS, lessonById } from '../lessons/lessons';
import { decodeRunFile, type RunContent } from '../store/savedRuns';
import { UsageError } from './args';
import { loadClassifierFromPublic, loadMnistFromPublic, publicPath } from './assets';
import { imageEvaluation, imageRunFileBytes, lessonBaseConfig } from './runSnapshot';
import { imageSettingsFromFlags } from './trainImage';

const digits = loadMnistFromPublic();
const source = (rng: Rng) => {
  const sampler = new StackedMnistSampler(digits, rng);
  return { sample: (n: number) => stackedBatch(sampler, n) };
};

type ImageContent = Extract<RunContent, { kind: 'image' }>;

function decodeImage(bytes: Uint8Array): ImageContent {
  const decoded = decodeRunFile(bytes);
  if (!decoded.ok) throw new Error(decoded.message);
  if (decoded.value.content.kind !== 'image') throw new Error('not an image run');
  return decoded.value.content;
}

/** Trains `steps` iterations; returns the run file the CLI would write. */
async function trainToFile(config: ImageGanConfig, steps: number, evalSamples: number) {
  const classifier = loadClassifierFromPublic();
  const histograms: number[][] = [];
  const evaluate: ImageEvaluator = async (generate, n) => {
    const { histogram, ...scores } = await evaluateStackedMnist(generate, classifier, n, n);
    histograms.push(histogram);
    return scores;
  };
  let snapshot: TrainerSnapshot | null = null;
  try {
    const result = await runImageTraining(config, source, {
      steps,
      evalEvery: 1,
      evalSamples,
      logEvery: 1,
      evaluate,
      finish: async (trainer) => {
        snapshot = await takeSnapshot(trainer);
      },
    });
    return imageRunFileBytes({
      snapshot: snapshot!,
      rows: result.history,
      evaluations: result.evals.map((e, i) => imageEvaluation(e.step, e, histograms[i])),
    });
  } finally {
    classifier.dispose();
  }
}

describe('train --lesson … --snapshot-out', () => {
  it('--lesson starts from the lesson’s settings (not the --steps-scaled defaults); flags override', () => {
    const race = lessonById('stacked-mnist-race')!;
    const s = imageSettingsFromFlags({ lesson: race.id, steps: 200, 'snapshot-out': 'x.ganrun' });
    expect(s.config).toEqual(lessonSnapshotConfig(race, race.snapshots![0]));
    expect(s.config.burnInSteps).toBe(600); // the browser's, not 200/5
    expect(s.snapshotOut).toBe('x.ganrun');
    const rp = imageSettingsFromFlags({ lesson: race.id, steps: 200, loss: 'rpgan' });
    expect(rp.config).toEqual(lessonSnapshotConfig(race, race.snapshots![1]));
    expect(() => lessonBaseConfig('nope')).toThrow(UsageError);
    expect(() => lessonBaseConfig('mode-collapse')).toThrow(/not a Stacked MNIST lesson/);
  });

  it('writes the same bytes twice, and a file that opens as the trained run', async () => {
    await useNodeBackend('wasm');
    const config: ImageGanConfig = {
      ...lessonBaseConfig('latent-interpolation'),
      batchSize: 4,
    };
    const a = await trainToFile(config, 2, 20);
    const b = await trainToFile(config, 2, 20);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    const content = decodeImage(a);
    expect(content.snapshot).toMatchObject({ iteration: 2, logEvery: 1, config });
    expect(content.metrics.points.map((p) => p.step)).toEqual([1, 2]);
    expect(content.evals.points.map((p) => [p.step, p.klFloor])).toEqual([
      [1, 999 / 40],
      [2, 999 / 40],
    ]);
    expect(content.evaluation).toMatchObject({ kind: 'image', step: 2, evalSamples: 20 });
    expect(content.evaluation!.modeCounts.reduce((x, y) => x + y, 0)).toBe(20);
  }, 120_000);

  const snapshots = LESSONS.flatMap((lesson) =>
    (lesson.snapshots ?? []).map((snapshot) => ({ lesson, snapshot })),
  ).filter((x, i, all) => all.findIndex((y) => y.snapshot.path === x.snapshot.path) === i);

  it.each(snapshots.map((x) => [x.snapshot.path, x] as const))(
    'the committed %s reproduces: retraining its first 10 steps gives its first logged rows',
    async (_path, { lesson, snapshot }) => {
      await useNodeBackend('wasm');
      const content = decodeImage(new Uint8Array(readFileSync(publicPath(snapshot.path))));
      const config = lessonSnapshotConfig(lesson, snapshot);
      const { history } = await runImageTraining(config, source, {
        steps: 10,
        evalEvery: 10,
        evalSamples: 0,
        logEvery: content.snapshot.logEvery,
      });
      expect(history.map((row) => row.step)).toEqual([1, 10]);
      const stored = content.metrics.points.slice(0, 2);
      // Exactly, except the parameter-gradient norms: the files were written before
      // ganUpdates.globalNorm summed its terms in groups of 7 (ops.addAll, a WebGPU fix), which
      // moved those two diagnostics by a float32 ulp; the weights and losses are unchanged.
      const NORMS = ['dGradNorm', 'gGradNorm'];
      const without = (rows: object[]) =>
        rows.map((row) =>
          Object.fromEntries(Object.entries(row).filter(([k]) => !NORMS.includes(k))),
        );
      expect(without(stored)).toEqual(without(history));
      for (const [i, row] of history.entries())
        for (const key of NORMS) {
          const expected = stored[i][key] as number;
          expect(Math.abs(row[key as keyof typeof row] - expected) / expected).toBeLessThan(1e-6);
        }
    },
    120_000,
  );

  it('the committed RpGAN snapshot’s weights give its stored mode map', async () => {
    await useNodeBackend('wasm');
    const lesson = lessonById('latent-interpolation')!;
    const snapshot = lesson.snapshots![0];
    const content = decodeImage(new Uint8Array(readFileSync(publicPath(snapshot.path))));
    const trainer = new ImageGanTrainer(content.snapshot.config, source, content.snapshot.logEvery);
    const classifier = loadClassifierFromPublic();
    try {
      assignSnapshot(trainer, content.snapshot);
      const histograms: number[][] = [];
      const evaluation = await evaluateImageTrainer(
        trainer,
        async (generate, n) => {
          const { histogram, ...scores } = await evaluateStackedMnist(generate, classifier, n, 250);
          histograms.push(histogram);
          return scores;
        },
        content.evaluation!.evalSamples,
      );
      expect(imageEvaluation(evaluation.step, evaluation, histograms[0])).toEqual(
        content.evaluation,
      );
    } finally {
      classifier.dispose();
      trainer.dispose();
    }
  }, 300_000);
});
