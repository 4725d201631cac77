/**
 * The generator's mapping on the plane, as pure functions (no DOM, no tfjs):
 * - where each latent sits before G moves it: its coordinates in the manifold view's latent plane
 *   (engine/toy/latentPlane.ts), drawn as a square in the middle of the view, so the UI can morph the
 *   noise into G's output (GAN Lab's "hover on G" animation);
 * - where G puts its mass: the density of G's output over each cell of the manifold mesh;
 * - D's value at any point of the plane, interpolated from the streamed heatmap grid.
 */
import { MANIFOLD_SPAN } from '../../engine/toy/latentPlane';
import type { ViewBounds } from '../../protocol';
import type { HeatmapView } from '../../store/run';

/** The latent square ±MANIFOLD_SPAN is drawn over this fraction of the view's half-width. */
const LATENT_SQUARE_FRACTION = 0.8;

/**
 * Latent-plane coordinates (a, b) to positions on the data plane: the square ±MANIFOLD_SPAN maps
 * onto a square in the middle of `bounds`, a to the right and b up, so the manifold grid's
 * latents start as a regular grid and the view's latents as a round cloud.
 */
export function latentToPlane(ab: ArrayLike<number>, bounds: ViewBounds): Float32Array {
  const cx = (bounds.xMin + bounds.xMax) / 2;
  const cy = (bounds.yMin + bounds.yMax) / 2;
  const half = Math.min(bounds.xMax - bounds.xMin, bounds.yMax - bounds.yMin) / 2;
  const k = (LATENT_SQUARE_FRACTION * half) / MANIFOLD_SPAN;
  const out = new Float32Array(ab.length);
  for (let i = 0; i + 1 < ab.length; i += 2) {
    out[i] = cx + k * ab[i];
    out[i + 1] = cy + k * ab[i + 1];
  }
  return out;
}

/** The regular grid of the manifold view in latent-plane coordinates (row 0 at b = +span). */
export function latentGrid(resolution: number): Float32Array {
  const out = new Float32Array(resolution * resolution * 2);
  for (let row = 0; row < resolution; row++) {
    for (let col = 0; col < resolution; col++) {
      const i = 2 * (row * resolution + col);
      out[i] = MANIFOLD_SPAN * ((2 * col) / (resolution - 1) - 1);
      out[i + 1] = MANIFOLD_SPAN * (1 - (2 * row) / (resolution - 1));
    }
  }
  return out;
}

/** Smooth start and stop (cubic ease in and out) of t ∈ [0, 1]. */
export function ease(t: number): number {
  const c = Math.min(1, Math.max(0, t));
  return c < 0.5 ? 4 * c * c * c : 1 - (-2 * c + 2) ** 3 / 2;
}

/** `from` moved a fraction t of the way to `to`, point by point (arrays of equal length). */
export function morph(
  from: ArrayLike<number>,
  to: ArrayLike<number>,
  t: number,
  out = new Float32Array(to.length),
): Float32Array {
  for (let i = 0; i < to.length; i++) out[i] = from[i] + (to[i] - from[i]) * t;
  return out;
}

/** Window event that plays the mapping animation on the plane (the overview's G sends it). */
export const SHOW_MAPPING_EVENT = 'gan-show-mapping';

/** Timeline of the mapping animation, in ms: noise shown, then the morph, then G's output. */
export const MAPPING_HOLD_MS = 500;
export const MAPPING_MORPH_MS = 1500;
export const MAPPING_TOTAL_MS = 2 * MAPPING_HOLD_MS + MAPPING_MORPH_MS;

/** How far the morph is (0 = noise, 1 = G's output) `elapsed` ms into the animation. */
export function mappingProgress(elapsed: number): number {
  return ease((elapsed - MAPPING_HOLD_MS) / MAPPING_MORPH_MS);
}

/**
 * G's output density over each cell of the manifold mesh, relative to the densest cell: the
 * probability mass of the latent cell (a standard normal on the latent plane, evaluated at the
 * cell's centre) divided by the area of the quadrilateral G maps it to. Where G squeezes much
 * latent mass into a small area the value is high: that is where G puts its samples. Row-major
 * (n − 1)² values in [0, 1]; `mesh` is G on `latentGrid(n)` (interleaved x, y).
 */
