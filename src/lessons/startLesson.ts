/**
 * Opening a lesson from the picker, its card or a link: its preset now (applyLesson.ts), its
 * starting snapshot (if any) once the session can take it (lessonSnapshot.ts). No React.
 */
import { IMAGE_DATASET_NAMES } from '../engine/core/config';
import { TOY_DATASET_NAMES } from '../engine/toy/datasets';
import { applyLesson, type LessonTargets } from './applyLesson';
import { requestLessonStart, type LessonStartStoreApi } from './lessonSnapshot';
import { lessonById, lessonUnavailable, type Lesson } from './lessons';

/** Datasets the app can select (lessons that need another one are shown as unavailable). */
export const SELECTABLE_DATASETS: readonly string[] = [
  ...TOY_DATASET_NAMES,
  ...IMAGE_DATASET_NAMES,
];

export interface LessonStores extends LessonTargets {
  /** The open lesson's starting snapshot (Stacked MNIST lessons). */
  lessonStart: LessonStartStoreApi;
}

/** Opens a lesson at its snapshot number `snapshotIndex`; returns problems (see applyLesson). */
export function startLesson(lesson: Lesson, stores: LessonStores, snapshotIndex = 0): string[] {
  const problems = applyLesson(lesson, stores);
  requestLessonStart(stores.lessonStart, lesson, snapshotIndex);
  return problems;
}

/** Opens the lesson a link names; returns why it could not be, in the link's words. */
export function startLinkedLesson(id: string, stores: LessonStores): string[] {
  const lesson = lessonById(id);
  if (!lesson) return [`lesson: there is no lesson "${id}"`];
  const unavailable = lessonUnavailable(lesson, SELECTABLE_DATASETS);
  if (unavailable) return [`lesson "${lesson.title}": ${unavailable}`];
  return startLesson(lesson, stores);
}
