/**
 * Props shared by every recharts line chart, defined once at module level.
 *
 * Why constants: recharts 3 keeps its state in a redux store that each axis, grid, line and
 * tooltip fills from a `useEffect` keyed on its props. A prop that is a new object or function
 * on every render (`tick={{ fontSize: 11 }}`, `domain={['auto', 'auto']}`, an inline formatter)
 * re-runs those effects on every update; each dispatch then re-renders the chart
 * *synchronously* (redux subscriptions go through useSyncExternalStore), which defeats React's
 * interruptible rendering and was the cause of the 50–90 ms main-thread tasks while training.
 * With stable props, a new history costs one dispatch (the chart's data) and one render.
 */
import type { CSSProperties } from 'react';

export const AXIS_TICK = { fontSize: 11 } as const;
export const AUTO_DOMAIN: ['auto', 'auto'] = ['auto', 'auto'];
export const DATA_DOMAIN: ['dataMin', 'dataMax'] = ['dataMin', 'dataMax'];
export const PERCENT_DOMAIN: [number, number] = [0, 100];
export const PERCENT_TICKS = [0, 50, 100];

export const TOOLTIP_STYLE: CSSProperties = {
  background: 'var(--surface)',
  border: '1px solid var(--border)',
  fontSize: 12,
};

/** Axis ticks: 3 significant digits, exponent form for very large or very small values. */
export const formatTick = (v: number) =>
  Math.abs(v) >= 1000 || (Math.abs(v) < 0.01 && v !== 0)
    ? v.toExponential(0)
    : String(+v.toPrecision(3));

/** Tooltip heading: the training step. */
export const formatStepLabel = (step: unknown) => `step ${Math.round(Number(step))}`;

/** Tooltip values: 4 significant digits. */
export const formatTooltipValue = (v: unknown) =>
  typeof v === 'number' ? +v.toPrecision(4) : String(v);

/** Points drawn per chart: SVG paths of more points cost layout and paint time, not detail. */
export const DISPLAY_POINTS = 200;

/** Every k-th point (and always the last) so that at most about `max` remain. */
export function thin<T>(points: T[], max: number): T[] {
  if (points.length <= max) return points;
  const k = Math.ceil(points.length / max);
  const out = points.filter((_, i) => i % k === 0);
  if ((points.length - 1) % k !== 0) out.push(points[points.length - 1]);
  return out;
}
