/**
 * Draws the 2-D plane of a toy run on a canvas, in layers: D's heatmap, the mixture's mode
 * markers, real points (grey), transport arrows and generated points (vivid). No React; the
 * colour map is a pure function so it can be tested and reused by the legend.
 */
import type { ViewBounds } from '../../protocol';
import type { HeatmapView } from '../../store/run';
import { densityShade, manifoldDensity } from './mapping';

export type Rgb = [number, number, number];

export interface PlanePalette {
  background: Rgb;
  /** D rates the region as real / as fake. */
  realSide: Rgb;
  fakeSide: Rgb;
  realPoint: string;
  fakePoint: string;
  arrow: string;
  manifold: string;
  /** Fill of the manifold's cells where G puts its mass (alpha grows with the density). */
  density: Rgb;
  grid: string;
  modeIdle: string;
  modeCovered: string;
}

export const LIGHT_PALETTE: PlanePalette = {
  background: [255, 255, 255],
  realSide: [67, 147, 195],
  fakeSide: [244, 165, 130],
  realPoint: 'rgba(70, 70, 70, 0.5)',
  fakePoint: 'rgba(214, 18, 120, 0.9)',
  arrow: 'rgba(150, 10, 90, 0.5)',
  manifold: 'rgba(20, 90, 200, 0.45)',
  density: [20, 90, 200],
  grid: 'rgba(0, 0, 0, 0.07)',
  modeIdle: 'rgba(40, 40, 40, 0.85)',
  modeCovered: 'rgb(0, 150, 90)',
};

export const DARK_PALETTE: PlanePalette = {
  background: [22, 24, 29],
  realSide: [33, 102, 172],
  fakeSide: [178, 88, 44],
  realPoint: 'rgba(200, 200, 200, 0.5)',
  fakePoint: 'rgba(255, 70, 170, 0.95)',
  arrow: 'rgba(255, 150, 210, 0.55)',
  manifold: 'rgba(120, 200, 255, 0.45)',
  density: [120, 200, 255],
  grid: 'rgba(255, 255, 255, 0.07)',
  modeIdle: 'rgba(230, 230, 230, 0.85)',
  modeCovered: 'rgb(60, 220, 140)',
};

export interface PlaneScene {
  bounds: ViewBounds;
  heatmap: HeatmapView | null;
  real: Float32Array | Float64Array | null;
  fake: Float32Array | null;
  transport: Float32Array | null;
  /** G on a square latent grid (row-major, interleaved x, y), drawn as a mesh. */
  manifold: Float32Array | null;
  modes: { centers: [number, number][]; sigma: number; counts: number[] | null } | null;
}

/**
 * Colour of one heatmap cell. `v` in [−1, 1]: +1 where D rates the point most "real" relative to
 * the rest of the view, −1 most "fake". Blends from the background so points stay readable.
 */
export function heatColour(v: number, palette: PlanePalette): Rgb {
  const t = Math.min(1, Math.abs(v)) ** 0.8 * 0.8;
  const target = v >= 0 ? palette.realSide : palette.fakeSide;
  const bg = palette.background;
  return [0, 1, 2].map((i) => Math.round(bg[i] + (target[i] - bg[i]) * t)) as Rgb;
}

/**
 * Logits to [−1, 1]: centred on the view's mean and scaled by the largest deviation. D's scale
 * differs by loss (probabilities' logits, WGAN critics, least squares), and for RpGAN and WGAN
 * only differences mean anything, so the map shows D's relative opinion.
 */
export function normaliseLogits(logits: Float32Array): Float32Array {
  let mean = 0;
  for (const l of logits) mean += l;
  mean /= logits.length || 1;
  let dev = 0;
  for (const l of logits) dev = Math.max(dev, Math.abs(l - mean));
  const out = new Float32Array(logits.length);
  if (!(dev > 0) || !Number.isFinite(dev)) return out;
  for (let i = 0; i < logits.length; i++) out[i] = (logits[i] - mean) / dev;
  return out;
}

export function heatmapImage(heatmap: HeatmapView, palette: PlanePalette): ImageData {
  const n = heatmap.resolution;
  const values = normaliseLogits(heatmap.logits);
  const image = new ImageData(n, n);
  for (let i = 0; i < n * n; i++) {
    const [r, g, b] = heatColour(values[i], palette);
    image.data[4 * i] = r;
    image.data[4 * i + 1] = g;
    image.data[4 * i + 2] = b;
    image.data[4 * i + 3] = 255;
  }
  return image;
}

/** Maps data coordinates to canvas pixels (y up). */
export function planeTransform(bounds: ViewBounds, width: number, height: number) {
  const { xMin, xMax, yMin, yMax } = bounds;
  const sx = width / (xMax - xMin);
  const sy = height / (yMax - yMin);
  return {
    px: (x: number) => (x - xMin) * sx,
    py: (y: number) => (yMax - y) * sy,
    /** Canvas pixel to data coordinates. */
    toData: (cx: number, cy: number): [number, number] => [xMin + cx / sx, yMax - cy / sy],
    scale: sx,
  };
}

