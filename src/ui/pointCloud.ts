/**
 * Draws a toy run's point cloud: real data in grey, generated points in colour, optionally the
 * transport vectors as short strokes. Coordinates map `bounds` onto the whole canvas (y up).
 */
import type { ViewBounds } from '../protocol';

export interface PointCloud {
  bounds: ViewBounds;
  /** Interleaved x, y. */
  real: Float32Array | null;
  fake: Float32Array | null;
  transport?: Float32Array | null;
}

export const REAL_COLOUR = 'rgba(128, 128, 128, 0.55)';
export const FAKE_COLOUR = 'rgba(230, 85, 13, 0.85)';

export function drawPointCloud(canvas: HTMLCanvasElement, cloud: PointCloud): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const { width, height } = canvas;
  const { xMin, xMax, yMin, yMax } = cloud.bounds;
  const sx = width / (xMax - xMin);
  const sy = height / (yMax - yMin);
  const px = (x: number) => (x - xMin) * sx;
  const py = (y: number) => (yMax - y) * sy;
  const radius = Math.max(1.5, width / 240);

  ctx.clearRect(0, 0, width, height);
  const dots = (points: Float32Array, colour: string) => {
    ctx.fillStyle = colour;
    ctx.beginPath();
    for (let i = 0; i < points.length; i += 2) {
      const x = px(points[i]);
      const y = py(points[i + 1]);
      ctx.moveTo(x + radius, y);
      ctx.arc(x, y, radius, 0, 2 * Math.PI);
    }
    ctx.fill();
  };
  if (cloud.real) dots(cloud.real, REAL_COLOUR);
  if (cloud.fake) {
    const { fake, transport } = cloud;
    if (transport && transport.length === fake.length) {
      // Scale so the longest arrow spans a tenth of the view.
      let longest = 0;
      for (let i = 0; i < transport.length; i += 2) {
        longest = Math.max(longest, Math.hypot(transport[i], transport[i + 1]));
      }
      const scale = longest > 0 ? (0.1 * (xMax - xMin)) / longest : 0;
      ctx.strokeStyle = FAKE_COLOUR;
      ctx.lineWidth = 1;
      ctx.beginPath();
      for (let i = 0; i < fake.length; i += 2) {
        ctx.moveTo(px(fake[i]), py(fake[i + 1]));
        ctx.lineTo(px(fake[i] + scale * transport[i]), py(fake[i + 1] + scale * transport[i + 1]));
      }
      ctx.stroke();
    }
    dots(fake, FAKE_COLOUR);
  }
}
