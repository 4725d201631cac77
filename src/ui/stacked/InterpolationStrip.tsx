/**
 * Latent interpolation between two samples of the grid: G along a straight line (lerp) or along
 * the great circle (slerp) between their latents. Slerp keeps the latent norm near √d, where a
 * Gaussian's mass lies; lerp cuts through the low-norm middle, which the generator rarely saw in
 * training, so its midpoints tend to look greyer and blurrier.
 */
import { useEffect, useId, useRef } from 'react';
import { drawPixels } from './SampleGrid';

export type InterpolationMode = 'lerp' | 'slerp';

export interface InterpolationImage {
  pixels: Uint8ClampedArray;
  width: number;
  height: number;
  steps: number;
  mode: InterpolationMode;
  from: number;
  to: number;
  iteration: number;
}

export function InterpolationStrip({
  strip,
  from,
  to,
  mode,
  count,
  onChange,
  onRequest,
}: {
  strip: InterpolationImage | null;
  from: number;
  to: number;
  mode: InterpolationMode;
  /** Samples in the grid (valid indices are 0 … count − 1). */
  count: number;
  onChange: (next: { from: number; to: number; mode: InterpolationMode }) => void;
  onRequest: () => void;
}) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const id = useId();
  useEffect(() => {
    if (canvasRef.current && strip) drawPixels(canvasRef.current, strip);
  }, [strip]);
  const clamp = (v: number) => Math.max(0, Math.min(count - 1, Math.round(v) || 0));

  return (
    <section className="interpolation" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>Latent interpolation</h3>
      <div className="interpolation-controls">
        <label>
          From sample A
          <input
            type="number"
            min={0}
            max={count - 1}
            value={from}
            onChange={(e) => onChange({ from: clamp(Number(e.target.value)), to, mode })}
          />
        </label>
        <label>
          to sample B
          <input
            type="number"
            min={0}
            max={count - 1}
            value={to}
            onChange={(e) => onChange({ from, to: clamp(Number(e.target.value)), mode })}
          />
        </label>
        <fieldset className="segmented">
          <legend className="sr-only">Path through latent space</legend>
          {(['lerp', 'slerp'] as const).map((m) => (
            <label key={m} title={m === 'lerp' ? 'straight line' : 'great circle (spherical)'}>
              <input
                type="radio"
                name={`${id}-mode`}
                value={m}
                checked={mode === m}
                onChange={() => onChange({ from, to, mode: m })}
              />
              {m}
            </label>
          ))}
        </fieldset>
        <button type="button" onClick={onRequest}>
          Interpolate
        </button>
      </div>
      <canvas
        ref={canvasRef}
        className="interpolation-strip"
        role="img"
        aria-label={
          strip
            ? `${strip.steps} images from sample ${strip.from} to sample ${strip.to} by ${strip.mode} at step ${strip.iteration}`
            : 'Interpolation: press Interpolate'
        }
      />
      <p className="muted small">
        Click two samples in the grid (A, then B) or type their numbers. Slerp follows the sphere
        where Gaussian latents live; lerp passes through its sparse centre.
      </p>
    </section>
  );
}