export interface DrawOptions {
  heatmap: boolean;
  arrows: boolean;
  manifold: boolean;
  /** Shade the manifold's cells by G's density there (with `manifold`). */
  manifoldDensity?: boolean;
  real: boolean;
  modes: boolean;
}

/** The last heatmap, rendered at its own resolution (re-rendered only when a new one arrives). */
let heatCache: { heatmap: HeatmapView; palette: PlanePalette; canvas: HTMLCanvasElement } | null =
  null;

function heatmapCanvas(heatmap: HeatmapView, palette: PlanePalette): HTMLCanvasElement {
  if (heatCache?.heatmap === heatmap && heatCache.palette === palette) return heatCache.canvas;
  const canvas = heatCache?.canvas ?? document.createElement('canvas');
  canvas.width = heatmap.resolution;
  canvas.height = heatmap.resolution;
  canvas.getContext('2d')?.putImageData(heatmapImage(heatmap, palette), 0, 0);
  heatCache = { heatmap, palette, canvas };
  return canvas;
}

export function drawPlane(
  canvas: HTMLCanvasElement,
  scene: PlaneScene,
  options: DrawOptions,
  palette: PlanePalette,
): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const { width, height } = canvas;
  const { px, py, scale } = planeTransform(scene.bounds, width, height);
  const dpr = Math.max(1, width / (canvas.clientWidth || width));
  const [br, bg, bb] = palette.background;
  ctx.fillStyle = `rgb(${br}, ${bg}, ${bb})`;
  ctx.fillRect(0, 0, width, height);

  if (options.heatmap && scene.heatmap) {
    const { bounds } = scene.heatmap;
    const heatCanvas = heatmapCanvas(scene.heatmap, palette);
    ctx.imageSmoothingEnabled = true;
    ctx.imageSmoothingQuality = 'low'; // bilinear: 'high' costs tens of ms per frame in software
    // The n × n cells tile the bounds (engine/toy/views.ts gridPoints: centres half a cell inside),
    // so one image pixel per cell covers the bounds exactly.
    const x0 = px(bounds.xMin);
    const y0 = py(bounds.yMax);
    ctx.drawImage(heatCanvas, x0, y0, px(bounds.xMax) - x0, py(bounds.yMin) - y0);
  }

  drawGrid(ctx, scene.bounds, width, height, palette, dpr);

  const dots = (points: ArrayLike<number>, colour: string, radius: number) => {
    ctx.fillStyle = colour;
    ctx.beginPath();
    for (let i = 0; i + 1 < points.length; i += 2) {
      const x = px(points[i]);
      const y = py(points[i + 1]);
      ctx.moveTo(x + radius, y);
      ctx.arc(x, y, radius, 0, 2 * Math.PI);
    }
    ctx.fill();
  };
  if (options.manifold && scene.manifold) {
    if (options.manifoldDensity) drawDensity(ctx, scene.manifold, px, py, palette);
    drawMesh(ctx, scene.manifold, px, py, palette, dpr);
  }

  const radius = Math.max(1.8 * dpr, width / 220);
  if (options.real && scene.real) dots(scene.real, palette.realPoint, radius);

  const { fake, transport } = scene;
  if (fake && options.arrows && transport && transport.length === fake.length) {
    // The longest arrow spans an eighth of the view: directions and relative sizes matter.
    let longest = 0;
    for (let i = 0; i < transport.length; i += 2) {
      longest = Math.max(longest, Math.hypot(transport[i], transport[i + 1]));
    }
    const k = longest > 0 ? width / 11 / longest : 0;
    ctx.strokeStyle = palette.arrow;
    ctx.lineWidth = 1 * dpr;
    ctx.beginPath();
    for (let i = 0; i < fake.length; i += 2) {
      const x = px(fake[i]);
      const y = py(fake[i + 1]);
      const dx = k * transport[i];
      const dy = -k * transport[i + 1];
      const len = Math.hypot(dx, dy);
      if (len < 1) continue;
      const ex = x + dx;
      const ey = y + dy;
      ctx.moveTo(x, y);
      ctx.lineTo(ex, ey);
      // Arrow head.
      const head = Math.min(3.5 * dpr, len / 2);
      const ux = dx / len;
      const uy = dy / len;
      ctx.moveTo(ex, ey);
      ctx.lineTo(ex - head * (ux - 0.5 * uy), ey - head * (uy + 0.5 * ux));
      ctx.moveTo(ex, ey);
      ctx.lineTo(ex - head * (ux + 0.5 * uy), ey - head * (uy - 0.5 * ux));
    }
    ctx.stroke();
  }
  if (fake) dots(fake, palette.fakePoint, radius * 1.05);
  // Last, on top of the points: under hundreds of dots the markers (and whether they turned
  // green) could not be seen.
  if (options.modes && scene.modes) drawModeMarkers(ctx, scene.modes, px, py, scale, palette, dpr);
}

/**
 * A ring around each mode (radius 3σ, at least 7 px): dashed while no sample lands on it, solid
 * and green once one does. A ring in the background colour under each one keeps it readable on
 * top of the points and the heatmap.
 */
