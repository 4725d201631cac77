/** The plane's drawing order, recorded from a stand-in 2-D context (no DOM needed). */
import { describe, expect, it } from 'vitest';

import { drawPlane, LIGHT_PALETTE, type PlaneScene } from './planeRenderer';

/** A canvas whose context records every call and every colour set, in order. */
function recordingCanvas() {
  const log: string[] = [];
  const ctx = new Proxy({} as Record<string, unknown>, {
    get: (target, key) => {
      if (key in target) return target[key as string];
      return (...args: unknown[]) => log.push(`${String(key)}(${args.length})`);
    },
    set: (target, key, value) => {
      target[key as string] = value;
      log.push(`${String(key)}=${String(value)}`);
      return true;
    },
  });
  const canvas = { width: 400, height: 400, clientWidth: 400, getContext: () => ctx };
  return { canvas: canvas as unknown as HTMLCanvasElement, log };
}

describe('drawPlane', () => {
  it('draws the mode markers on top of the real and generated points', () => {
    const { canvas, log } = recordingCanvas();
    const scene: PlaneScene = {
      bounds: { xMin: -2, xMax: 2, yMin: -2, yMax: 2 },
      heatmap: null,
      real: Float32Array.from([0, 0, 1, 1]),
      fake: Float32Array.from([1, 0, 0, 1]),
      transport: null,
      manifold: null,
      modes: {
        centers: [
          [1, 0],
          [0, 1],
        ],
        sigma: 0.05,
        counts: [3, 0],
      },
    };
    const options = { heatmap: false, arrows: false, manifold: false, real: true, modes: true };
    drawPlane(canvas, scene, options, LIGHT_PALETTE);
    const fakeDots = log.lastIndexOf(`fillStyle=${LIGHT_PALETTE.fakePoint}`);
    const covered = log.indexOf(`strokeStyle=${LIGHT_PALETTE.modeCovered}`);
    const idle = log.indexOf(`strokeStyle=${LIGHT_PALETTE.modeIdle}`);
    expect(fakeDots).toBeGreaterThan(log.indexOf(`fillStyle=${LIGHT_PALETTE.realPoint}`));
    expect(covered).toBeGreaterThan(fakeDots);
    expect(idle).toBeGreaterThan(fakeDots);
    // Each marker is stroked after the last fill of the points.
    expect(log.slice(fakeDots).filter((c) => c === 'stroke(0)').length).toBe(4);
    const off = recordingCanvas();
    drawPlane(off.canvas, scene, { ...options, modes: false }, LIGHT_PALETTE);
    expect(off.log).not.toContain(`strokeStyle=${LIGHT_PALETTE.modeCovered}`);
  });
});
