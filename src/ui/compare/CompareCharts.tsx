/**
 * Overlaid charts of the compared runs: one line per run in the run's colour, a legend naming
 * each run. Loaded lazily with recharts (like the playground's charts).
 */
import { memo, useEffect, useState } from 'react';
import {
  CartesianGrid,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';

import { runLabel, type CompareRun } from '../../store/compare';
import { historyPoints, type BoundedHistory, type HistoryPoint } from '../../store/downsample';

interface OverlaySpec {
  id: string;
  title: string;
  key: string;
  source: 'metrics' | 'evals';
  domain?: [number, number | 'auto'];
}

const OVERLAYS: OverlaySpec[] = [
  { id: 'modes', title: 'Modes covered', key: 'modesCovered', source: 'evals' },
  { id: 'kl', title: 'Reverse KL', key: 'reverseKL', source: 'evals' },
  { id: 'd-loss', title: 'D loss', key: 'dLoss', source: 'metrics' },
  { id: 'g-loss', title: 'G loss', key: 'gLoss', source: 'metrics' },
  { id: 'grad-fake', title: 'E‖∇ₓD‖² on fake', key: 'gradSqFake', source: 'metrics' },
  { id: 'sw', title: 'Sliced Wasserstein', key: 'slicedWasserstein', source: 'evals' },
];

type Series = { id: string; label: string; colour: string; points: HistoryPoint[] };

/** Every run's histories, refreshed when any of them changes (≤ 10 times a second). */
function useHistories(runs: CompareRun[]) {
  const read = () =>
    runs.map((r) => {
      const s = r.run.getState();
      return { metrics: s.metrics, evals: s.evals };
    });
  const [histories, setHistories] = useState(read);
  useEffect(() => {
    const update = () => setHistories(read());
    update();
    const offs = runs.map((r) =>
      r.run.subscribe((s, prev) => {
        if (s.metrics !== prev.metrics || s.evals !== prev.evals) update();
      }),
    );
    return () => offs.forEach((off) => off());
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [runs]);
  return histories;
}

export function CompareCharts({ runs }: { runs: CompareRun[] }) {
  const histories = useHistories(runs);
  return (
    <section className="charts compare-charts" aria-labelledby="compare-charts-heading">
      <div className="charts-header">
        <h2 id="compare-charts-heading">Training curves, all runs</h2>
        <ul className="compare-legend" aria-label="Runs">
          {runs.map((r, i) => (
            <li key={r.id}>
              <span className="run-chip" style={{ background: r.colour }} aria-hidden="true">
                {String.fromCharCode(65 + i)}
              </span>
              {runLabel(r)}
            </li>
          ))}
        </ul>
      </div>
      <div className="charts-grid">
        {OVERLAYS.map((spec) => (
          <OverlayChart
            key={spec.id}
            spec={spec}
            series={runs.map((r, i) => ({
              id: r.id,
              label: `${String.fromCharCode(65 + i)}: ${runLabel(r)}`,
              colour: r.colour,
              points: histories[i]
                ? historyPoints(histories[i][spec.source] as BoundedHistory<HistoryPoint>)
                : [],
            }))}
          />
        ))}
      </div>
    </section>
  );
}

const OverlayChart = memo(function OverlayChart({
  spec,
  series,
}: {
  spec: OverlaySpec;
  series: Series[];
}) {
  const hasData = series.some((s) => s.points.some((p) => typeof p[spec.key] === 'number'));
  return (
    <figure className="chart" aria-label={spec.title}>
      <figcaption>{spec.title}</figcaption>
      <div className="chart-body">
        {hasData ? (
          <ResponsiveContainer width="100%" height="100%">
            <LineChart margin={{ top: 4, right: 12, bottom: 0, left: -8 }}>
              <CartesianGrid strokeDasharray="3 3" stroke="var(--grid)" />
              <XAxis
                dataKey="step"
                type="number"
                domain={['dataMin', 'dataMax']}
                allowDuplicatedCategory={false}
                tick={{ fontSize: 11 }}
                stroke="var(--muted)"
              />
              <YAxis tick={{ fontSize: 11 }} stroke="var(--muted)" width={44} />
              <Tooltip
                contentStyle={{ background: 'var(--surface)', border: '1px solid var(--border)' }}
                formatter={(v) => (typeof v === 'number' ? v.toPrecision(3) : String(v))}
                labelFormatter={(step) => `step ${String(step)}`}
              />
              {series.map((s) => (
                <Line
                  key={s.id}
                  data={s.points}
                  dataKey={spec.key}
                  name={s.label}
                  stroke={s.colour}
                  dot={false}
                  strokeWidth={1.8}
                  isAnimationActive={false}
                  connectNulls
                />
              ))}
            </LineChart>
          </ResponsiveContainer>
        ) : (
          <p className="chart-empty">No data yet: press Play all.</p>
        )}
      </div>
    </figure>
  );
});
