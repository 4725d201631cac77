import { describe, expect, it } from 'vitest';

import { describeInvalidMessage, isWorkerEvent, parseBackendParam } from './protocol';

describe('isWorkerEvent', () => {
  const ready = {
    type: 'ready',
    backend: 'cpu',
    fallbackReasons: [],
    defaultConfig: {},
    defaultStream: {},
  };

  it('checks ready and error events', () => {
    expect(isWorkerEvent(ready)).toBe(true);
    expect(isWorkerEvent({ ...ready, fallbackReasons: [1] })).toBe(false);
    expect(isWorkerEvent({ ...ready, backend: 'gpu' })).toBe(false);
    expect(isWorkerEvent({ type: 'error', message: 'x' })).toBe(true);
    expect(isWorkerEvent({ type: 'error', message: 'x', requestId: 'y' })).toBe(false);
    expect(isWorkerEvent({ type: 'error' })).toBe(false);
  });

  it('checks run events and their payload arrays', () => {
    const samples = {
      type: 'samples',
      runId: 'a',
      iteration: 3,
      points: new Float32Array(4),
      manifold: null,
    };
    expect(isWorkerEvent({ ...samples, transport: null })).toBe(true);
    expect(isWorkerEvent({ ...samples, transport: new Float32Array(4) })).toBe(true);
    expect(isWorkerEvent({ ...samples, transport: null, points: [1, 2] })).toBe(false);
    expect(isWorkerEvent({ type: 'metrics', runId: 'a', rows: [], iteration: 1 })).toBe(true);
    expect(isWorkerEvent({ type: 'metrics', rows: [], iteration: 1 })).toBe(false);
    expect(isWorkerEvent({ type: 'phase', runId: 'a', phase: 'compiling' })).toBe(true);
    expect(isWorkerEvent({ type: 'phase', runId: 'a', phase: 'sleeping' })).toBe(false);
    expect(isWorkerEvent({ ...samples, transport: null, manifold: [1, 2] })).toBe(false);
    const grid = { pixels: new Uint8ClampedArray(2 * 3 * 4), width: 2, height: 3 };
    const images = { type: 'image-samples', runId: 'a', iteration: 1 };
    expect(isWorkerEvent({ ...images, grid })).toBe(true);
    expect(isWorkerEvent({ ...images, grid: { ...grid, width: 3 } })).toBe(false);
    expect(isWorkerEvent({ ...images, grid: { ...grid, pixels: new Float32Array(24) } })).toBe(
      false,
    );
    expect(isWorkerEvent({ type: 'interpolation', runId: 'a', strip: grid })).toBe(true);
  });

  it('rejects unknown types, including inherited property names', () => {
    expect(isWorkerEvent({ type: 'launch' })).toBe(false);
    expect(isWorkerEvent({ type: 'toString' })).toBe(false);
    expect(isWorkerEvent(null)).toBe(false);
    expect(isWorkerEvent([ready])).toBe(false);
  });
});

describe('describeInvalidMessage', () => {
  it('names the problem without echoing payloads', () => {
    expect(describeInvalidMessage(null)).toContain('got null');
    expect(describeInvalidMessage(42)).toContain('got number');
    expect(describeInvalidMessage({})).toContain('missing string field "type"');
    expect(describeInvalidMessage({ type: 'train' })).toContain('"train"');
  });
});

describe('parseBackendParam', () => {
  it('reads a valid backend, case-insensitively', () => {
    expect(parseBackendParam('?backend=cpu')).toEqual({ backend: 'cpu' });
    expect(parseBackendParam('?backend=WebGL')).toEqual({ backend: 'webgl' });
  });

  it('ignores a missing parameter and flags an invalid one', () => {
    expect(parseBackendParam('')).toEqual({});
    expect(parseBackendParam('?backend=')).toEqual({});
    const result = parseBackendParam('?backend=tpu');
    expect(result.backend).toBeUndefined();
    expect(result.notice).toMatch(/Ignoring \?backend=tpu/);
  });
});
