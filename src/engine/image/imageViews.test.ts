import { describe, expect, it } from 'vitest';
import { gridColumns, imageGridPixels, imageViewLatents, interpolateLatents } from './imageViews';

const norm = (v: ArrayLike<number>) => Math.hypot(...Array.from(v));

describe('image views', () => {
  it('lays images out in a grid: tile k at its row and column, values mapped [−1, 1] → [0, 255]', () => {
    const count = 5;
    const images = new Float32Array(count * 28 * 28 * 3);
    // Image k: red = k/4·2 − 1 everywhere, green −1, blue +1.
    for (let k = 0; k < count; k++)
      for (let p = 0; p < 28 * 28; p++) {
        images[(k * 784 + p) * 3] = (k / 4) * 2 - 1;
        images[(k * 784 + p) * 3 + 1] = -1;
        images[(k * 784 + p) * 3 + 2] = 1;
      }
    const grid = imageGridPixels(images, count);
    expect(grid.columns).toBe(3);
    expect(grid.rows).toBe(2);
    expect(grid.width).toBe(3 * 28 + 2);
    expect(grid.pixels).toHaveLength(grid.width * grid.height * 4);
    const at = (x: number, y: number) =>
      Array.from(grid.pixels.slice((y * grid.width + x) * 4, (y * grid.width + x) * 4 + 4));
    expect(at(0, 0)).toEqual([0, 0, 255, 255]);
    expect(at(29 + 27, 27)).toEqual([64, 0, 255, 255]); // k = 1, 0.25·255 rounded
    expect(at(29, 29 + 3)).toEqual([255, 0, 255, 255]); // k = 4: second row, second column
    expect(at(28, 0)[0]).toBe(96); // the gap
    expect(at(2 * 29 + 5, 29 + 5)).toEqual([96, 96, 96, 96]); // empty cell
    expect(() => imageGridPixels(images, 6)).toThrow(/Expected 6 images/);
  });

  it('fixed latents depend only on seed, size and count', () => {
    expect(imageViewLatents(1, 8, 4)).toEqual(imageViewLatents(1, 8, 4));
    expect(imageViewLatents(2, 8, 4)).not.toEqual(imageViewLatents(1, 8, 4));
    expect(gridColumns(64)).toBe(8);
  });

  it('lerp and slerp share their ends; slerp keeps the norm, lerp sags in the middle', () => {
    const d = 64;
    const z = imageViewLatents(3, d, 2);
    const a = z.slice(0, d);
    const b = z.slice(d);
    for (const mode of ['lerp', 'slerp'] as const) {
      const path = interpolateLatents(a, b, 9, mode);
      expect(Array.from(path.slice(0, d))).toEqual(Array.from(a).map((x) => Math.fround(x)));
      path.slice(8 * d).forEach((x, i) => expect(x).toBeCloseTo(b[i], 5));
    }
    const mid = (mode: 'lerp' | 'slerp') =>
      norm(interpolateLatents(a, b, 9, mode).slice(4 * d, 5 * d));
    const ends = (norm(a) + norm(b)) / 2;
    expect(mid('slerp')).toBeCloseTo(ends, 3);
    expect(mid('lerp')).toBeLessThan(0.85 * ends); // random directions are nearly orthogonal
  });
});
