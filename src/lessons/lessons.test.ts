/** Lesson data: every preset is a valid configuration, links are unique, claims name variants. */
import { describe, expect, it } from 'vitest';

import { ganConfigSchema, IMAGE_DATASET_NAMES, stackedMnistDefaults } from '../engine/core/config';
import { TOY_DATASET_NAMES } from '../engine/toy/datasets';
import { DIRAC_DEFAULTS, simulateDirac } from '../engine/dirac/dirac';
import { CompareController } from '../store/compare';
import { createDiracStore, diracSettingsSchema } from '../store/dirac';
import { activeConfig, createSettingsStore, imageProblem } from '../store/settings';
import { createWorkspaceStore, parseWorkspaceHash } from '../store/workspace';
import { applyLesson, lessonConfig, lessonImageConfig } from './applyLesson';
import { cosineBurnIn } from '../engine/core/schedule';
import {
  LESSON_FADE_STEPS,
  LESSONS,
  lessonById,
  lessonUnavailable,
  SHARPEN_FINAL_GAMMA,
  SHARPEN_STEPS,
} from './lessons';

const STACKED_LESSONS = ['stacked-mnist-race', 'minibatch-stddev', 'latent-interpolation'];

function targets() {
  return {
    settings: createSettingsStore(),
    dirac: createDiracStore(),
    compare: new CompareController(),
    workspace: createWorkspaceStore(),
  };
}

