/**
 * `train --dataset stacked-mnist`: flags → image config (and the errors that name the flag), and
 * a one-step run scored by the shipped classifier, whose `final` carries the mode metrics.
 */
import { describe, expect, it } from 'vitest';
import { useNodeBackend } from '../engine/core/backend';
import { runImageTraining } from '../engine/image/imageRun';
import { StackedMnistSampler, stackedBatch } from '../engine/image/stackedMnist';
import { evaluateStackedMnist } from '../engine/image/stackedMetrics';
import { parseFlags } from './args';
import { loadClassifierFromPublic, loadMnistFromPublic } from './assets';
import { imageSettingsFromFlags } from './trainImage';
import { settingsFromFlags, TRAIN_FLAGS } from './trainOptions';

const parse = (...argv: string[]) =>
  imageSettingsFromFlags(parseFlags(['--dataset', 'stacked-mnist', ...argv], TRAIN_FLAGS_IMAGE));
const TRAIN_FLAGS_IMAGE = {
  ...TRAIN_FLAGS,
  dataset: {
    ...TRAIN_FLAGS.dataset,
    choices: [...(TRAIN_FLAGS.dataset.choices ?? []), 'stacked-mnist'],
  },
};

describe('train --dataset stacked-mnist', () => {
  it.each([
    [['--channels', '100000,1,1'], /^Bad value for --channels:/],
    [['--g-channels', '100000,1,1'], /^Bad value for --g-channels:/],
    [['--channels', '8,8,8', '--d-channels', '1000,1,1'], /^Bad value for --d-channels:/],
    [['--steps', '-1'], 'Bad value for --steps: must be between 1 and 10000000.'],
    [['--gamma', '-1'], /^Bad value for --gamma:/],
  ])('%j names the flag the user typed (issue 14)', (args, message) => {
    expect(() => parse(...args)).toThrow(message);
  });

  it('maps the conv flags onto the image config', () => {
    const s = parse(
      '--arch',
      'dcgan',
      '--mbstd',
      '--progressive',
      '--fade-steps',
      '50',
      '--channels',
      '32,16,8',
      '--d-channels',
      '16,16,8',
      '--steps',
      '400',
      '--loss',
      'nsgan',
      '--gamma',
      '0.5',
    );
    expect(s.config).toMatchObject({
      dataset: 'stacked-mnist',
      arch: 'dcgan',
      mbstd: true,
      progressive: true,
      fadeSteps: 50,
      gChannels: [32, 16, 8],
      dChannels: [16, 16, 8],
      loss: 'nsgan',
      r1Gamma: 0.5,
      r2Gamma: 0.5,
      // R3GAN's burn-in scaled to the run: 20 % of 400 steps, γ from 10× the final value.
      burnInSteps: 80,
      gammaBurnInFactor: 10,
    });
    expect(s.steps).toBe(400);
    expect(s.evalEvery).toBe(400);
    expect(parse().config).toMatchObject({
      arch: 'resnet',
      r1Gamma: 0.1,
      batchSize: 64,
      latentDim: 64,
    });
  });

  it('names the flag when a value is wrong, and keeps conv flags off the toys', () => {
    expect(() => parse('--channels', '8,8')).toThrow(/--channels needs three/);
    expect(() => parse('--res-blocks', '0')).toThrow(/--res-blocks/);
    expect(() => parse('--width', '8')).toThrow(/--width is for the toy datasets/);
    expect(() => parse('--arch', 'mlp')).toThrow(/--arch/);
    expect(() => parse('--mbstd', '--batch', '6')).toThrow(/multiple of its group size 4/);
    expect(() =>
      settingsFromFlags(parseFlags(['--dataset', 'ring8', '--mbstd'], TRAIN_FLAGS)),
    ).toThrow(/--mbstd needs --dataset stacked-mnist/);
    expect(settingsFromFlags(parseFlags(['--arch', 'mlp'], TRAIN_FLAGS)).config.dataset).toBe(
      'grid25',
    );
  });

  it('a one-step run on real digits reports modes, KL and its floor in final', async () => {
    await useNodeBackend('wasm');
    const { config } = parse(
      '--channels',
      '8,8,4',
      '--group-size',
      '4',
      '--batch',
      '4',
      '--latent',
      '8',
    );
    const digits = loadMnistFromPublic();
    const classifier = loadClassifierFromPublic();
    const result = await runImageTraining(
      config,
      (rng) => {
        const sampler = new StackedMnistSampler(digits, rng);
        return { sample: (n) => stackedBatch(sampler, n) };
      },
      {
        steps: 1,
        evalEvery: 1,
        evalSamples: 100,
        logEvery: 1,
        evaluate: async (generate, n) => evaluateStackedMnist(generate, classifier, n, 50),
      },
    );
    classifier.dispose();
    expect(result.history).toHaveLength(1);
    expect(result.final.diverged).toBeNull();
    expect(result.final.evalSamples).toBe(100);
    expect(result.final.totalModes).toBe(1000);
    expect(result.final.modesCovered).toBeGreaterThanOrEqual(1);
    expect(result.final.modesCovered).toBeLessThanOrEqual(100);
    expect(result.final.klFloor).toBeCloseTo(999 / 200, 6);
    expect(Number.isFinite(result.final.reverseKL)).toBe(true);
  });
});
