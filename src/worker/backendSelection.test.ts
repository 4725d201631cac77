import { describe, expect, it } from 'vitest';

import { backendOrder, selectBackend, withTimeout } from './backendSelection';

describe('backendOrder', () => {
  it('defaults to webgpu, webgl, wasm, cpu', () => {
    expect(backendOrder()).toEqual(['webgpu', 'webgl', 'wasm', 'cpu']);
  });

  it('moves the preferred backend to the front', () => {
    expect(backendOrder('wasm')).toEqual(['wasm', 'webgpu', 'webgl', 'cpu']);
  });
});

describe('selectBackend', () => {
  it('returns the first backend that works, with reasons for the ones that did not', async () => {
    const result = await selectBackend(backendOrder(), async (name) => {
      if (name === 'webgpu') throw new Error('navigator.gpu is missing');
      if (name === 'webgl') throw new Error("tf.setBackend('webgl') returned false");
    });
    expect(result).toEqual({
      backend: 'wasm',
      fallbackReasons: [
        'WebGPU unavailable: navigator.gpu is missing',
        "WebGL unavailable: tf.setBackend('webgl') returned false",
      ],
    });
  });

  it('rejects with every reason when nothing works', async () => {
    await expect(
      selectBackend(['webgl', 'cpu'], async (name) => {
        throw new Error(`${name} broken`);
      }),
    ).rejects.toThrow('WebGL unavailable: webgl broken; CPU unavailable: cpu broken');
  });
});

describe('withTimeout', () => {
  it('rejects a promise that never settles', async () => {
    await expect(withTimeout(new Promise(() => {}), 10, 'too slow')).rejects.toThrow('too slow');
  });

  it('passes through a value', async () => {
    await expect(withTimeout(Promise.resolve(3), 1000, 'too slow')).resolves.toBe(3);
  });
});
