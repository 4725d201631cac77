/**
 * The 1000-cell Stacked MNIST mode map: one cell per digit triple, filled as the generator's
 * samples land in it (counts from the latest evaluation). Hovering a cell names its triple.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { cellStrength, coverageSummary, modeDigits, modeMapLayout } from './modeMap';

const SCALE = 2;

export function ModeMap({ counts, evalSamples }: { counts: number[] | null; evalSamples: number }) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const layout = useMemo(() => modeMapLayout(), []);
  const [hover, setHover] = useState<number | null>(null);
  const summary = counts ? coverageSummary(counts) : null;

  useEffect(() => {
    const ctx = canvasRef.current?.getContext('2d');
    if (!ctx) return;
    const styles = getComputedStyle(canvasRef.current!);
    const empty = styles.getPropertyValue('--mode-empty').trim() || 'rgba(128,128,128,0.18)';
    const full = styles.getPropertyValue('--mode-covered').trim() || 'rgb(60, 200, 130)';
    ctx.setTransform(SCALE, 0, 0, SCALE, 0, 0);
    ctx.clearRect(0, 0, layout.width, layout.height);
    const total = counts?.reduce((a, b) => a + b, 0) ?? 0;
    for (let index = 0; index < 1000; index++) {
      const [x, y] = layout.cellOrigin(index);
      const strength = counts ? cellStrength(counts[index] ?? 0, total) : 0;
      ctx.globalAlpha = 1;
      ctx.fillStyle = empty;
      ctx.fillRect(x + 0.5, y + 0.5, 5, 5);
      if (strength > 0) {
        ctx.globalAlpha = strength;
        ctx.fillStyle = full;
        ctx.fillRect(x + 0.5, y + 0.5, 5, 5);
      }
    }
    ctx.globalAlpha = 1;
  }, [counts, layout]);

  const label = summary
    ? `Mode map: ${summary.covered} of 1000 digit triples generated in the last evaluation of ${evalSamples} samples.`
    : 'Mode map: no evaluation yet.';
  const hovered =
    hover === null
      ? null
      : `Mode ${modeDigits(hover).join('-')} (red-green-blue): ${counts?.[hover] ?? 0} of ${evalSamples} samples`;

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
        <strong>{summary ? `${summary.covered} / 1000 modes` : '– / 1000 modes'}</strong>{' '}
        <span className="muted small">
          Ten panels, one per red digit; row = green digit, column = blue digit.
        </span>
        <span className="muted small mode-map-hover" aria-live="off">
          {hovered ?? '\u00a0'}
        </span>
      </figcaption>
    </figure>
  );
}