export function manifoldDensity(mesh: ArrayLike<number>, n: number): Float32Array {
  const cells = new Float32Array((n - 1) * (n - 1));
  if (n < 2 || mesh.length !== n * n * 2) return cells;
  const step = (2 * MANIFOLD_SPAN) / (n - 1);
  const x = (r: number, c: number) => mesh[2 * (r * n + c)];
  const y = (r: number, c: number) => mesh[2 * (r * n + c) + 1];
  let max = 0;
  for (let row = 0; row + 1 < n; row++) {
    const b = MANIFOLD_SPAN * (1 - (2 * row + 1) / (n - 1));
    for (let col = 0; col + 1 < n; col++) {
      const a = MANIFOLD_SPAN * ((2 * col + 1) / (n - 1) - 1);
      const mass = Math.exp(-(a * a + b * b) / 2) * step * step;
      // Shoelace area of the quad (r, c) → (r, c+1) → (r+1, c+1) → (r+1, c).
      const corners: [number, number][] = [
        [row, col],
        [row, col + 1],
        [row + 1, col + 1],
        [row + 1, col],
      ];
      let twice = 0;
      for (let k = 0; k < 4; k++) {
        const [r0, c0] = corners[k];
        const [r1, c1] = corners[(k + 1) % 4];
        twice += x(r0, c0) * y(r1, c1) - x(r1, c1) * y(r0, c0);
      }
      const area = Math.abs(twice) / 2;
      // A cell folded flat has no area: its mass is at least as dense as the densest real cell.
      const density = area > 1e-12 ? mass / area : Infinity;
      cells[row * (n - 1) + col] = density;
      if (Number.isFinite(density)) max = Math.max(max, density);
    }
  }
  for (let i = 0; i < cells.length; i++) {
    const d = cells[i];
    cells[i] = !Number.isFinite(d) ? (Number.isNaN(d) ? 0 : 1) : max > 0 ? d / max : 0;
  }
  return cells;
}

/**
 * Shade of a relative density: logarithmic over three decades (a cell 1000× sparser than the
 * densest is blank), so both a tight cluster and the thin sheets between clusters show.
 */
export function densityShade(relative: number): number {
  if (!(relative > 0)) return 0;
  return Math.max(0, 1 + Math.log10(Math.min(1, relative)) / 3);
}

/**
 * D's logit at (x, y), bilinear between the centres of the streamed heatmap's cells (the grid of
 * engine/toy/views.ts gridPoints: n × n cells over `bounds`, row 0 at the top), held constant in the
 * half cell between the outermost centres and the edge. Null outside the heatmap's bounds.
 */
export function heatmapLogitAt(heatmap: HeatmapView, x: number, y: number): number | null {
  const { bounds, resolution: n, logits } = heatmap;
  if (x < bounds.xMin || x > bounds.xMax || y < bounds.yMin || y > bounds.yMax) return null;
  if (logits.length !== n * n || n < 1) return null;
  const dx = (bounds.xMax - bounds.xMin) / n;
  const dy = (bounds.yMax - bounds.yMin) / n;
  const col = Math.min(n - 1, Math.max(0, (x - bounds.xMin) / dx - 0.5));
  const row = Math.min(n - 1, Math.max(0, (bounds.yMax - y) / dy - 0.5));
  const c0 = Math.floor(col);
  const r0 = Math.floor(row);
  const c1 = Math.min(n - 1, c0 + 1);
  const r1 = Math.min(n - 1, r0 + 1);
  const fc = col - c0;
  const fr = row - r0;
  const at = (r: number, c: number) => logits[r * n + c];
  const top = at(r0, c0) + (at(r0, c1) - at(r0, c0)) * fc;
  const bottom = at(r1, c0) + (at(r1, c1) - at(r1, c0)) * fc;
  return top + (bottom - top) * fr;
}

/** Losses whose D output is the logit of a probability that x is real. */
const PROBABILITY_LOSSES = new Set(['minimax', 'nsgan']);

/** The hover read-out: coordinates and D's verdict there, in words that fit the loss. */
export function describePoint(x: number, y: number, logit: number | null, loss: string): string {
  const where = `x = ${x.toFixed(2)}, y = ${y.toFixed(2)}`;
  if (logit === null) return `${where} (D's map is not streamed here)`;
  if (PROBABILITY_LOSSES.has(loss)) {
    const p = 1 / (1 + Math.exp(-logit));
    return `${where}: D(x) = ${logit.toFixed(2)}, σ(D(x)) = ${p.toFixed(2)}: D says “real” with probability ${Math.round(100 * p)} %`;
  }
  return `${where}: D(x) = ${logit.toFixed(2)} (only differences matter for this loss: higher is “more real”)`;
}
