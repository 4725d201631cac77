import type { GanConfig } from './config';

/**
 * R3GAN's burn-in (gan-facts.md §1.3): a cosine from a start value to the final value over
 * T iterations, then constant: v(t) = v_end + (v_start − v_end)·½(1 + cos(π t / T)).
 */
export function cosineBurnIn(start: number, end: number, t: number, total: number): number {
  if (total <= 0 || t >= total) return end;
  return end + (start - end) * 0.5 * (1 + Math.cos((Math.PI * t) / total));
}

/** The hyper-parameters in force at one iteration (after the burn-in schedule). */
export interface ScheduledValues {
  r1Gamma: number;
  r2Gamma: number;
  gLr: number;
  dLr: number;
  gBeta2: number;
  dBeta2: number;
  emaBeta: number;
}

/** The settings a burn-in schedule reads (toy and image configs share them). */
export type ScheduleSettings = Pick<
  GanConfig,
  | 'burnInSteps'
  | 'gammaBurnInFactor'
  | 'beta2BurnIn'
  | 'lrEndFactor'
  | 'emaHalfLife'
  | 'r1Gamma'
  | 'r2Gamma'
  | 'gOptimizer'
  | 'dOptimizer'
>;

/** Hyper-parameters at iteration t after R3GAN's cosine burn-in (gan-facts.md §1.3). */
export function scheduledValues(c: ScheduleSettings, t: number): ScheduledValues {
  const T = c.burnInSteps;
  const gamma = (g: number) => cosineBurnIn(g * c.gammaBurnInFactor, g, t, T);
  const beta2 = (b: number) => (c.beta2BurnIn === null ? b : cosineBurnIn(c.beta2BurnIn, b, t, T));
  const lr = (l: number) => cosineBurnIn(l, l * c.lrEndFactor, t, T);
  const halfLife = cosineBurnIn(0, c.emaHalfLife, t, T);
  return {
    r1Gamma: gamma(c.r1Gamma),
    r2Gamma: gamma(c.r2Gamma),
    gLr: lr(c.gOptimizer.lr),
    dLr: lr(c.dOptimizer.lr),
    gBeta2: beta2(c.gOptimizer.beta2),
    dBeta2: beta2(c.dOptimizer.beta2),
    emaBeta: halfLife > 0 ? 0.5 ** (1 / halfLife) : 0,
  };
}
