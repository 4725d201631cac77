import { describe, expect, it } from 'vitest';

import type { GanConfig } from '../../engine/core/config';
import { estimateRunCost } from '../../engine/core/cost';
import { toySnapshotShapes } from '../../engine/core/snapshotShapes';
import type { ImageEvaluation } from '../../protocol';
import { appendBounded, emptyHistory } from '../downsample';
import type { EvalPoint, MetricPoint } from '../run';
import { imagePresetConfig, presetConfig } from '../settings';
import {
  decodeRunFile,
  encodeRunFile,
  MAX_RUN_FILE_BYTES,
  MAX_RUN_ITERATION,
  parseRunContent,
  runFileName,
  type RunContent,
  type ToyRunContent,
} from './runFile';

/** Values that a text format would round: tiny, huge, negative zero, subnormal, 1/3. */
const VALUES = [0.1, -1e-30, 3.4e38, -0, 1e-45, 1 / 3, 2, -7.25, 0, 0.25, -3];

/** The smallest toy run (1-unit MLPs, SGD, no EMA): 11 weight values, as VALUES. */
const TOY_CONFIG: GanConfig = {
  ...presetConfig(),
  seed: 7,
  latentDim: 1,
  gWidth: 1,
  gDepth: 1,
  dWidth: 1,
  dDepth: 1,
  emaHalfLife: 0,
  gOptimizer: { ...presetConfig().gOptimizer, kind: 'sgd' },
  dOptimizer: { ...presetConfig().dOptimizer, kind: 'sgd' },
};

function content(overrides: Partial<ToyRunContent> = {}): ToyRunContent {
  const rows: MetricPoint[] = [1, 2, 3, 4, 5].map((step) => ({
    step,
    dLoss: 1 / step,
    gLoss: step,
    r1: 0,
    r2: 0,
  })) as unknown as MetricPoint[];
  const evals: EvalPoint[] = [
    { step: 5, modesCovered: 6, highQuality: 40, reverseKL: 0.5, slicedWasserstein: null },
  ];
  return {
    kind: 'toy',
    snapshot: {
      config: TOY_CONFIG,
      logEvery: 1,
      iteration: 5,
      optimizerSteps: [5, 5],
      shapes: toySnapshotShapes(TOY_CONFIG),
      values: Float32Array.from(VALUES),
    },
    metrics: appendBounded(emptyHistory<MetricPoint>(), rows, 4),
    evals: appendBounded(emptyHistory<EvalPoint>(), evals, 4),
    latest: rows[4],
    evaluation: {
      step: 5,
      modesCovered: 6,
      totalModes: 8,
      highQuality: 0.4,
      reverseKL: 0.5,
      slicedWasserstein: 0.2,
      modeCounts: [1, 2, 3, 4, 5, 6, 0, 0],
    },
    ...overrides,
  };
}

const SAVED_AT = Date.UTC(2026, 0, 2, 3, 4, 5);

function file(c: RunContent = content(), name = 'My run') {
  return encodeRunFile({ name, savedAt: SAVED_AT, content: c });
}

/** The file's header as an object, and a function that writes a changed header back. */
function editHeader(bytes: Uint8Array, edit: (h: Record<string, unknown>) => void): Uint8Array {
  const length = new DataView(bytes.buffer).getUint32(8, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + length)));
  edit(header);
  const valuesAt = Math.ceil((12 + length) / 4) * 4;
  const values = bytes.subarray(valuesAt);
  const newHeader = new TextEncoder().encode(JSON.stringify(header));
  const newAt = Math.ceil((12 + newHeader.length) / 4) * 4;
  const out = new Uint8Array(newAt + values.length);
  out.set(bytes.subarray(0, 8));
  new DataView(out.buffer).setUint32(8, newHeader.length, true);
  out.set(newHeader, 12);
  out.set(values, newAt);
  return out;
}

