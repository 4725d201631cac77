/**
 * A lesson's starting snapshot (lessons.ts `snapshots`): fetched from public/lessons/, checked,
 * and opened in the playground's session like a saved run, so the lesson starts at a step where
 * the sample grid and the mode map already show something, and training continues from there.
 *
 * Nothing in the file is trusted: it must be a valid run file (store/savedRuns/runFile.ts), of a Stacked
 * MNIST run, with exactly the lesson's settings, at the stated step, with a mode map. When it is
 * not (or cannot be fetched), the lesson says why and the run trains from step 0 instead.
 *
 * No React, no tfjs: the App wires the store below to its session; tests drive it directly.
 */
import { createStore } from 'zustand/vanilla';

import type { ImageGanConfig } from '../engine/core/config';
import { fetchAssetBytes } from '../engine/image/mnist';
import { decodeRunFile, type Parsed, type RunContent } from '../store/savedRuns';
import { lessonImageConfig } from './applyLesson';
import type { Lesson, LessonSnapshot } from './lessons';
import { errorMessage } from '../errors';

/** The settings a lesson's snapshot must hold: the lesson's preset with the snapshot's patch. */
export function lessonSnapshotConfig(lesson: Lesson, snapshot: LessonSnapshot): ImageGanConfig {
  if (lesson.preset.kind !== 'image')
    throw new Error(`lesson "${lesson.id}" is not a Stacked MNIST lesson`);
  return lessonImageConfig({ ...lesson.preset.config, ...snapshot.patch });
}

/** JSON with object keys sorted, so that two configs compare by content, not key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** Names of the settings that differ between two configs. */
function differingSettings(a: object, b: object): string[] {
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  return [...new Set([...Object.keys(x), ...Object.keys(y)])].filter(
    (k) => canonical(x[k]) !== canonical(y[k]),
  );
}

/** The snapshot's content when `bytes` are a valid starting point for it; else why not. */
export function parseLessonSnapshot(
  lesson: Lesson,
  snapshot: LessonSnapshot,
  bytes: Uint8Array,
): Parsed<RunContent> {
  const decoded = decodeRunFile(bytes);
  if (!decoded.ok) return decoded;
  const content = decoded.value.content;
  if (content.kind !== 'image') return { ok: false, message: 'it is not a Stacked MNIST run.' };
  const differing = differingSettings(
    content.snapshot.config,
    lessonSnapshotConfig(lesson, snapshot),
  );
  if (differing.length > 0)
    return {
      ok: false,
      message: `its settings are not the lesson's (${differing.slice(0, 4).join(', ')} differ).`,
    };
  if (content.snapshot.iteration !== snapshot.step)
    return {
      ok: false,
      message: `it is at step ${content.snapshot.iteration}, not ${snapshot.step}.`,
    };
  if (content.evaluation === null || content.evaluation.step !== snapshot.step)
    return { ok: false, message: `it has no mode map of step ${snapshot.step}.` };
  return { ok: true, value: content };
}

/** Where the starting point of the open lesson stands. */
export type LessonStartStatus =
  | { state: 'loading'; lessonId: string; index: number }
  | { state: 'open'; lessonId: string; index: number }
  | { state: 'failed'; lessonId: string; index: number; message: string };

export interface LessonStartState {
  /** A snapshot to open as soon as the session can take it. */
  pending: { lesson: Lesson; index: number } | null;
  status: LessonStartStatus | null;
  /** Counts requests, so a slow load that was overtaken does not open. */
  requests: number;
}

export type LessonStartStoreApi = ReturnType<typeof createLessonStartStore>;

export function createLessonStartStore() {
  return createStore<LessonStartState>(() => ({ pending: null, status: null, requests: 0 }));
}

/**
 * Asks for the lesson's starting snapshot number `index` (the first by default); a lesson without
 * snapshots clears any earlier one's status.
 */
export function requestLessonStart(store: LessonStartStoreApi, lesson: Lesson, index = 0): void {
  const requests = store.getState().requests + 1;
  if (!lesson.snapshots?.[index]) store.setState({ pending: null, status: null, requests });
  else store.setState({ pending: { lesson, index }, requests });
}

/** What opening a snapshot needs from the training session. */
export interface SnapshotTarget {
  reopen(content: RunContent): Promise<void>;
}

/** The bytes of an app asset (path relative to the app root). */
export type AssetFetcher = (path: string) => Promise<Uint8Array>;

export const fetchAppAsset: AssetFetcher = (path) =>
  fetchAssetBytes(new URL(`${import.meta.env.BASE_URL}${path}`, window.location.origin).href);

/**
 * Opens the pending snapshot (if any) in `target`: fetch, check, reopen. Failures end in a
 * 'failed' status with a message for the lesson card; the run then stays as the lesson's preset
 * built it (step 0).
 */
export async function openPendingLessonStart(
  store: LessonStartStoreApi,
  target: SnapshotTarget,
  fetchBytes: AssetFetcher = fetchAppAsset,
): Promise<void> {
  const { pending, requests } = store.getState();
  if (!pending) return;
  const { lesson, index } = pending;
  const snapshot = lesson.snapshots![index];
  const where = { lessonId: lesson.id, index };
  store.setState({ pending: null, status: { state: 'loading', ...where } });
  const current = () => store.getState().requests === requests;
  let message: string;
  try {
    const parsed = parseLessonSnapshot(lesson, snapshot, await fetchBytes(snapshot.path));
    if (!current()) return;
    if (parsed.ok) {
      await target.reopen(parsed.value);
      if (current()) store.setState({ status: { state: 'open', ...where } });
      return;
    }
    message = `the file ${snapshot.path} is not a valid starting point: ${parsed.message.replace(/^This is not a valid GAN Playground run file: /, '')}`;
  } catch (error) {
    message = errorMessage(error);
  }
  if (current()) store.setState({ status: { state: 'failed', ...where, message } });
}
