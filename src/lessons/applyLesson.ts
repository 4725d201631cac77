/**
 * Opens a lesson: its preset goes into the stores (playground settings, the comparison's runs or
 * the Dirac-GAN; Stacked MNIST lessons switch the playground to image mode) and the workspace
 * shows the right view. No React; the UI and tests call it.
 */
import type { GanConfig, ImageGanConfig } from '../engine/core/config';
import { DIRAC_DEFAULTS } from '../engine/dirac/dirac';
import type { CompareController } from '../store/compare';
import type { DiracStoreApi } from '../store/dirac';
import {
  configProblem,
  imagePresetConfig,
  imageProblem,
  presetConfig,
  type SettingsStoreApi,
} from '../store/settings';
import type { WorkspaceStoreApi } from '../store/workspace';
import type { Lesson } from './lessons';

export interface LessonTargets {
  settings: SettingsStoreApi;
  dirac: DiracStoreApi;
  compare: CompareController;
  workspace: WorkspaceStoreApi;
}

/** The lesson's base config: the opening preset with the lesson's settings over it. */
export function lessonConfig(patch: Partial<GanConfig>): GanConfig {
  return { ...presetConfig(), ...patch } as GanConfig;
}

/** An image lesson's config: the Stacked MNIST defaults with the lesson's settings over them. */
export function lessonImageConfig(patch: Partial<ImageGanConfig>): ImageGanConfig {
  return { ...imagePresetConfig(), ...patch, dataset: 'stacked-mnist' };
}

/** Applies the lesson's preset; returns problems (none for the shipped lessons). */
export function applyLesson(lesson: Lesson, t: LessonTargets): string[] {
  const preset = lesson.preset;
  const problems: string[] = [];
  t.workspace.getState().setLesson(lesson.id);
  switch (preset.kind) {
    case 'playground': {
      const config = lessonConfig(preset.config);
      const problem = configProblem(config);
      if (problem) problems.push(problem);
      else t.settings.getState().adoptConfig(config);
      t.workspace.getState().setTab('playground');
      break;
    }
    case 'compare': {
      const base = lessonConfig(preset.base);
      // The playground shows the first variant, so going back there continues the lesson.
      const first = lessonConfig({ ...preset.base, ...preset.variants[0]?.patch });
      if (configProblem(first) === null) t.settings.getState().adoptConfig(first);
      problems.push(...t.compare.setRuns(base, preset.variants));
      t.workspace.getState().setTab('compare');
      break;
    }
    case 'image': {
      // adoptConfig of an image config switches the playground to image mode (Stacked MNIST).
      const config = lessonImageConfig(preset.config);
      const problem = imageProblem(config);
      if (problem) problems.push(problem);
      else t.settings.getState().adoptConfig(config);
      t.workspace.getState().setTab('playground');
      break;
    }
    case 'dirac': {
      t.dirac.getState().set({ ...DIRAC_DEFAULTS, ...preset.dirac });
      t.workspace.getState().setTab('dirac');
      break;
    }
  }
  return problems;
}
