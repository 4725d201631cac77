/**
 * R3GAN's burn-in (gan-facts.md §1.3): a cosine from a start value to the final value over
 * T iterations, then constant: v(t) = v_end + (v_start − v_end)·½(1 + cos(π t / T)).
 */
export function cosineBurnIn(start: number, end: number, t: number, total: number): number {
  if (total <= 0 || t >= total) return end;
  return end + (start - end) * 0.5 * (1 + Math.cos((Math.PI * t) / total));
}
