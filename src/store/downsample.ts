/**
 * Bounded chart histories. A long run logs tens of thousands of rows; a chart needs a few
 * hundred points to look right, and memory must not grow with the run. Each stored point is the
 * average of `stride` consecutive rows; when the history grows past its cap, neighbouring points
 * are merged pairwise and the stride doubles, so every point always covers the same number of
 * rows (an unweighted merge of a 512-row point with a 1-row point would bias old values).
 */

/** A chart point: `step` on the x axis, any number of numeric (or missing) series. */
export type HistoryPoint = { step: number } & Record<string, number | null>;

export interface BoundedHistory<T extends HistoryPoint> {
  /** Complete points, oldest first, each the mean of `stride` rows. */
  points: T[];
  stride: number;
  /** Mean of the rows since the last complete point, and how many (0: none). */
  partial: T | null;
  partialCount: number;
}

export function emptyHistory<T extends HistoryPoint>(): BoundedHistory<T> {
  return { points: [], stride: 1, partial: null, partialCount: 0 };
}

/**
 * Weighted mean of two points, field by field (weights: how many rows each stands for). A field
 * that is missing or not finite in one of them takes the other's value.
 */
export function mergePoints<T extends HistoryPoint>(a: T, b: T, wa = 1, wb = 1): T {
  const out: Record<string, number | null> = {};
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const x = a[key];
    const y = b[key];
    const xOk = typeof x === 'number' && Number.isFinite(x);
    const yOk = typeof y === 'number' && Number.isFinite(y);
    out[key] = xOk && yOk ? (wa * x + wb * y) / (wa + wb) : xOk ? x : yOk ? y : null;
  }
  return out as T;
}

/**
 * Adds `rows` to the history (returns a new history; the input is not modified), keeping at
 * most `max` complete points. `max` must be even and at least 4.
 */
export function appendBounded<T extends HistoryPoint>(
  history: BoundedHistory<T>,
  rows: readonly T[],
  max: number,
): BoundedHistory<T> {
  if (max < 4 || max % 2 !== 0) throw new Error('appendBounded: max must be even and ≥ 4');
  let { points, stride, partial, partialCount } = history;
  points = points.slice();
  for (const row of rows) {
    partial = partial === null ? row : mergePoints(partial, row, partialCount, 1);
    partialCount++;
    if (partialCount < stride) continue;
    points.push(partial);
    partial = null;
    partialCount = 0;
    if (points.length > max) {
      const merged: T[] = [];
      for (let i = 0; i + 1 < points.length; i += 2)
        merged.push(mergePoints(points[i], points[i + 1]));
      // With max even, points.length is max + 1 here: the newest point has no partner yet.
      partial = points.length % 2 === 1 ? points[points.length - 1] : null;
      partialCount = partial === null ? 0 : stride;
      points = merged;
      stride *= 2;
    }
  }
  return { points, stride, partial, partialCount };
}

/** What a chart shows: the complete points, then the partial one (the freshest data). */
export function historyPoints<T extends HistoryPoint>(history: BoundedHistory<T>): T[] {
  return history.partial === null ? history.points : [...history.points, history.partial];
}

/** The history without points past `step` (a run that went back to a snapshot redoes them). */
export function truncateHistory<T extends HistoryPoint>(
  history: BoundedHistory<T>,
  step: number,
): BoundedHistory<T> {
  const points = history.points.filter((p) => p.step <= step);
  const keepPartial = history.partial !== null && history.partial.step <= step;
  if (points.length === history.points.length && (keepPartial || history.partial === null)) {
    return history;
  }
  return {
    points,
    stride: history.stride,
    partial: keepPartial ? history.partial : null,
    partialCount: keepPartial ? history.partialCount : 0,
  };
}
