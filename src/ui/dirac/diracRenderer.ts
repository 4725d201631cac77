/**
 * Draws the Dirac-GAN phase portrait on a canvas: θ (the generator) horizontal, ψ (the
 * discriminator's slope) vertical, the field's direction as small arrows (length ∝ speed,
 * compressed so slow regions stay visible), the trajectory coloured from start to end, and the
 * equilibrium (0, 0).
 */
import { diracField, type DiracSettings, type DiracTrajectory } from '../../engine/dirac/dirac';

export interface DiracPalette {
  background: string;
  grid: string;
  axis: string;
  text: string;
  arrow: string;
  start: string;
  path: string;
  end: string;
  equilibrium: string;
}

/** Colours from the page's CSS custom properties, so both themes work. */
export function paletteFromCss(element: Element = document.documentElement): DiracPalette {
  const css = getComputedStyle(element);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return {
    background: v('--surface', '#ffffff'),
    grid: v('--grid', '#e6e9ee'),
    axis: v('--muted', '#5d6677'),
    text: v('--muted', '#5d6677'),
    arrow: v('--heat-real', '#4393c3'),
    start: v('--real', '#6b6b6b'),
    path: v('--fake', '#d6127a'),
    end: v('--fake', '#d6127a'),
    equilibrium: v('--ok', '#00965a'),
  };
}

/** Half-width of the square shown: at least 2 (the reference grid [−2, 2]²), up to 10. */
export function portraitExtent(traj: DiracTrajectory, upto: number): number {
  let m = 2;
  const n = Math.min(upto, traj.theta.length - 1);
  for (let k = 0; k <= n; k++) m = Math.max(m, Math.abs(traj.theta[k]), Math.abs(traj.psi[k]));
  const padded = m * 1.1;
  // Round up to a half unit so the view does not jitter while a trajectory grows.
  return Math.min(10, Math.ceil(padded * 2) / 2);
}

