/**
 * A grid of generated 28×28×3 images from the run's fixed latents (the same latents every time,
 * so the user watches the same samples evolve). Clicking a tile picks it as an end of the latent
 * interpolation; the number inputs next to the strip do the same from the keyboard.
 */
import { useEffect, useRef } from 'react';
import type { ImageGrid as Grid } from '../../protocol';

/** A grid of images and the iteration it shows. */
export type ImageGrid = Grid & { iteration: number };

/** Puts RGBA pixels into a canvas at their own resolution; CSS scales them up without blur. */
export function drawPixels(
  canvas: HTMLCanvasElement,
  image: { pixels: Uint8ClampedArray; width: number; height: number; iteration: number },
): void {
  canvas.width = image.width;
  canvas.height = image.height;
  const data = new ImageData(new Uint8ClampedArray(image.pixels), image.width, image.height);
  canvas.getContext('2d')?.putImageData(data, 0, 0);
  canvas.dataset.frame = String(Number(canvas.dataset.frame ?? 0) + 1);
  canvas.dataset.iteration = String(image.iteration);
}

export function SampleGrid({
  image,
  selected,
  onSelect,
}: {
  image: ImageGrid | null;
  selected: [number, number];
  onSelect: (index: number) => void;
}) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (canvasRef.current && image) drawPixels(canvasRef.current, image);
  }, [image]);

  const tileStyle = (index: number) => {
    if (!image) return undefined;
    const col = index % image.columns;
    const row = Math.floor(index / image.columns);
    return {
      left: `${(100 * col) / image.columns}%`,
      top: `${(100 * row) / image.rows}%`,
      width: `${100 / image.columns}%`,
      height: `${100 / image.rows}%`,
    };
  };

  return (
    <div className="sample-grid">
      <canvas
        ref={canvasRef}
        role="img"
        aria-label={
          image
            ? `Generated samples at step ${image.iteration}: ${image.columns * image.rows} images from fixed latents`
            : 'Generated samples: none yet'
        }
        onClick={(e) => {
          if (!image) return;
          const rect = e.currentTarget.getBoundingClientRect();
          const col = Math.floor(((e.clientX - rect.left) / rect.width) * image.columns);
          const row = Math.floor(((e.clientY - rect.top) / rect.height) * image.rows);
          onSelect(row * image.columns + col);
        }}
      />
      {image &&
        selected.map((index, i) => (
          <span
            key={i}
            className={`sample-pick sample-pick-${i === 0 ? 'a' : 'b'}`}
            style={tileStyle(index)}
            aria-hidden="true"
          >
            {i === 0 ? 'A' : 'B'}
          </span>
        ))}
    </div>
  );
}
