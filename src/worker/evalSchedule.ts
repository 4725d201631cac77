/**
 * When a run is evaluated, and on how many samples: every `evalEvery` iterations on
 * `evalSamples`, and before the first of those every `earlyEvalEvery` iterations on
 * `earlyEvalSamples` (fewer: cheaper, at a higher finite-sample KL floor). Stacked MNIST uses the
 * early ones so that the mode map fills within a minute instead of after 500 conv steps.
 *
 * Pure (no tfjs): the worker schedules with it, and the UI describes the schedule with it.
 */
import type { StreamOptions } from '../protocol';

export type EvalSchedule = Pick<
  StreamOptions,
  'evalEvery' | 'evalSamples' | 'earlyEvalEvery' | 'earlyEvalSamples'
>;

/** Samples of the evaluation due after iteration `step`, or 0 when none is due. */
export function evalSamplesAt(step: number, s: EvalSchedule): number {
  if (step <= 0) return 0;
  if (s.evalEvery > 0 && step % s.evalEvery === 0) return s.evalSamples;
  const beforeRegular = s.evalEvery === 0 || step < s.evalEvery;
  if (s.earlyEvalEvery > 0 && beforeRegular && step % s.earlyEvalEvery === 0)
    return s.earlyEvalSamples;
  return 0;
}

/** The first iteration after `step` with an evaluation due, or null when none ever is. */
export function nextEvalAfter(step: number, s: EvalSchedule): number | null {
  const candidates: number[] = [];
  if (s.evalEvery > 0) candidates.push((Math.floor(step / s.evalEvery) + 1) * s.evalEvery);
  if (s.earlyEvalEvery > 0) {
    const early = (Math.floor(step / s.earlyEvalEvery) + 1) * s.earlyEvalEvery;
    if (s.evalEvery === 0 || early < s.evalEvery) candidates.push(early);
  }
  return candidates.length > 0 ? Math.min(...candidates) : null;
}

/**
 * E[reverse KL] of a perfect generator scored on `samples` samples over `modes` equally likely
 * modes, (K − 1)/(2N) (engine/image/stackedMetrics.ts computes the same for each evaluation).
 */
export function klFloorFor(modes: number, samples: number): number {
  return (modes - 1) / (2 * samples);
}
