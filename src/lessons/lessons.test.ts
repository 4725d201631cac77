/** Lesson data: every preset is a valid configuration, links are unique, claims name variants. */
import { describe, expect, it } from 'vitest';

import { ganConfigSchema } from '../engine/config';
import { TOY_DATASET_NAMES } from '../engine/datasets';
import { DIRAC_DEFAULTS, simulateDirac } from '../engine/dirac';
import { diracSettingsSchema } from '../store/dirac';
import { lessonConfig } from './applyLesson';
import { LESSONS, lessonById, lessonUnavailable } from './lessons';

describe('lessons', () => {
  it('are the 8 of the issue, with unique link-safe ids', () => {
    expect(LESSONS).toHaveLength(8);
    const ids = LESSONS.map((l) => l.id);
    expect(new Set(ids).size).toBe(8);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9-]+$/);
    expect(lessonById('mode-collapse')?.title).toMatch(/Mode collapse/);
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

  it('Stacked MNIST lessons are unavailable until the dataset is selectable', () => {
    const toy = TOY_DATASET_NAMES as readonly string[];
    for (const id of ['stacked-mnist-race', 'minibatch-stddev']) {
      const l = lessonById(id)!;
      expect(lessonUnavailable(l, toy)).toMatch(/stacked-mnist/);
      expect(lessonUnavailable(l, [...toy, 'stacked-mnist'])).toBeNull();
    }
    expect(lessonUnavailable(lessonById('mode-collapse')!, toy)).toBeNull();
  });
});
