/** When runs are evaluated: Stacked MNIST's early, smaller evaluations, then the usual cadence. */
import { describe, expect, it } from 'vitest';

import { DEFAULT_STREAM } from '../protocol';
import { IMAGE_STREAM, streamFor } from '../store/session';
import { initialSettings } from '../store/settings';
import { evaluationScheduleText } from '../ui/stacked/StackedView';
import { evalSamplesAt, klFloorFor, nextEvalAfter, type EvalSchedule } from './evalSchedule';

/** [step, samples] of every evaluation in steps 1..last. */
function evaluations(s: EvalSchedule, last: number, from = 0): [number, number][] {
  const out: [number, number][] = [];
  for (let step = from + 1; step <= last; step++) {
    const n = evalSamplesAt(step, s);
    if (n > 0) out.push([step, n]);
  }
  return out;
}

describe('evaluation schedule', () => {
  it('Stacked MNIST: 1000 samples every 50 steps until 500, then 5000 every 500', () => {
    const image = { ...DEFAULT_STREAM, ...IMAGE_STREAM };
    const all = evaluations(image, 1600);
    expect(all).toEqual([
      ...[50, 100, 150, 200, 250, 300, 350, 400, 450].map((step) => [step, 1000]),
      [500, 5000],
      [1000, 5000],
      [1500, 5000],
    ]);
    // A run restored at step 200 (a lesson snapshot) carries on with the same schedule.
    expect(evaluations(image, 600, 200)).toEqual(all.filter(([step]) => step > 200 && step <= 600));
    expect(evalSamplesAt(0, image)).toBe(0);
  });

  it('toys keep their cadence: streams merge, so the toy stream turns the early ones off', () => {
    const toy = { ...DEFAULT_STREAM, ...IMAGE_STREAM, ...streamFor(initialSettings().view) };
    expect(evaluations(toy, 300)).toEqual([
      [100, 1000],
      [200, 1000],
      [300, 1000],
    ]);
    expect(evaluations(DEFAULT_STREAM, 1000)).toEqual([
      [500, 2000],
      [1000, 2000],
    ]);
  });

  it('off, only early, or early beyond the regular cadence', () => {
    const none = { evalEvery: 0, evalSamples: 100, earlyEvalEvery: 0, earlyEvalSamples: 10 };
    expect(evaluations(none, 1000)).toEqual([]);
    expect(nextEvalAfter(5, none)).toBeNull();
    const earlyOnly = { ...none, earlyEvalEvery: 300 };
    expect(evaluations(earlyOnly, 700)).toEqual([
      [300, 10],
      [600, 10],
    ]);
    // Early evaluations never run past the first regular one.
    const late = { evalEvery: 100, evalSamples: 100, earlyEvalEvery: 150, earlyEvalSamples: 10 };
    expect(evaluations(late, 300)).toEqual([
      [100, 100],
      [200, 100],
      [300, 100],
    ]);
  });

  it('nextEvalAfter agrees with evalSamplesAt', () => {
    const image = { ...DEFAULT_STREAM, ...IMAGE_STREAM };
    for (const step of [0, 1, 49, 50, 449, 450, 499, 500, 501, 999, 1000]) {
      const next = nextEvalAfter(step, image)!;
      expect(evaluations(image, next, step)[0]?.[0], `after ${step}`).toBe(next);
    }
  });

  it('the UI states each evaluation’s KL floor (K − 1)/(2N)', () => {
    expect(klFloorFor(1000, 1000)).toBeCloseTo(0.4995, 10);
    expect(klFloorFor(1000, 5000)).toBeCloseTo(0.0999, 10);
    expect(evaluationScheduleText()).toBe(
      'Evaluated first at step 50 on 1000 samples (floor 0.50) and every 50 steps until 500, then every 500 steps on 5000 samples (floor 0.10): fewer samples give a first look sooner, at a higher floor.',
    );
    expect(evaluationScheduleText({ ...IMAGE_STREAM, earlyEvalEvery: 0 })).toBe(
      'Evaluated every 500 steps on 5000 samples (floor 0.10).',
    );
  });
});
