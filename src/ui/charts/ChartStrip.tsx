/**
 * The losses and the mode count in a narrow column beside the plane, so that on a laptop screen
 * (1440×900) the curves are visible while the points move (the full recharts set stays below).
 * Drawn on a canvas, at most DISPLAY_POINTS points per series, in one paint per history update:
 * these charts are on screen during training, where SVG charts' layout would block the main
 * thread (e2e "long tasks, opening view").
 */
import { useEffect, useRef } from 'react';

import { historyPoints, type BoundedHistory, type HistoryPoint } from '../../store/downsample';
import { useRun } from '../context';
import { DISPLAY_POINTS, formatTick, thin } from './chartProps';
import { emptyChartText } from './emptyChart';

interface Series {
  key: string;
  name: string;
  colour: string;
}

const LOSSES: Series[] = [
  { key: 'dLoss', name: 'D loss', colour: '#2b7bb9' },
  { key: 'gLoss', name: 'G loss', colour: '#d6127a' },
];
const MODES: Series[] = [{ key: 'modesCovered', name: 'modes covered', colour: '#1b9e77' }];

export function ChartStrip() {
  const image = useRun((s) => s.kind === 'image');
  const metrics = useRun((s) => s.metrics) as BoundedHistory<HistoryPoint>;
  const evals = useRun((s) => s.evals) as BoundedHistory<HistoryPoint>;
  const started = useRun((s) => s.iteration > 0 || s.phase !== 'paused' || s.slowMotion);
  return (
    <section className="chart-strip" aria-label="Live curves beside the plane">
      <Sparkline
        title="D and G loss, live"
        series={LOSSES}
        history={metrics}
        empty={emptyChartText('metrics', started, 0)}
      />
      <Sparkline
        title="Modes covered, live"
        series={MODES}
        history={evals}
        empty={emptyChartText('evals', started, image ? 500 : 100)}
      />
    </section>
  );
}

function Sparkline({
  title,
  series,
  history,
  empty,
}: {
  title: string;
  series: Series[];
  history: BoundedHistory<HistoryPoint>;
  empty: string;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const points = thin(historyPoints(history), DISPLAY_POINTS);
  const last = points.at(-1);
  useEffect(() => {
    const el = canvas.current;
    if (el && points.length > 0) drawSparkline(el, points, series);
  }, [points, series]);
  const titleId = `strip-${series[0].key}`;
  return (
    <figure
      className="chart sparkline"
      role="group"
      aria-labelledby={titleId}
      data-points={points.length}
    >
      <figcaption id={titleId}>{title}</figcaption>
      <ul className="chart-legend">
        {series.map((s) => {
          const value = last?.[s.key];
          return (
            <li key={s.key}>
              <span className="chart-key" style={{ background: s.colour }} />
              {s.name}
              {typeof value === 'number' ? ` ${formatTick(value)}` : ''}
            </li>
          );
        })}
      </ul>
      <div className="chart-body">
        {points.length === 0 ? (
          <p className="chart-empty muted">{empty}</p>
        ) : (
          <canvas
            ref={canvas}
            className="sparkline-canvas"
            role="img"
            aria-label={`${title}: ${points.length} points up to step ${last?.step ?? 0}`}
          />
        )}
      </div>
    </figure>
  );
}

/** Lines of each series over the steps, y from the series' joint range, with its bounds labelled. */
function drawSparkline(canvas: HTMLCanvasElement, points: HistoryPoint[], series: Series[]) {
  const dpr = window.devicePixelRatio || 1;
  const width = Math.max(1, Math.round(canvas.clientWidth * dpr));
  const height = Math.max(1, Math.round(canvas.clientHeight * dpr));
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.clearRect(0, 0, width, height);
  let lo = Infinity;
  let hi = -Infinity;
  for (const p of points)
    for (const s of series) {
      const v = p[s.key];
      if (typeof v === 'number' && Number.isFinite(v)) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
  if (!Number.isFinite(lo)) return;
  if (hi === lo) [lo, hi] = [lo - 1, hi + 1];
  const first = points[0].step;
  const span = Math.max(1, (points.at(-1)?.step ?? first) - first);
  const pad = 4 * dpr;
  const labelWidth = 30 * dpr;
  const x = (step: number) => labelWidth + ((step - first) / span) * (width - labelWidth - pad);
  const y = (v: number) => pad + (1 - (v - lo) / (hi - lo)) * (height - 2 * pad);
  const style = getComputedStyle(canvas);
  ctx.font = `${10 * dpr}px sans-serif`;
  ctx.fillStyle = style.color;
  ctx.textBaseline = 'top';
  ctx.fillText(formatTick(hi), 0, 0);
  ctx.textBaseline = 'bottom';
  ctx.fillText(formatTick(lo), 0, height);
  ctx.lineWidth = 1.5 * dpr;
  for (const s of series) {
    ctx.strokeStyle = s.colour;
    ctx.beginPath();
    let drawing = false;
    for (const p of points) {
      const v = p[s.key];
      if (typeof v !== 'number' || !Number.isFinite(v)) continue;
      if (drawing) ctx.lineTo(x(p.step), y(v));
      else ctx.moveTo(x(p.step), y(v));
      drawing = true;
    }
    // A lone point (one evaluation so far) as a dot.
    if (points.length === 1) ctx.arc(x(points[0].step), y(lo + (hi - lo) / 2), 2 * dpr, 0, 7);
    ctx.stroke();
  }
}
