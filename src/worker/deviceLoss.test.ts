import { afterEach, describe, expect, it, vi } from 'vitest';
import { DivergenceError } from '../engine/core/trainer';
import { DeviceLoss, isFatalBackendError } from './deviceLoss';
import { CommandError } from './run';

const LOST = { reason: 'destroyed', message: 'test' };

afterEach(() => {
  vi.useRealTimers();
});

describe('isFatalBackendError', () => {
  it('takes a wasm abort for a dead backend, and nothing else', () => {
    expect(isFatalBackendError(new WebAssembly.RuntimeError('unreachable'))).toBe(true);
    expect(isFatalBackendError(new Error('Aborted(OOM). Build with -sASSERTIONS'))).toBe(true);
    expect(isFatalBackendError(new Error('RuntimeError: Aborted(Cannot enlarge memory)'))).toBe(
      true,
    );
    expect(isFatalBackendError(new Error('the readback was Aborted()'))).toBe(false);
    expect(isFatalBackendError(new Error('shape mismatch'))).toBe(false);
  });
});

describe('DeviceLoss', () => {
  it('a readback that never settles is released when the device is lost', async () => {
    const loss = new DeviceLoss();
    const readback = loss.guard(new Promise<never>(() => undefined));
    expect(loss.notify(LOST)).toBe(true);
    expect(loss.notify({ ...LOST, message: 'again' })).toBe(false); // one loss at a time
    await expect(readback).rejects.toThrow('GPU device lost: test');
    expect(loss.lost).toEqual(LOST);
    // Once lost, every error counts as the loss (the command is run again after recovery).
    await expect(loss.isDeviceLoss(new Error('anything'), 'webgpu')).resolves.toBe(true);
  });

  it('off WebGPU, an error is an error at once', async () => {
    const loss = new DeviceLoss();
    await expect(loss.isDeviceLoss(new Error('shape mismatch'), 'wasm')).resolves.toBe(false);
    await expect(loss.isDeviceLoss(new Error('context lost'), 'webgl')).resolves.toBe(false);
  });

  it('on WebGPU, an unexplained error waits up to 1.5 s for device.lost', async () => {
    vi.useFakeTimers();
    const loss = new DeviceLoss();
    let lost: boolean | undefined;
    void loss.isDeviceLoss(new Error('mapAsync failed'), 'webgpu').then((v) => (lost = v));
    await vi.advanceTimersByTimeAsync(1000);
    expect(lost).toBeUndefined();
    loss.notify(LOST);
    await vi.advanceTimersByTimeAsync(0);
    expect(lost).toBe(true);

    const other = new DeviceLoss();
    let verdict: boolean | undefined;
    void other.isDeviceLoss(new Error('mapAsync failed'), 'webgpu').then((v) => (verdict = v));
    await vi.advanceTimersByTimeAsync(1499);
    expect(verdict).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(verdict).toBe(false);
  });

  it('on WebGPU, refused commands and divergences are never taken for the loss', async () => {
    vi.useFakeTimers();
    const loss = new DeviceLoss();
    await expect(loss.isDeviceLoss(new CommandError('no run "x"'), 'webgpu')).resolves.toBe(false);
    await expect(loss.isDeviceLoss(new DivergenceError(3, 'lossD'), 'webgpu')).resolves.toBe(false);
  });
});
