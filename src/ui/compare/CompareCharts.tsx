/**
 * Overlaid charts of the compared runs: one line per run in the run's colour, a legend naming
 * each run. Loaded lazily with recharts (like the playground's charts), and drawn the same way:
 * stable props (chartProps.ts), at most 200 points a line, one chart per task (renderQueue.ts).
 */
import { memo, useEffect, useMemo, useRef, useState } from 'react';
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
import {
  AXIS_TICK,
  DATA_DOMAIN,
  DISPLAY_POINTS,
  TOOLTIP_STYLE,
  formatStepLabel,
  formatTick,
  formatTooltipValue,
  thin,
} from '../charts/chartProps';
import { useInView, useQueuedValue } from '../charts/renderQueue';

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
type Histories = ReturnType<typeof useHistories>;

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
          <OverlayFromHistories key={spec.id} spec={spec} runs={runs} histories={histories} />
        ))}
      </div>
    </section>
  );
}

/** One overlay, redrawn through the render queue while it is on screen. */
function OverlayFromHistories({
  spec,
  runs,
  histories,
}: {
  spec: OverlaySpec;
  runs: CompareRun[];
  histories: Histories;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const shown = useQueuedValue(histories, useInView(ref));
  const series = useMemo(
    () =>
      runs.map((r, i) => ({
        id: r.id,
        label: `${String.fromCharCode(65 + i)}: ${runLabel(r)}`,
        colour: r.colour,
        points: shown[i]
          ? thin(
              historyPoints(shown[i][spec.source] as BoundedHistory<HistoryPoint>),
              DISPLAY_POINTS,
            )
          : [],
      })),
    [runs, shown, spec.source],
  );
  return (
    <div ref={ref} className="chart-slot">
      <OverlayChart spec={spec} series={series} />
    </div>
  );
}

// A stable object: see chartProps.ts for why recharts needs them.
const MARGIN = { top: 4, right: 12, bottom: 0, left: -8 };

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
            <LineChart margin={MARGIN}>
              <CartesianGrid strokeDasharray="3 3" stroke="var(--grid)" />
              <XAxis
                dataKey="step"
                type="number"
                domain={DATA_DOMAIN}
                allowDuplicatedCategory={false}
                tick={AXIS_TICK}
                tickFormatter={formatTick}
                stroke="var(--muted)"
              />
              <YAxis tick={AXIS_TICK} tickFormatter={formatTick} stroke="var(--muted)" width={44} />
              <Tooltip
                isAnimationActive={false}
                contentStyle={TOOLTIP_STYLE}
                formatter={formatTooltipValue}
                labelFormatter={formatStepLabel}
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