function expectError(bytes: Uint8Array, pattern: RegExp) {
  const result = decodeRunFile(bytes);
  expect(result.ok).toBe(false);
  if (!result.ok) expect(result.message).toMatch(pattern);
}

describe('run file', () => {
  it('round-trips settings, weights (bit for bit), iteration, histories, name and date', () => {
    const original = content();
    const bytes = file(original);
    expect(new TextDecoder().decode(bytes.subarray(0, 8))).toBe('GANPGRUN');
    expect(bytes.length % 4).toBe(0);
    const result = decodeRunFile(bytes);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.name).toBe('My run');
    expect(result.value.savedAt).toBe(SAVED_AT);
    const decoded = result.value.content;
    const { values, ...meta } = decoded.snapshot;
    const { values: originalValues, ...originalMeta } = original.snapshot;
    expect(meta).toEqual(originalMeta);
    expect(new Uint32Array(values.buffer)).toEqual(new Uint32Array(originalValues.buffer));
    expect(Object.is(values[3], -0)).toBe(true);
    expect(decoded.metrics).toEqual(original.metrics);
    expect(decoded.evals).toEqual(original.evals);
    expect(decoded.latest).toEqual(original.latest);
    expect(decoded.evaluation).toEqual(original.evaluation);
  });

  it('keeps a drawn dataset (custom points) in the settings', () => {
    const c = content();
    c.snapshot.config = { ...c.snapshot.config, dataset: 'custom', customPoints: [[1, 2]] };
    const result = decodeRunFile(file(c));
    const config = result.ok ? (result.value.content.snapshot.config as GanConfig) : null;
    expect(config?.customPoints).toEqual([[1, 2]]);
  });

  it('a run with no history yet (saved at step 0) round-trips', () => {
    const c = content({
      metrics: emptyHistory(),
      evals: emptyHistory(),
      latest: null,
      evaluation: null,
    });
    c.snapshot.iteration = 0;
    const result = decodeRunFile(file(c));
    expect(result.ok && result.value.content.latest).toBe(null);
  });

  it('refuses what is not a run file, saying why', () => {
    expectError(new TextEncoder().encode('{"config":{}}'), /does not start with GANPGRUN/);
    expectError(new Uint8Array(4), /too short/);
    const bytes = file();
    expectError(bytes.subarray(0, bytes.length - 4), /should hold 11 weights/);
    expectError(new Uint8Array([...bytes, 0, 0, 0, 0]), /should hold 11 weights/);
    const longHeader = bytes.slice();
    new DataView(longHeader.buffer).setUint32(8, 0xffffffff, true);
    expectError(longHeader, /header is cut off or too long/);
    const notJson = bytes.slice();
    notJson[12] = 0x7b + 1; // '{' → '|'
    expectError(notJson, /header is not JSON/);
  });

  it('detects damaged weights with the checksum', () => {
    const bytes = file();
    bytes[bytes.length - 5] ^= 0x10;
    expectError(bytes, /weights are damaged \(checksum\)/);
  });

  it('names an unknown version instead of guessing', () => {
    expectError(
      editHeader(file(), (h) => (h.version = 2)),
      /has version "2"; this app reads version 1/,
    );
    expectError(
      editHeader(file(), (h) => (h.format = 'gan-playground-config')),
      /another format/,
    );
  });

  it('validates the settings and the snapshot with the shared schemas', () => {
    expectError(
      editHeader(file(), (h) => ((h.snapshot as { config: { loss: string } }).config.loss = 'x')),
      /snapshot\.config\.loss/,
    );
    expectError(
      editHeader(file(), (h) => ((h.snapshot as { config: object }).config = { evil: 1 })),
      /snapshot\.config/,
    );
    expectError(
      editHeader(file(), (h) => ((h.snapshot as { shapes: number[][] }).shapes = [[2, 3]])),
      /11 values for 6/,
    );
    expectError(
      editHeader(file(), (h) => ((h.snapshot as { iteration: number }).iteration = -1)),
      /snapshot\.iteration/,
    );
    expectError(
      editHeader(file(), (h) => (h.extra = '<script>')),
      /Unrecognized key/,
    );
  });

  it('refuses odd history keys and oversized histories; never copies __proto__', () => {
    const withPoint = (point: string) =>
      editHeader(file(), (h) => {
        const history = h.history as { metrics: { points: object[] } };
        history.metrics.points[0] = JSON.parse(point);
      });
    expectError(withPoint('{"step":1,"x-y":2}'), /history\.metrics\.points\.0/);
    expectError(withPoint('{"step":1,"_x":2}'), /history\.metrics\.points\.0/);
    // zod leaves a `__proto__` key out of what it returns: the point is read without it.
    const result = decodeRunFile(withPoint('{"step":1,"__proto__":{"polluted":1}}'));
    expect(result.ok).toBe(true);
    if (result.ok) {
      const point = result.value.content.metrics.points[0];
      expect(Object.keys(point)).toEqual(['step']);
      expect(Object.getPrototypeOf(point)).toBe(Object.prototype);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expectError(
      editHeader(file(), (h) => {
        const history = h.history as { metrics: { points: object[] } };
        history.metrics.points = Array.from({ length: 10_001 }, (_, i) => ({ step: i }));
      }),
      /history\.metrics\.points/,
    );
  });

  it('refuses NaN or infinite weights', () => {
    const c = content();
    c.snapshot.values = Float32Array.from([...VALUES.slice(0, 10), NaN]);
    expectError(file(c), /NaN or infinite/);
  });

  it('refuses files over the size limit before reading them', () => {
    expectError(new Uint8Array(MAX_RUN_FILE_BYTES + 1), /too large \(limit 64 MB\)/);
  });

  it('keeps HTML in a name as text and cleans the name', () => {
    const result = decodeRunFile(file(content(), '<img src=x onerror=alert(1)>'));
    expect(result.ok && result.value.name).toBe('<img src=x onerror=alert(1)>');
    const controls = decodeRunFile(file(content(), '  a\u0000b\n\tc  '));
    expect(controls.ok && controls.value.name).toBe('a b c');
    // An empty name falls back to a description of the run.
    const unnamed = decodeRunFile(file(content(), '\u0007'));
    expect(unnamed.ok && unnamed.value.name).toBe('NSGAN, no penalty on ring8, step 5');
  });

  it('makes safe file names', () => {
    expect(runFileName('RpGAN + R1 on ring8, step 120')).toBe(
      'RpGAN-+-R1-on-ring8-step-120.ganrun',
    );
    expect(runFileName('../../etc/passwd')).toBe('etc-passwd.ganrun');
    expect(runFileName('<>')).toBe('gan-run.ganrun');
  });
});