describe('lessons', () => {
  it('each opens from its own link (#lesson=<id>): ids are link-safe and unique', () => {
    for (const l of LESSONS) {
      const link = parseWorkspaceHash(`#lesson=${l.id}`);
      expect(link.problems, l.id).toEqual([]);
      // The lesson found is this one: a second lesson with the same id would never open.
      expect(lessonById(link.lesson!), l.id).toBe(l);
    }
    // The link the picker shows as its example opens the lesson it names.
    expect(lessonById('mode-collapse')?.title).toMatch(/Mode collapse/);
    expect(lessonById('no-such-lesson')).toBeUndefined();
  });

  it('have text, things to look for, an expected outcome and a source', () => {
    for (const l of LESSONS) {
      expect(l.text.length).toBeGreaterThan(0);
      expect(l.lookFor.length).toBeGreaterThan(0);
      expect(l.expected.length).toBeGreaterThan(20);
      expect(l.source.length).toBeGreaterThan(5);
    }
  });

  it('toy presets are valid configs; compare presets have 2–4 runs on one seed', () => {
    for (const l of LESSONS) {
      if (l.requiresDataset) continue;
      const p = l.preset;
      if (p.kind === 'playground')
        expect(ganConfigSchema.safeParse(lessonConfig(p.config)).success).toBe(true);
      if (p.kind === 'compare') {
        expect(p.variants.length).toBeGreaterThanOrEqual(2);
        expect(p.variants.length).toBeLessThanOrEqual(4);
        for (const v of p.variants) {
          const config = lessonConfig({ ...p.base, ...v.patch });
          expect(ganConfigSchema.safeParse(config).success, `${l.id}: ${v.label}`).toBe(true);
          expect(v.patch.seed).toBeUndefined();
          expect(v.patch.dataset).toBeUndefined();
        }
      }
    }
  });

  it("outcome claims name the lesson's own variants", () => {
    for (const l of LESSONS) {
      if (!l.outcome) continue;
      const labels = l.outcome.variants.map((v) => v.label);
      for (const c of l.outcome.claims) expect(labels).toContain(c.variant);
      if (l.outcome.meanOrder) {
        expect(labels).toContain(l.outcome.meanOrder.better);
        expect(labels).toContain(l.outcome.meanOrder.worse);
      }
      expect(l.outcome.seeds).toEqual([1, 2, 3]);
      if (l.preset.kind === 'compare')
        expect(l.preset.variants.map((v) => v.label)).toEqual(labels);
    }
    // Lessons 1–4 are the toy lessons whose outcomes are measured.
    expect(LESSONS.slice(0, 4).every((l) => l.outcome !== undefined)).toBe(true);
  });

  it('the Dirac lesson preset is valid and gives the numbers its text promises', () => {
    const l = lessonById('dirac-gan');
    if (l?.preset.kind !== 'dirac') throw new Error('dirac lesson missing');
    const settings = { ...DIRAC_DEFAULTS, ...l.preset.dirac };
    expect(diracSettingsSchema.safeParse(settings).success).toBe(true);
    const t = simulateDirac(settings);
    expect(t.radius[500].toFixed(3)).toBe('3.097');
    expect(l.expected).toContain('3.097');
    expect(l.expected).toContain('2.64e-6');
  });

  it('Stacked MNIST lessons are unavailable without the dataset, available with it', () => {
    const toy = TOY_DATASET_NAMES as readonly string[];
    const all = [...toy, ...IMAGE_DATASET_NAMES];
    for (const id of STACKED_LESSONS) {
      const l = lessonById(id)!;
      expect(lessonUnavailable(l, toy)).toMatch(/stacked-mnist/);
      expect(lessonUnavailable(l, all)).toBeNull();
    }
    // With Stacked MNIST selectable, every lesson can be opened.
    for (const l of LESSONS) expect(lessonUnavailable(l, all), l.id).toBeNull();
    expect(lessonUnavailable(lessonById('mode-collapse')!, toy)).toBeNull();
  });

  it('Stacked MNIST presets are valid image configs', () => {
    for (const id of STACKED_LESSONS) {
      const l = lessonById(id)!;
      if (l.preset.kind !== 'image') throw new Error(`${id}: not an image preset`);
      expect(imageProblem(lessonImageConfig(l.preset.config)), id).toBeNull();
    }
    // Lesson 8's norms are those of the defaults' latent size.
    const d = stackedMnistDefaults().latentDim;
    expect(lessonById('latent-interpolation')!.text[0]).toContain(
      `√(d/2) ≈ ${Math.sqrt(d / 2).toFixed(1)}`,
    );
    expect(lessonById('latent-interpolation')!.text[0]).toContain(`d = ${d}`);
  });

  it('applying lessons 6–8 puts the settings store in image mode with their settings', () => {
    const expectations: Record<string, Record<string, unknown>> = {
      // R3GAN's recipe with the classic loss: NSGAN + R1 + R2 (γ 0.1); the text says to try RpGAN.
      'stacked-mnist-race': { loss: 'nsgan', r1Gamma: 0.1, r2Gamma: 0.1, arch: 'resnet' },
      'minibatch-stddev': { mbstd: true, progressive: true, fadeSteps: LESSON_FADE_STEPS },
      'latent-interpolation': { loss: 'rpgan', mbstd: false, progressive: false },
    };
    for (const id of STACKED_LESSONS) {
      const t = targets();
      // Start from a toy that differs from the default, so the toy settings must survive.
      t.settings.getState().setDataset('spiral');
      const toy = t.settings.getState().config;
      expect(applyLesson(lessonById(id)!, t), id).toEqual([]);
      const s = t.settings.getState();
      expect(s.mode, id).toBe('image');
      const config = activeConfig(s);
      expect(config.dataset, id).toBe('stacked-mnist');
      expect(config, id).toMatchObject({ seed: 1, ...expectations[id] });
      expect(s.imageConfig, id).toBe(config);
      expect(s.penalties.r1 && s.penalties.r2, id).toBe(true);
      expect(s.config, id).toEqual(toy);
      expect(t.workspace.getState().lesson).toBe(id);
      expect(t.workspace.getState().tab).toBe('playground');
      // Picking the toy again leaves the lesson's image mode for the toy it kept.
      s.setDataset('spiral');
      expect(t.settings.getState().mode).toBe('toy');
    }
    // A toy lesson after an image lesson brings the playground back to toy mode.
    const t = targets();
    applyLesson(lessonById('minibatch-stddev')!, t);
    applyLesson(lessonById('mode-collapse')!, t);
    expect(t.settings.getState().mode).toBe('toy');
    expect(t.settings.getState().config.dataset).toBe('ring8');
  });

  it('lesson 9 anneals γ from the ring’s 0.1 to σ² and lr 10× over its budget', () => {
    const t = targets();
    expect(applyLesson(lessonById('sharpen-ring')!, t)).toEqual([]);
    const c = t.settings.getState().config;
    expect(c).toMatchObject({ dataset: 'ring8', loss: 'rpgan', seed: 1, emaHalfLife: 200 });
    expect(c.burnInSteps).toBe(SHARPEN_STEPS);
    expect(c.gOptimizer).toMatchObject({ lr: 1e-3, beta1: 0.5 });
    const gamma = (step: number) =>
      cosineBurnIn(c.r1Gamma * c.gammaBurnInFactor, c.r1Gamma, step, c.burnInSteps);
    expect(gamma(0)).toBeCloseTo(0.1, 10);
    expect(gamma(SHARPEN_STEPS)).toBe(SHARPEN_FINAL_GAMMA);
    expect(Math.sqrt(SHARPEN_FINAL_GAMMA)).toBeCloseTo(0.02, 10); // the ring's σ
    expect(c.r2Gamma).toBe(c.r1Gamma);
    expect(c.gOptimizer.lr * c.lrEndFactor).toBeCloseTo(1e-4, 10);
    expect(t.settings.getState().penalties).toMatchObject({ r1: true, r2: true });
  });
});