export function drawDiracPortrait(
  canvas: HTMLCanvasElement,
  settings: DiracSettings,
  traj: DiracTrajectory,
  upto: number,
  palette: DiracPalette,
): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const dpr = window.devicePixelRatio || 1;
  const cssSize = canvas.clientWidth || 480;
  if (canvas.width !== Math.round(cssSize * dpr)) {
    canvas.width = Math.round(cssSize * dpr);
    canvas.height = Math.round(cssSize * dpr);
  }
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  const size = cssSize;
  const margin = 34;
  const plot = size - 2 * margin;
  const extent = portraitExtent(traj, upto);
  const toX = (theta: number) => margin + ((theta + extent) / (2 * extent)) * plot;
  const toY = (psi: number) => margin + ((extent - psi) / (2 * extent)) * plot;

  ctx.fillStyle = palette.background;
  ctx.fillRect(0, 0, size, size);

  // Grid lines at whole units (or every 2 when zoomed out), axes through the equilibrium.
  const stepGrid = extent > 5 ? 2 : extent > 2.5 ? 1 : 0.5;
  ctx.lineWidth = 1;
  ctx.strokeStyle = palette.grid;
  ctx.fillStyle = palette.text;
  ctx.font = '11px system-ui, sans-serif';
  for (let g = -Math.floor(extent / stepGrid) * stepGrid; g <= extent + 1e-9; g += stepGrid) {
    ctx.beginPath();
    ctx.moveTo(toX(g), margin);
    ctx.lineTo(toX(g), margin + plot);
    ctx.moveTo(margin, toY(g));
    ctx.lineTo(margin + plot, toY(g));
    ctx.stroke();
    const label = Number.isInteger(g) ? String(g) : g.toFixed(1);
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    ctx.fillText(label, toX(g), margin + plot + 4);
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    ctx.fillText(label, margin - 5, toY(g));
  }
  ctx.strokeStyle = palette.axis;
  ctx.globalAlpha = 0.6;
  ctx.beginPath();
  ctx.moveTo(toX(0), margin);
  ctx.lineTo(toX(0), margin + plot);
  ctx.moveTo(margin, toY(0));
  ctx.lineTo(margin + plot, toY(0));
  ctx.stroke();
  ctx.globalAlpha = 1;
  ctx.font = 'italic 13px Georgia, serif';
  ctx.textBaseline = 'bottom';
  ctx.textAlign = 'right';
  ctx.fillText('θ (generator) →', margin + plot, margin - 8);
  ctx.textAlign = 'left';
  ctx.fillText('↑ ψ (discriminator)', margin, margin - 8);

  // The vector field on a 17×17 grid.
  const cells = 17;
  const spacing = plot / cells;
  ctx.strokeStyle = palette.arrow;
  ctx.fillStyle = palette.arrow;
  ctx.lineWidth = 1.3;
  for (let i = 0; i < cells; i++) {
    for (let j = 0; j < cells; j++) {
      const theta = -extent + ((i + 0.5) / cells) * 2 * extent;
      const psi = -extent + ((j + 0.5) / cells) * 2 * extent;
      const [vt, vp] = diracField(settings, theta, psi);
      const speed = Math.hypot(vt, vp);
      if (!(speed > 1e-12)) continue;
      // Screen length grows like speed^0.4, capped at 80 % of a cell.
      const len = Math.min(0.8, 0.35 * Math.pow(speed, 0.4)) * spacing;
      const ux = vt / speed;
      const uy = -vp / speed;
      const x = toX(theta);
      const y = toY(psi);
      const x0 = x - (ux * len) / 2;
      const y0 = y - (uy * len) / 2;
      const x1 = x + (ux * len) / 2;
      const y1 = y + (uy * len) / 2;
      ctx.globalAlpha = 0.55;
      ctx.beginPath();
      ctx.moveTo(x0, y0);
      ctx.lineTo(x1, y1);
      ctx.stroke();
      const head = Math.min(4, len * 0.45);
      ctx.beginPath();
      ctx.moveTo(x1, y1);
      ctx.lineTo(x1 - ux * head - uy * head * 0.6, y1 - uy * head + ux * head * 0.6);
      ctx.lineTo(x1 - ux * head + uy * head * 0.6, y1 - uy * head - ux * head * 0.6);
      ctx.closePath();
      ctx.fill();
    }
  }
  ctx.globalAlpha = 1;

  // The equilibrium.
  ctx.strokeStyle = palette.equilibrium;
  ctx.lineWidth = 2;
  ctx.beginPath();
  ctx.arc(toX(0), toY(0), 6, 0, 2 * Math.PI);
  ctx.stroke();

  // The trajectory, fading in from the start.
  const n = Math.min(upto, traj.theta.length - 1);
  ctx.save();
  ctx.beginPath();
  ctx.rect(margin, margin, plot, plot);
  ctx.clip();
  ctx.strokeStyle = palette.path;
  ctx.lineWidth = 2;
  ctx.lineJoin = 'round';
  const segments = 24;
  for (let s = 0; s < segments; s++) {
    const a = Math.floor((s / segments) * n);
    const b = Math.floor(((s + 1) / segments) * n);
    if (b <= a) continue;
    ctx.globalAlpha = 0.25 + (0.75 * (s + 1)) / segments;
    ctx.beginPath();
    ctx.moveTo(toX(traj.theta[a]), toY(traj.psi[a]));
    for (let k = a + 1; k <= b; k++) ctx.lineTo(toX(traj.theta[k]), toY(traj.psi[k]));
    ctx.stroke();
  }
  ctx.restore();
  ctx.globalAlpha = 1;

  // Start (hollow) and current point (filled).
  ctx.lineWidth = 2;
  ctx.strokeStyle = palette.start;
  ctx.beginPath();
  ctx.arc(toX(traj.theta[0]), toY(traj.psi[0]), 5, 0, 2 * Math.PI);
  ctx.stroke();
  const tx = toX(traj.theta[n]);
  const ty = toY(traj.psi[n]);
  if (tx >= margin && tx <= margin + plot && ty >= margin && ty <= margin + plot) {
    ctx.fillStyle = palette.end;
    ctx.beginPath();
    ctx.arc(tx, ty, 5, 0, 2 * Math.PI);
    ctx.fill();
  }
}

