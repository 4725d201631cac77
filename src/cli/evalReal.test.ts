/** `npm run train -- --dataset stacked-mnist --eval-real` as a user runs it. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFlags, UsageError } from './args';
import { EVAL_REAL_FLAG, evalRealMain, withStackedMnistChoice } from './evalReal';
import { TRAIN_FLAGS } from './trainOptions';

function train(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/train.ts', ...args], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('train --eval-real', () => {
  it('scores real Stacked MNIST samples with the shipped classifier and writes final', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'eval-real-')), 'r.json');
    const r = train(
      ...['--dataset', 'stacked-mnist', '--eval-real', '--eval-samples', '400'],
      ...['--seed', '3', '--out', out],
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/modes \d+\/1000 {2}reverse KL/);
    const json = JSON.parse(readFileSync(out, 'utf8'));
    const f = json.final;
    expect(f.totalModes).toBe(1000);
    expect(f.evalSamples).toBe(400);
    expect(f.klFloor).toBeCloseTo(999 / 800, 10);
    // 400 draws from 1000 uniform modes hit 1000·(1 − e^−0.4) ≈ 330 distinct ones (sd ≈ 8).
    expect(f.modesCovered).toBeGreaterThan(290);
    expect(f.modesCovered).toBeLessThan(370);
    // Its KL is about the floor for N = 400 (where (K−1)/(2N) is itself only approximate).
    expect(f.reverseKL).toBeGreaterThan(0.7);
    expect(f.reverseKL).toBeLessThan(1.3);
    expect(json.modeHistogram.reduce((a: number, b: number) => a + b, 0)).toBe(400);
    expect(json.config).toMatchObject({ dataset: 'stacked-mnist', evalReal: true, seed: 3 });
  });

  const flags = { ...TRAIN_FLAGS, dataset: withStackedMnistChoice(TRAIN_FLAGS.dataset) };
  const specs = {
    ...flags,
    'eval-real': EVAL_REAL_FLAG,
    out: { type: 'string' as const, help: '' },
  };
  it.each([
    [['--eval-real'], /--eval-real needs --dataset stacked-mnist/],
    [['--eval-real', '--dataset', 'grid25'], /--eval-real needs --dataset stacked-mnist/],
    [['--eval-real', '--dataset', 'stacked-mnist', '--steps', '5'], /--steps has no effect/],
    [['--eval-real', '--dataset', 'stacked-mnist', '--eval-samples', '0'], /--eval-samples/],
  ])('%j is rejected naming the flag', async (args, message) => {
    const run = evalRealMain(parseFlags(args as string[], specs));
    await expect(run).rejects.toThrow(UsageError);
    await expect(evalRealMain(parseFlags(args as string[], specs))).rejects.toThrow(message);
  });
});
