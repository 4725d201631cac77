import { describe, expect, it } from 'vitest';

import {
  BACKEND_NAMES,
  describeInvalidMessage,
  isWorkerCommand,
  isWorkerEvent,
  parseBackendParam,
} from './protocol';

describe('isWorkerCommand', () => {
  it('accepts init with and without a valid preferred backend', () => {
    expect(isWorkerCommand({ type: 'init' })).toBe(true);
    for (const backend of BACKEND_NAMES) {
      expect(isWorkerCommand({ type: 'init', preferredBackend: backend })).toBe(true);
    }
  });

  it('rejects unknown types, bad fields and non-objects', () => {
    expect(isWorkerCommand({ type: 'init', preferredBackend: 'tpu' })).toBe(false);
    expect(isWorkerCommand({ type: 'init', preferredBackend: 1 })).toBe(false);
    expect(isWorkerCommand({ type: 'train' })).toBe(false);
    expect(isWorkerCommand({})).toBe(false);
    expect(isWorkerCommand(null)).toBe(false);
    expect(isWorkerCommand('init')).toBe(false);
    expect(isWorkerCommand([{ type: 'init' }])).toBe(false);
  });
});

describe('isWorkerEvent', () => {
  it('checks ready and error events', () => {
    expect(isWorkerEvent({ type: 'ready', backend: 'cpu', fallbackReasons: [] })).toBe(true);
    expect(isWorkerEvent({ type: 'ready', backend: 'cpu', fallbackReasons: [1] })).toBe(false);
    expect(isWorkerEvent({ type: 'ready', backend: 'gpu', fallbackReasons: [] })).toBe(false);
    expect(isWorkerEvent({ type: 'error', message: 'x' })).toBe(true);
    expect(isWorkerEvent({ type: 'error' })).toBe(false);
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