/** A Stacked MNIST run's content: image settings, a 1000-mode evaluation. */
function imageContent(): RunContent {
  const toy = content();
  const config = {
    ...imagePresetConfig(),
    mbstd: true,
    seed: 3,
    gChannels: [4, 4, 4] as [number, number, number],
    dChannels: [4, 4, 4] as [number, number, number],
    groupSize: 4,
  };
  // G, D, G's EMA copy and two Adam moments each, as one flat tensor (only the size is checked).
  const size = 5 * estimateRunCost(config).parameters;
  return {
    kind: 'image',
    snapshot: {
      ...toy.snapshot,
      config,
      shapes: [[size]],
      values: Float32Array.from({ length: size }, (_, i) => i / size),
    },
    metrics: toy.metrics,
    evals: appendBounded(
      emptyHistory<EvalPoint>(),
      [{ step: 5, modesCovered: 412, reverseKL: 1.7, klFloor: 0.1 } as unknown as EvalPoint],
      4,
    ),
    latest: toy.latest,
    evaluation: {
      kind: 'image',
      step: 5,
      modesCovered: 2,
      totalModes: 1000,
      reverseKL: 5.9,
      klFloor: 0.0999,
      evalSamples: 5000,
      modeCounts: Array.from({ length: 1000 }, (_, i) => (i === 7 ? 4000 : i === 9 ? 1000 : 0)),
    },
  };
}