function drawModeMarkers(
  ctx: CanvasRenderingContext2D,
  modes: NonNullable<PlaneScene['modes']>,
  px: (x: number) => number,
  py: (y: number) => number,
  scale: number,
  palette: PlanePalette,
  dpr: number,
): void {
  const { centers, sigma, counts } = modes;
  const r = Math.max(7 * dpr, 3 * sigma * scale);
  const [br, bg, bb] = palette.background;
  centers.forEach(([x, y], k) => {
    const covered = counts !== null && (counts[k] ?? 0) > 0;
    ctx.beginPath();
    ctx.arc(px(x), py(y), r, 0, 2 * Math.PI);
    ctx.setLineDash([]);
    ctx.lineWidth = 3.5 * dpr;
    ctx.strokeStyle = `rgba(${br}, ${bg}, ${bb}, 0.8)`;
    ctx.stroke();
    ctx.lineWidth = 1.8 * dpr;
    ctx.setLineDash(covered ? [] : [3 * dpr, 3 * dpr]);
    ctx.strokeStyle = covered ? palette.modeCovered : palette.modeIdle;
    ctx.stroke();
  });
  ctx.setLineDash([]);
}

/**
 * The mesh's lines per side and its points in canvas pixels by (row, col); null when `mesh` is
 * not a square grid of at least 2 × 2 points.
 */
function meshGrid(
  mesh: Float32Array,
  px: (x: number) => number,
  py: (y: number) => number,
): { n: number; at: (row: number, col: number) => [number, number] } | null {
  const n = Math.round(Math.sqrt(mesh.length / 2));
  if (n < 2 || n * n * 2 !== mesh.length) return null;
  const at = (row: number, col: number): [number, number] => {
    const i = 2 * (row * n + col);
    return [px(mesh[i]), py(mesh[i + 1])];
  };
  return { n, at };
}

/**
 * The manifold mesh: each point joined to its right and lower neighbours on the latent grid, so
 * the picture is the latent square as G deforms it.
 */
function drawMesh(
  ctx: CanvasRenderingContext2D,
  mesh: Float32Array,
  px: (x: number) => number,
  py: (y: number) => number,
  palette: PlanePalette,
  dpr: number,
): void {
  const grid = meshGrid(mesh, px, py);
  if (!grid) return;
  const { n, at } = grid;
  ctx.strokeStyle = palette.manifold;
  ctx.lineWidth = dpr;
  ctx.beginPath();
  for (let row = 0; row < n; row++) {
    for (let col = 0; col < n; col++) {
      const [x, y] = at(row, col);
      if (col + 1 < n) {
        ctx.moveTo(x, y);
        ctx.lineTo(...at(row, col + 1));
      }
      if (row + 1 < n) {
        ctx.moveTo(x, y);
        ctx.lineTo(...at(row + 1, col));
      }
    }
  }
  ctx.stroke();
}

/**
 * The manifold's cells filled by G's density there (mapping.ts manifoldDensity): dark where G
 * squeezes much latent mass into a small area, i.e. where its samples pile up.
 */
function drawDensity(
  ctx: CanvasRenderingContext2D,
  mesh: Float32Array,
  px: (x: number) => number,
  py: (y: number) => number,
  palette: PlanePalette,
): void {
  const grid = meshGrid(mesh, px, py);
  if (!grid) return;
  const { n, at: corner } = grid;
  const density = manifoldDensity(mesh, n);
  const [r, g, b] = palette.density;
  for (let row = 0; row + 1 < n; row++) {
    for (let col = 0; col + 1 < n; col++) {
      const shade = densityShade(density[row * (n - 1) + col]);
      if (shade <= 0) continue;
      ctx.fillStyle = `rgba(${r}, ${g}, ${b}, ${(0.75 * shade).toFixed(3)})`;
      ctx.beginPath();
      ctx.moveTo(...corner(row, col));
      ctx.lineTo(...corner(row, col + 1));
      ctx.lineTo(...corner(row + 1, col + 1));
      ctx.lineTo(...corner(row + 1, col));
      ctx.closePath();
      ctx.fill();
    }
  }
}

function drawGrid(
  ctx: CanvasRenderingContext2D,
  bounds: ViewBounds,
  width: number,
  height: number,
  palette: PlanePalette,
  dpr: number,
): void {
  const { px, py } = planeTransform(bounds, width, height);
  const span = bounds.xMax - bounds.xMin;
  const step = span > 12 ? 2 : span > 5 ? 1 : 0.5;
  ctx.strokeStyle = palette.grid;
  ctx.lineWidth = dpr;
  ctx.beginPath();
  for (let x = Math.ceil(bounds.xMin / step) * step; x <= bounds.xMax; x += step) {
    ctx.moveTo(Math.round(px(x)) + 0.5, 0);
    ctx.lineTo(Math.round(px(x)) + 0.5, height);
  }
  for (let y = Math.ceil(bounds.yMin / step) * step; y <= bounds.yMax; y += step) {
    ctx.moveTo(0, Math.round(py(y)) + 0.5);
    ctx.lineTo(width, Math.round(py(y)) + 0.5);
  }
  ctx.stroke();
}
