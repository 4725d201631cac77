/**
 * The 1000-cell Stacked MNIST mode map: one cell per digit triple, filled as the generator's
 * samples land in it (counts from the latest evaluation). A cell that only unsure samples reach
 * (some digit read with p < 0.9) is drawn in the warning colour, so noise that the classifier
 * maps to a triple does not look like a covered mode. Hovering a cell names its triple.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { cellKind, cellStrength, coverageSummary, modeDigits, modeMapLayout } from './modeMap';

const SCALE = 2;

export function ModeMap({
  counts,
  confidentCounts,
  evalSamples,
}: {
  counts: number[] | null;
  /** Counts of confident samples per mode; absent in evaluations saved before the measure. */
  confidentCounts?: number[];
  evalSamples: number;
}) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const layout = useMemo(() => modeMapLayout(), []);
  const [hover, setHover] = useState<number | null>(null);
  const summary = counts ? coverageSummary(counts) : null;
  const confident = counts && confidentCounts ? coverageSummary(confidentCounts).covered : null;

  useEffect(() => {
    const ctx = canvasRef.current?.getContext('2d');
    if (!ctx) return;
    const styles = getComputedStyle(canvasRef.current!);
    const empty = styles.getPropertyValue('--mode-empty').trim() || 'rgba(128,128,128,0.18)';
    const full = styles.getPropertyValue('--mode-covered').trim() || 'rgb(60, 200, 130)';
    const unsure = styles.getPropertyValue('--mode-unsure').trim() || 'rgb(183, 121, 31)';
    ctx.setTransform(SCALE, 0, 0, SCALE, 0, 0);
    ctx.clearRect(0, 0, layout.width, layout.height);
    const total = counts?.reduce((a, b) => a + b, 0) ?? 0;
    for (let index = 0; index < 1000; index++) {
      const [x, y] = layout.cellOrigin(index);
      const count = counts?.[index] ?? 0;
      const kind = cellKind(count, confidentCounts?.[index]);
      ctx.globalAlpha = 1;
      ctx.fillStyle = empty;
      ctx.fillRect(x + 0.5, y + 0.5, 5, 5);
      if (kind !== 'empty') {
        ctx.globalAlpha = cellStrength(count, total);
        ctx.fillStyle = kind === 'unsure' ? unsure : full;
        ctx.fillRect(x + 0.5, y + 0.5, 5, 5);
      }
    }
    ctx.globalAlpha = 1;
  }, [counts, confidentCounts, layout]);

  const confidentText =
    confident === null ? '' : ` ${confident} of them by confident samples (each digit p ≥ 0.9).`;
  const label = summary
    ? `Mode map: ${summary.covered} of 1000 digit triples generated in the last evaluation of ${evalSamples} samples.${confidentText}`
    : 'Mode map: no evaluation yet.';
  const hovered =
    hover === null
      ? null
      : `Mode ${modeDigits(hover).join('-')} (red-green-blue): ${counts?.[hover] ?? 0} of ${evalSamples} samples` +
        (confidentCounts ? ` (${confidentCounts[hover] ?? 0} confident)` : '');

  return (
    <figure className="mode-map">
      <canvas
        ref={canvasRef}
        width={layout.width * SCALE}
        height={layout.height * SCALE}
        style={{ width: layout.width * SCALE, maxWidth: '100%' }}
        role="img"
        aria-label={label}
        onMouseMove={(e) => {
          const rect = e.currentTarget.getBoundingClientRect();
          const s = rect.width / layout.width;
          setHover(layout.modeAt((e.clientX - rect.left) / s, (e.clientY - rect.top) / s));
        }}
        onMouseLeave={() => setHover(null)}
      />
      <figcaption>
        <strong>
          {summary ? `${summary.covered} / 1000 modes` : '– / 1000 modes'}
          {confident !== null && `, ${confident} confident`}
        </strong>{' '}
        <span className="muted small">
          Ten panels, one per red digit; row = green digit, column = blue digit.
          {confidentCounts &&
            ' Green: reached by a confident sample (all three digits read with p ≥ 0.9); amber: only by samples the classifier was unsure of.'}
        </span>
        <span className="muted small mode-map-hover" aria-live="off">
          {hovered ?? '\u00a0'}
        </span>
      </figcaption>
    </figure>
  );
}