/** The canvas position (CSS pixels) of a click → (θ, ψ), for "start here". */
export function pointAt(
  canvas: HTMLCanvasElement,
  traj: DiracTrajectory,
  upto: number,
  clientX: number,
  clientY: number,
): [number, number] | null {
  const rect = canvas.getBoundingClientRect();
  const size = rect.width;
  const margin = 34;
  const plot = size - 2 * margin;
  const extent = portraitExtent(traj, upto);
  const x = clientX - rect.left;
  const y = clientY - rect.top;
  if (x < margin || x > margin + plot || y < margin || y > margin + plot) return null;
  const theta = ((x - margin) / plot) * 2 * extent - extent;
  const psi = extent - ((y - margin) / plot) * 2 * extent;
  return [Math.round(theta * 100) / 100, Math.round(psi * 100) / 100];
}

/** log₁₀ radius against step, with the linearisation's prediction |μ|ᵏ·r₀ dashed. */
export function drawRadiusChart(
  canvas: HTMLCanvasElement,
  traj: DiracTrajectory,
  upto: number,
  rho: number,
  palette: DiracPalette,
): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const dpr = window.devicePixelRatio || 1;
  const w = canvas.clientWidth || 300;
  const h = canvas.clientHeight || 140;
  if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(h * dpr);
  }
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.fillStyle = palette.background;
  ctx.fillRect(0, 0, w, h);
  const total = traj.radius.length - 1;
  if (total < 1) return;
  const n = Math.min(upto, total);
  const logs = Array.from(traj.radius, (r) => Math.log10(Math.max(r, 1e-300)));
  let lo = Math.min(...logs);
  let hi = Math.max(...logs);
  if (hi - lo < 0.5) {
    lo -= 0.25;
    hi += 0.25;
  }
  lo = Math.floor(lo);
  hi = Math.ceil(hi);
  const left = 40;
  const right = 8;
  const top = 8;
  const bottom = 20;
  const px = (k: number) => left + (k / total) * (w - left - right);
  const py = (l: number) => top + ((hi - l) / (hi - lo)) * (h - top - bottom);
  ctx.font = '10px system-ui, sans-serif';
  ctx.fillStyle = palette.text;
  ctx.strokeStyle = palette.grid;
  ctx.lineWidth = 1;
  const every = Math.max(1, Math.ceil((hi - lo) / 4));
  for (let e = lo; e <= hi; e += every) {
    ctx.beginPath();
    ctx.moveTo(left, py(e));
    ctx.lineTo(w - right, py(e));
    ctx.stroke();
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    ctx.fillText(e === 0 ? '1' : `1e${e}`, left - 4, py(e));
  }
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  ctx.fillText('0', px(0), h - bottom + 4);
  ctx.fillText(String(total), px(total) - 10, h - bottom + 4);
  // Linear prediction from the start.
  ctx.strokeStyle = palette.axis;
  ctx.setLineDash([4, 4]);
  ctx.beginPath();
  const l0 = logs[0];
  const slope = Math.log10(rho);
  const clampL = (l: number) => Math.max(lo, Math.min(hi, l));
  ctx.moveTo(px(0), py(clampL(l0)));
  ctx.lineTo(px(total), py(clampL(l0 + slope * total)));
  ctx.stroke();
  ctx.setLineDash([]);
  ctx.strokeStyle = palette.path;
  ctx.lineWidth = 2;
  ctx.beginPath();
  for (let k = 0; k <= n; k++) {
    if (k === 0) ctx.moveTo(px(k), py(logs[k]));
    else ctx.lineTo(px(k), py(logs[k]));
  }
  ctx.stroke();
}
