/**
 * Opens a lesson: its preset goes into the stores (playground settings, the comparison's runs or
 * the Dirac-GAN) and the workspace shows the right view. No React; the UI and tests call it.
 */
import type { GanConfig } from '../engine/config';
import { DIRAC_DEFAULTS } from '../engine/dirac';
import type { CompareController } from '../store/compare';
import type { DiracStoreApi } from '../store/dirac';
import { configProblem, presetConfig, type SettingsStoreApi } from '../store/settings';
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
    case 'dirac': {
      t.dirac.getState().set({ ...DIRAC_DEFAULTS, ...preset.dirac });
      t.workspace.getState().setTab('dirac');
      break;
    }
  }
  return problems;
}
