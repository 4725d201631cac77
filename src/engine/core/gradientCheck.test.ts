import { describe, expect, it } from 'vitest';
import { useNodeBackend } from './backend';
import { checkPenaltyGradients } from './gradientCheck';

describe('the worker-side R1/R2 gradient self-test', () => {
  it('passes on the cpu backend (the browser e2e runs it on WebGPU and WebGL)', async () => {
    await useNodeBackend('cpu');
    const results = await checkPenaltyGradients();
    expect(results.map((r) => r.name)).toHaveLength(4);
    for (const r of results) expect(r.relativeError, r.name).toBeLessThan(1e-2);
  });
});
