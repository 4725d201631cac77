/**
 * The lessons' starting snapshots: the committed files are valid run files with exactly their
 * lesson's settings, step and mode map; damaged or foreign files are refused with a message; the
 * start store opens the requested snapshot once, and never a load that a newer request overtook.
 * (cli/runSnapshot.test.ts retrains their first steps and re-evaluates one of them.)
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

import { publicPath } from '../cli/assets';
import { IMAGE_WIDTH_PRESETS, imagePresetConfig } from '../store/settings';
import { decodeRunFile, encodeRunFile, type RunContent } from '../store/savedRuns';
import { isPrecached } from '../../scripts/offlinePrecache';
import {
  createLessonStartStore,
  lessonSnapshotConfig,
  openPendingLessonStart,
  parseLessonSnapshot,
  requestLessonStart,
  type AssetFetcher,
} from './lessonSnapshot';
import { LESSONS, lessonById, type Lesson, type LessonSnapshot } from './lessons';

const withSnapshots = LESSONS.filter((l) => l.snapshots && l.snapshots.length > 0);
const committed = (s: LessonSnapshot) => new Uint8Array(readFileSync(publicPath(s.path)));

const race = lessonById('stacked-mnist-race')!;
const raceStart = race.snapshots![0];

/** The race's committed NSGAN snapshot, decoded. */
function raceContent(): Extract<RunContent, { kind: 'image' }> {
  const decoded = decodeRunFile(committed(raceStart));
  if (!decoded.ok || decoded.value.content.kind !== 'image') throw new Error('bad fixture');
  return decoded.value.content;
}

/** A copy of the race's file re-encoded with something changed. */
function reencoded(change: (c: Extract<RunContent, { kind: 'image' }>) => RunContent): Uint8Array {
  return encodeRunFile({ name: 'x', savedAt: 0, content: change(raceContent()) });
}

