/**
 * `npm run train -- --dataset stacked-mnist … --snapshot-out FILE` (and `--lesson ID`): a
 * headless image run written in the app's saved-run format (store/savedRuns/runFile.ts, `.ganrun`), so
 * the browser opens it — weights, optimiser state, iteration, chart histories and the mode map of
 * the last evaluation — and trains on from there. The lessons' starting snapshots under
 * public/lessons/ are made this way.
 *
 * Reproducible byte for byte: training is seeded, the evaluations use the seed's fixed latents,
 * and the file's date is fixed (SNAPSHOT_SAVED_AT), so the same command on the same backend writes
 * the same bytes.
 */
import type { ImageGanConfig } from '../engine/core/config';
import type { ImageScores } from '../engine/image/imageRun';
import type { TrainerSnapshot } from '../engine/core/snapshot';
import type { LogRow } from '../engine/core/trainer';
import { lessonImageConfig } from '../lessons/applyLesson';
import { lessonById } from '../lessons/lessons';
import type { ImageEvaluation } from '../protocol';
import { appendBounded, emptyHistory } from '../store/downsample';
import { evalPoint, HISTORY_POINTS, type EvalPoint, type MetricPoint } from '../store/run';
import { defaultRunName, encodeRunFile, type ImageSnapshot } from '../store/savedRuns';
import { UsageError } from './args';

/** The date written into snapshot files: fixed, so that retraining gives the same bytes. */
export const SNAPSHOT_SAVED_AT = Date.UTC(2026, 0, 1);

/** The settings of an image lesson (`--lesson ID`), which the CLI's flags then override. */
export function lessonBaseConfig(id: string): ImageGanConfig {
  const lesson = lessonById(id);
  if (!lesson) throw new UsageError(`Flag --lesson: there is no lesson "${id}".`);
  if (lesson.preset.kind !== 'image')
    throw new UsageError(
      `Flag --lesson: "${id}" is not a Stacked MNIST lesson (snapshots are for image lessons).`,
    );
  return lessonImageConfig(lesson.preset.config);
}

/** An evaluation in the worker's form (with its 1000-cell histogram), from the CLI's scores. */
export function imageEvaluation(
  step: number,
  scores: ImageScores,
  histogram: ArrayLike<number>,
): ImageEvaluation {
  return {
    kind: 'image',
    step,
    modesCovered: scores.modesCovered,
    totalModes: scores.totalModes,
    reverseKL: scores.reverseKL,
    klFloor: scores.klFloor,
    evalSamples: scores.evalSamples,
    modeCounts: Array.from(histogram),
  };
}

/**
 * The run file of a finished image run: its snapshot, the diagnostics rows and evaluations as the
 * app's chart histories, and the last evaluation as the mode map on screen.
 */
export function imageRunFileBytes(run: {
  snapshot: TrainerSnapshot;
  rows: readonly LogRow[];
  evaluations: readonly ImageEvaluation[];
  name?: string;
}): Uint8Array<ArrayBuffer> {
  const snapshot = run.snapshot as ImageSnapshot;
  const evaluation = run.evaluations.at(-1) ?? null;
  return encodeRunFile({
    name: run.name ?? defaultRunName(snapshot.config, snapshot.iteration),
    savedAt: SNAPSHOT_SAVED_AT,
    content: {
      kind: 'image',
      snapshot,
      metrics: appendBounded(
        emptyHistory<MetricPoint>(),
        [...run.rows] as MetricPoint[],
        HISTORY_POINTS,
      ),
      evals: appendBounded(
        emptyHistory<EvalPoint>(),
        run.evaluations.map(evalPoint),
        HISTORY_POINTS,
      ),
      latest: run.rows.at(-1) ?? null,
      evaluation,
    },
  });
}
