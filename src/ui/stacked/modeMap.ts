/**
 * Layout and colours of the 1000-cell Stacked MNIST mode map, kept free of React so it can be
 * tested: ten 10×10 panels, one per red-channel digit; inside a panel the row is the green digit
 * and the column the blue digit. A mode (dR, dG, dB) has index 100·dR + 10·dG + dB, as in
 * engine/image/stackedMnist.ts.
 */

export const PANELS_PER_ROW = 5;
/** Cell side and gaps, in canvas pixels at scale 1. */
export const CELL = 6;
export const PANEL_GAP = 8;

export interface ModeMapLayout {
  width: number;
  height: number;
  /** Top-left corner of the cell of mode `index`. */
  cellOrigin(index: number): [number, number];
  /** The mode under a canvas point, or null between cells. */
  modeAt(x: number, y: number): number | null;
}

export function modeMapLayout(cell = CELL, gap = PANEL_GAP): ModeMapLayout {
  const panel = 10 * cell;
  const rows = Math.ceil(10 / PANELS_PER_ROW);
  const width = PANELS_PER_ROW * panel + (PANELS_PER_ROW - 1) * gap;
  const height = rows * panel + (rows - 1) * gap;
  return {
    width,
    height,
    cellOrigin(index) {
      const red = Math.floor(index / 100);
      const green = Math.floor(index / 10) % 10;
      const blue = index % 10;
      const px = (red % PANELS_PER_ROW) * (panel + gap);
      const py = Math.floor(red / PANELS_PER_ROW) * (panel + gap);
      return [px + blue * cell, py + green * cell];
    },
    modeAt(x, y) {
      const col = Math.floor(x / (panel + gap));
      const row = Math.floor(y / (panel + gap));
      const inX = x - col * (panel + gap);
      const inY = y - row * (panel + gap);
      if (col < 0 || col >= PANELS_PER_ROW || row < 0 || row >= rows) return null;
      if (inX >= panel || inY >= panel) return null;
      const red = row * PANELS_PER_ROW + col;
      if (red > 9) return null;
      return 100 * red + 10 * Math.floor(inY / cell) + Math.floor(inX / cell);
    },
  };
}

/** The digits of a mode index. */
export function modeDigits(index: number): [number, number, number] {
  return [Math.floor(index / 100), Math.floor(index / 10) % 10, index % 10];
}

/**
 * Fill strength of a cell in [0, 1]: 0 for an empty mode; otherwise grows with the count relative
 * to the uniform share, saturating at twice it, with a visible floor so a mode seen once shows.
 */
export function cellStrength(count: number, total: number, modes = 1000): number {
  if (count <= 0 || total <= 0) return 0;
  const share = (count / total) * modes; // 1 = exactly uniform
  return Math.min(1, 0.25 + 0.375 * share);
}

/** Summary for screen readers and the caption. */
export function coverageSummary(counts: ArrayLike<number>): {
  covered: number;
  total: number;
  missingByRed: number[];
} {
  let covered = 0;
  let total = 0;
  const missingByRed = new Array<number>(10).fill(0);
  for (let i = 0; i < counts.length; i++) {
    total += counts[i];
    if (counts[i] > 0) covered++;
    else missingByRed[Math.floor(i / 100)]++;
  }
  return { covered, total, missingByRed };
}

/**
 * How a cell is drawn: empty; covered by at least one confident sample (each digit read with
 * p ≥ 0.9); or covered only by samples the classifier was unsure of. Evaluations saved before
 * the confident measure existed have no confident counts: their covered cells stay "covered".
 */
export function cellKind(
  count: number,
  confidentCount: number | undefined,
): 'empty' | 'confident' | 'unsure' | 'covered' {
  if (count <= 0) return 'empty';
  if (confidentCount === undefined) return 'covered';
  return confidentCount > 0 ? 'confident' : 'unsure';
}