describe('lesson snapshots', () => {
  it('every Stacked MNIST lesson has one, at the Tiny width, in public/lessons/ (precached)', () => {
    const ids = withSnapshots.map((l) => l.id);
    expect(ids).toEqual(['stacked-mnist-race', 'minibatch-stddev', 'latent-interpolation']);
    const tiny = IMAGE_WIDTH_PRESETS.find((p) => p.id === 'tiny')!.channels;
    for (const lesson of withSnapshots)
      for (const s of lesson.snapshots!) {
        const config = lessonSnapshotConfig(lesson, s);
        expect(config.gChannels).toEqual(tiny);
        expect(config.dChannels).toEqual(tiny);
        expect(s.path).toMatch(/^lessons\/[\w.-]+\.ganrun$/);
        expect(isPrecached(s.path)).toBe(true);
        expect(s.command).toContain(`--steps ${s.step}`);
        expect(s.command).toContain(`--snapshot-out public/${s.path}`);
      }
  });

  it('the committed files are valid, a few hundred kB, with the lesson settings, step and mode map', () => {
    for (const lesson of withSnapshots)
      for (const s of lesson.snapshots!) {
        const bytes = committed(s);
        expect(bytes.length, s.path).toBeLessThan(400_000);
        const parsed = parseLessonSnapshot(lesson, s, bytes);
        if (!parsed.ok) throw new Error(`${s.path}: ${parsed.message}`);
        const content = parsed.value;
        expect(content.snapshot.iteration).toBe(s.step);
        if (content.kind !== 'image') throw new Error('not an image run');
        const evaluation = content.evaluation!;
        expect(evaluation).toMatchObject({ step: s.step, totalModes: 1000, evalSamples: 5000 });
        expect(evaluation.modeCounts.reduce((a, b) => a + b, 0)).toBe(5000);
        expect(evaluation.modesCovered).toBe(evaluation.modeCounts.filter((c) => c > 0).length);
        // The charts open with the run's history: a row every 10 steps, up to the snapshot.
        expect(content.metrics.points.at(-1)?.step ?? content.latest?.step).toBe(s.step);
        expect(content.evals.points.at(-1)?.step).toBe(s.step);
      }
  });

  it('the same file serves lesson 6’s RpGAN run and lesson 8 (same settings)', () => {
    const interpolation = lessonById('latent-interpolation')!;
    expect(lessonSnapshotConfig(race, race.snapshots![1])).toEqual(
      lessonSnapshotConfig(interpolation, interpolation.snapshots![0]),
    );
    expect(race.snapshots![1].path).toBe(interpolation.snapshots![0].path);
    // …and differs from the lesson's own (NSGAN) run only in the loss.
    expect(lessonSnapshotConfig(race, raceStart)).toEqual({
      ...lessonSnapshotConfig(race, race.snapshots![1]),
      loss: 'nsgan',
    });
    expect(lessonSnapshotConfig(race, raceStart)).toMatchObject({
      ...imagePresetConfig(),
      loss: 'nsgan',
      batchSize: 32,
      gChannels: [8, 8, 8],
      dChannels: [8, 8, 8],
    });
  });

  it('refuses damaged, foreign or mismatched files with a reason', () => {
    const refuse = (bytes: Uint8Array, lesson: Lesson = race, s = raceStart) => {
      const parsed = parseLessonSnapshot(lesson, s, bytes);
      if (parsed.ok) throw new Error('accepted');
      return parsed.message;
    };
    const good = committed(raceStart);
    const flipped = good.slice();
    flipped[flipped.length - 5] ^= 0xff;
    expect(refuse(flipped)).toMatch(/checksum/);
    expect(refuse(good.slice(0, 100))).toMatch(/not a valid GAN Playground run file/);
    expect(refuse(new TextEncoder().encode('<!doctype html>'))).toMatch(/GANPGRUN/);
    // Another lesson's file: the settings say so.
    const growing = lessonById('minibatch-stddev')!;
    expect(refuse(committed(growing.snapshots![0]))).toMatch(
      /settings are not the lesson's.*mbstd/,
    );
    expect(refuse(good, race, race.snapshots![1])).toMatch(/loss differ/);
    expect(
      refuse(
        reencoded((c) => ({
          ...c,
          snapshot: { ...c.snapshot, iteration: c.snapshot.iteration + 1 },
        })),
      ),
    ).toMatch(/at step 201, not 200/);
    expect(refuse(reencoded((c) => ({ ...c, evaluation: null })))).toMatch(/no mode map/);
  });

  it('the start store opens the requested snapshot in the session, or says why not', async () => {
    const store = createLessonStartStore();
    const opened: RunContent[] = [];
    const target = { reopen: async (c: RunContent) => void opened.push(c) };
    const fetchCommitted: AssetFetcher = async (path) =>
      new Uint8Array(readFileSync(publicPath(path)));

    requestLessonStart(store, race);
    expect(store.getState().pending).toMatchObject({ index: 0 });
    await openPendingLessonStart(store, target, fetchCommitted);
    expect(opened).toHaveLength(1);
    expect(opened[0].snapshot.config.loss).toBe('nsgan');
    expect(store.getState()).toMatchObject({
      pending: null,
      status: { state: 'open', lessonId: race.id, index: 0 },
    });
    // Nothing pending: nothing happens.
    await openPendingLessonStart(store, target, fetchCommitted);
    expect(opened).toHaveLength(1);

    // The second snapshot of the race: RpGAN.
    requestLessonStart(store, race, 1);
    await openPendingLessonStart(store, target, fetchCommitted);
    expect(opened[1].snapshot.config.loss).toBe('rpgan');

    // A missing file (offline, 404): the run stays at step 0 and the card says why.
    requestLessonStart(store, race);
    await openPendingLessonStart(store, target, async () => {
      throw new Error('Could not fetch lessons/x: HTTP 404');
    });
    expect(opened).toHaveLength(2);
    expect(store.getState().status).toMatchObject({ state: 'failed', message: /HTTP 404/ });

    // A wrong file: refused, with the reason.
    requestLessonStart(store, race);
    await openPendingLessonStart(store, target, async () => new Uint8Array(16));
    expect(store.getState().status).toMatchObject({ state: 'failed', message: /not a valid/ });

    // A lesson without snapshots clears the status.
    requestLessonStart(store, lessonById('mode-collapse')!);
    expect(store.getState()).toMatchObject({ pending: null, status: null });
  });

  it('a load overtaken by a newer request does not open', async () => {
    const store = createLessonStartStore();
    const opened: RunContent[] = [];
    const target = { reopen: async (c: RunContent) => void opened.push(c) };
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    requestLessonStart(store, race);
    const slow = openPendingLessonStart(store, target, async (path) => {
      await gate;
      return new Uint8Array(readFileSync(publicPath(path)));
    });
    requestLessonStart(store, lessonById('mode-collapse')!); // the teacher moved on
    release();
    await slow;
    expect(opened).toHaveLength(0);
    expect(store.getState().status).toBeNull();
  });
});
