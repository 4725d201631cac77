import { describe, expect, it } from 'vitest';

import {
  latentPlaneBasis,
  manifoldLatents,
  MANIFOLD_SPAN,
  projectOntoLatentPlane,
  viewLatents,
} from '../../engine/toy/latentPlane';
import { gridPoints } from '../../engine/toy/views';
import {
  densityShade,
  describePoint,
  heatmapLogitAt,
  latentGrid,
  latentToPlane,
  manifoldDensity,
  mappingProgress,
  MAPPING_HOLD_MS,
  MAPPING_MORPH_MS,
  morph,
} from './mapping';

const BOUNDS = { xMin: -3, xMax: 3, yMin: -3, yMax: 3 };

describe('latent plane positions', () => {
  it('projects the manifold grid latents back onto their own grid coordinates', () => {
    const dim = 16;
    const n = 5;
    const projected = projectOntoLatentPlane(
      manifoldLatents(7, dim, n),
      dim,
      latentPlaneBasis(7, dim),
    );
    const grid = latentGrid(n);
    expect(projected.length).toBe(grid.length);
    projected.forEach((v, i) => expect(v).toBeCloseTo(grid[i], 5));
  });

  it('projects the view latents to a standard normal cloud in the plane', () => {
    const dim = 16;
    const ab = projectOntoLatentPlane(viewLatents(1, dim, 4000), dim, latentPlaneBasis(1, dim));
    let meanA = 0;
    let varA = 0;
    let varB = 0;
    for (let i = 0; i < ab.length; i += 2) meanA += ab[i] / 4000;
    for (let i = 0; i < ab.length; i += 2) {
      varA += (ab[i] - meanA) ** 2 / 4000;
      varB += ab[i + 1] ** 2 / 4000;
    }
    expect(Math.abs(meanA)).toBeLessThan(0.06);
    expect(varA).toBeGreaterThan(0.9);
    expect(varA).toBeLessThan(1.1);
    expect(varB).toBeGreaterThan(0.9);
    expect(varB).toBeLessThan(1.1);
  });

  it('draws the latent square in the middle of the view, b upwards', () => {
    const p = latentToPlane([0, 0, MANIFOLD_SPAN, MANIFOLD_SPAN, -MANIFOLD_SPAN, 0], {
      xMin: 0,
      xMax: 10,
      yMin: -5,
      yMax: 5,
    });
    expect(Array.from(p)).toEqual([5, 0, 9, 4, 1, 0]);
  });
});

describe('the morph', () => {
  it('holds the noise, moves, then holds G’s output', () => {
    expect(mappingProgress(0)).toBe(0);
    expect(mappingProgress(MAPPING_HOLD_MS)).toBe(0);
    expect(mappingProgress(MAPPING_HOLD_MS + MAPPING_MORPH_MS / 2)).toBeCloseTo(0.5);
    expect(mappingProgress(MAPPING_HOLD_MS + MAPPING_MORPH_MS)).toBe(1);
    expect(mappingProgress(1e9)).toBe(1);
    expect(Array.from(morph([0, 0, 2, 2], [4, 2, 2, 0], 0.25))).toEqual([1, 0.5, 2, 1.5]);
  });
});

describe('manifold density', () => {
  it('of a uniform stretch follows the latent Gaussian: densest in the middle', () => {
    const n = 5;
    const mesh = latentGrid(n).map((v) => 3 * v); // an affine G: equal areas
    const d = manifoldDensity(mesh, n);
    expect(d.length).toBe(16);
    expect(Math.max(...d)).toBe(1);
    // The four centre cells are the densest, the corners the sparsest.
    expect(d[5]).toBeCloseTo(1);
    expect(d[0]).toBeCloseTo(Math.exp(-(1.5 ** 2 + 1.5 ** 2) / 2 + (0.5 ** 2 + 0.5 ** 2) / 2));
  });

  it('is high where G squeezes latent cells together (a collapse)', () => {
    const n = 5;
    const grid = latentGrid(n);
    // G squeezes the left half of the latent square into a sliver 100× narrower.
    const mesh = grid.map((v, i) => (i % 2 === 0 && v < 0 ? v / 100 : v));
    const d = manifoldDensity(mesh, n);
    const row = 1;
    expect(d[row * 4 + 1]).toBe(1); // squeezed, next to the centre
    expect(d[row * 4 + 2]).toBeCloseTo(0.01, 3); // same latent mass, 100× the area
  });

  it('shades three decades on a log scale; folded cells count as densest', () => {
    expect(densityShade(1)).toBe(1);
    expect(densityShade(0.1)).toBeCloseTo(2 / 3);
    expect(densityShade(0.001)).toBeCloseTo(0);
    expect(densityShade(1e-6)).toBe(0);
    expect(densityShade(0)).toBe(0);
    const flat = new Float32Array(2 * 2 * 2); // every corner at the origin: no area
    expect(Array.from(manifoldDensity(flat, 2))).toEqual([1]);
  });
});

describe('D at a point of the plane', () => {
  const n = 6;
  const centres = gridPoints(BOUNDS, n);
  // A linear D, logit = 2x − y + 1: bilinear interpolation is exact for it.
  const logits = new Float32Array(n * n).map((_, i) => 2 * centres[2 * i] - centres[2 * i + 1] + 1);
  const heatmap = { resolution: n, bounds: BOUNDS, logits };

  it('is the streamed logit at each cell centre of the worker’s grid', () => {
    for (let i = 0; i < n * n; i++)
      expect(heatmapLogitAt(heatmap, centres[2 * i], centres[2 * i + 1])).toBeCloseTo(logits[i], 5);
  });

  it('interpolates between centres, holds at the edge and is null outside', () => {
    expect(heatmapLogitAt(heatmap, 0.3, -0.7)).toBeCloseTo(2 * 0.3 + 0.7 + 1, 5);
    // Half a cell (0.5) inside the edge is the last centre; at the edge the value holds.
    expect(heatmapLogitAt(heatmap, 3, 0.5)).toBeCloseTo(2 * 2.5 - 0.5 + 1, 5);
    expect(heatmapLogitAt(heatmap, 3.01, 0)).toBeNull();
    expect(heatmapLogitAt(heatmap, 0, -3.5)).toBeNull();
  });

  it('is read out as a probability only for losses where D is one', () => {
    expect(describePoint(1, -0.5, 0, 'nsgan')).toBe(
      'x = 1.00, y = -0.50: D(x) = 0.00, σ(D(x)) = 0.50: D says “real” with probability 50 %',
    );
    expect(describePoint(1, 2, 1.234, 'rpgan')).toMatch(/D\(x\) = 1\.23 \(only differences/);
    expect(describePoint(1, 2, null, 'rpgan')).toMatch(/not streamed/);
  });
});