describe('Stacked MNIST runs', () => {
  it('round-trip through a file with their own settings and evaluation', () => {
    const original = imageContent();
    const result = decodeRunFile(file(original, 'Digits'));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.content).toEqual(original);
    expect(result.value.name).toBe('Digits');
  });

  it('keep the confident measure; files saved before it existed stay readable', () => {
    // imageContent() has no confident fields, as files saved before the measure (test above).
    const base = imageContent();
    const evaluation = {
      ...(base.evaluation as ImageEvaluation),
      confidentShare: 0.5,
      confidentModesCovered: 1,
      confidentModeCounts: Array.from({ length: 1000 }, (_, i) => (i === 7 ? 2500 : 0)),
    };
    const withConfident = { ...base, evaluation } as RunContent;
    const result = decodeRunFile(file(withConfident, 'Digits'));
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.value.content).toEqual(withConfident);
    expect(
      parseRunContent({ ...withConfident, evaluation: { ...evaluation, confidentShare: 1.5 } }),
    ).toMatchObject({ ok: false });
  });

  it('are checked against the schemas of their kind', () => {
    const image = imageContent();
    // Image settings under the toy kind, or a toy evaluation under the image kind: refused.
    expect(parseRunContent({ ...image, kind: 'toy' })).toMatchObject({ ok: false });
    expect(parseRunContent({ ...image, evaluation: content().evaluation })).toMatchObject({
      ok: false,
    });
    const toy = content();
    expect(parseRunContent({ ...toy, kind: 'image' })).toMatchObject({ ok: false });
  });
});

describe('content read back from IndexedDB', () => {
  it('parseRunContent accepts what it is given back and refuses a changed layout', () => {
    expect(parseRunContent(content()).ok).toBe(true);
    expect(parseRunContent({ ...content(), kind: 'stacked-mnist' })).toMatchObject({ ok: false });
    const c = content();
    expect(
      parseRunContent({ ...c, snapshot: { ...c.snapshot, values: [...c.snapshot.values] } }),
    ).toEqual({ ok: false, message: 'no weights' });
  });
});

describe('run files that could never open are refused at import (issue 14)', () => {
  it('weights of other widths, permuted shapes, a giant single tensor', () => {
    const wide = content();
    const settings = { ...TOY_CONFIG, gWidth: 2 };
    wide.snapshot = { ...wide.snapshot, config: settings };
    expectError(
      file(wide),
      /the weights do not fit the run's settings: weight tensor 1 is \[1, 1\], the settings need \[1, 2\]/,
    );
    const permuted = content();
    permuted.snapshot.shapes = permuted.snapshot.shapes.map((shape) => [...shape].reverse());
    expectError(file(permuted), /weight tensor 2 is \[2, 1\], the settings need \[1, 2\]/);
    const giant = content();
    const size = 2 ** 22; // 16 MB in one tensor
    giant.snapshot.shapes = [[size]];
    giant.snapshot.values = new Float32Array(size);
    expectError(file(giant), /the settings build 8 weight tensors, the file holds 1/);
    const image = imageContent();
    image.snapshot.shapes = [[size]];
    image.snapshot.values = new Float32Array(size);
    expectError(file(image), /the file holds 4194304 weight values, the settings need about \d+/);
  });

  it('an iteration beyond a billion (the counter stopped at 2⁵³ − 1)', () => {
    for (const iteration of [Number.MAX_SAFE_INTEGER, MAX_RUN_ITERATION + 1]) {
      const c = content();
      c.snapshot.iteration = iteration;
      expectError(file(c), /snapshot\.iteration/);
    }
    const c = content();
    c.snapshot.iteration = MAX_RUN_ITERATION;
    expect(decodeRunFile(file(c)).ok).toBe(true);
  });
});
