/**
 * The run file and the validation of a run's content: a playground run with everything needed to
 * continue training it — settings, weights, optimiser state and iteration (the worker's
 * TrainerSnapshot) — and its chart histories, so a reopened run looks and trains as if it had
 * never stopped.
 *
 * Pure and unit-tested: the run file's encoding and its validation (zod, size-capped; nothing in
 * a file is trusted, and its text is only ever shown as text). The same schemas check what
 * IndexedDB gives back (`db.ts`); names come from `../names.ts`.
 *
 * The run file ("GAN Playground run", .ganrun), version 1, little-endian:
 *   bytes 0–7    magic "GANPGRUN"
 *   bytes 8–11   uint32: length H of the header in bytes
 *   bytes 12…    the header, UTF-8 JSON: {format, version, name, savedAt, kind, snapshot (its
 *                config, logEvery, iteration, optimizerSteps and shapes), valueCount,
 *                checksum (FNV-1a 32 of the value bytes), history}
 *   then zero padding to a multiple of 4 bytes, then valueCount float32 values: the snapshot's
 *   variables, flattened and concatenated in order. Nothing may follow them.
 * `kind` is "toy" (a 2-D run: its config passes the toy settings schema, its evaluation is a
 * ToyEvaluation) or "image" (Stacked MNIST: the image settings schema, an ImageEvaluation).
 * Binary weights keep the file small and exact (3×64 MLPs with Adam: about 0.2 MB; a DCGAN of
 * widths 16 with Adam and its EMA copy: a few MB); the JSON header keeps everything else readable.
 */
import { z } from 'zod';

import {
  ganConfigSchema,
  imageGanConfigSchema,
  type AnyGanConfig,
  type GanConfig,
  type ImageGanConfig,
} from '../../engine/core/config';
import { fnv1a32 } from '../../engine/image/mnist';
import { snapshotShapesProblem } from '../../engine/core/snapshotShapes';
import type { ImageEvaluation, LogRow, ToyEvaluation, TrainerSnapshot } from '../../protocol';
import type { BoundedHistory } from '../downsample';
import { cleanRunName, defaultRunName } from '../names';
import type { EvalPoint, MetricPoint } from '../run';

export const RUN_FILE_FORMAT = 'gan-playground-run';
export const RUN_FILE_VERSION = 1;
export const RUN_FILE_EXTENSION = '.ganrun';
const MAGIC = 'GANPGRUN';
const PREFIX_BYTES = 12;
/** Files larger than this are refused before they are read (a 4×256 run is ~3 MB). */
export const MAX_RUN_FILE_BYTES = 64 * 1024 * 1024;
const MAX_HEADER_BYTES = 8 * 1024 * 1024;

/** The worker's snapshot of a 2-D toy run. */
export type ToySnapshot = Omit<TrainerSnapshot, 'config'> & { config: GanConfig };
/** The worker's snapshot of a Stacked MNIST run. */
export type ImageSnapshot = Omit<TrainerSnapshot, 'config'> & { config: ImageGanConfig };

/** What a saved run holds besides its name and date. */
export type RunContent = {
  metrics: BoundedHistory<MetricPoint>;
  evals: BoundedHistory<EvalPoint>;
  /** The last diagnostics row (the counters beside the view), if any. */
  latest: LogRow | null;
} & (
  | { kind: 'toy'; snapshot: ToySnapshot; evaluation: ToyEvaluation | null }
  | { kind: 'image'; snapshot: ImageSnapshot; evaluation: ImageEvaluation | null }
);

export type ToyRunContent = Extract<RunContent, { kind: 'toy' }>;

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

// ---------------------------------------------------------------------------------------------
// Validation (shared by files and by what IndexedDB gives back)

/** Keys of chart points and diagnostics rows: identifiers, so never `__proto__` and friends. */
const seriesKey = z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,39}$/, 'not a series name');
const nullableNumber = z.number().nullable();

const pointSchema = z
  .record(seriesKey, nullableNumber)
  .refine((p) => Object.keys(p).length <= 40, 'too many series')
  .refine((p) => typeof p.step === 'number' && p.step >= 0, 'a point needs a step');

const MAX_HISTORY_POINTS = 10_000;

const historySchema = z.strictObject({
  points: z.array(pointSchema).max(MAX_HISTORY_POINTS),
  stride: z
    .number()
    .int()
    .min(1)
    .max(2 ** 40),
  partial: pointSchema.nullable(),
  partialCount: z
    .number()
    .int()
    .min(0)
    .max(2 ** 40),
});

const logRowSchema = z
  .record(seriesKey, z.number())
  .refine((p) => Object.keys(p).length <= 40, 'too many series')
  .refine((p) => typeof p.step === 'number', 'a row needs a step');

const toyEvaluationSchema = z.strictObject({
  step: z.number().int().min(0),
  modesCovered: z.number().int().min(0).nullable(),
  totalModes: z.number().int().min(0).nullable(),
  highQuality: nullableNumber,
  reverseKL: nullableNumber,
  slicedWasserstein: z.number(),
  modeCounts: z.array(z.number().int().min(0)).max(10_000).nullable(),
});

const imageEvaluationSchema = z.strictObject({
  kind: z.literal('image'),
  step: z.number().int().min(0),
  modesCovered: z.number().int().min(0).max(1000),
  totalModes: z.number().int().min(0).max(1000),
  reverseKL: z.number().min(0),
  klFloor: z.number().min(0),
  evalSamples: z.number().int().min(0),
  modeCounts: z.array(z.number().int().min(0)).max(1000),
  // Absent from runs saved before the confident measure existed.
  confidentShare: z.number().min(0).max(1).optional(),
  confidentModesCovered: z.number().int().min(0).max(1000).optional(),
  confidentModeCounts: z.array(z.number().int().min(0)).max(1000).optional(),
});

/** Up to 1000 variables, each of rank ≤ 8; the values of one run fit in a 64 MB file. */
const MAX_VALUES = MAX_RUN_FILE_BYTES / 4;

/**
 * The most iterations a run can have: a billion (11 days at 1000 steps/s, far beyond any run in
 * a tab). A larger count is a made-up file: 2⁵³ − 1 was accepted and then the counter stopped.
 */
export const MAX_RUN_ITERATION = 1e9;
/** Optimiser updates: up to 10 D steps per iteration. */
const MAX_OPTIMIZER_STEPS = 10 * MAX_RUN_ITERATION;

/** A snapshot's metadata (all but its values), with the settings schema of its kind. */
function snapshotMetaSchema<C extends z.ZodType>(config: C) {
  return z.strictObject({
    config,
    logEvery: z.number().int().min(1).max(10_000),
    iteration: z.number().int().min(0).max(MAX_RUN_ITERATION),
    optimizerSteps: z.tuple([
      z.number().int().min(0).max(MAX_OPTIMIZER_STEPS),
      z.number().int().min(0).max(MAX_OPTIMIZER_STEPS),
    ]),
    shapes: z.array(z.array(z.number().int().min(0).max(MAX_VALUES)).max(8)).max(1000),
  });
}
const SNAPSHOT_META = {
  toy: snapshotMetaSchema(ganConfigSchema),
  image: snapshotMetaSchema(imageGanConfigSchema),
};

function historyContentSchema<E extends z.ZodType>(evaluation: E) {
  return z.strictObject({
    metrics: historySchema,
    evals: historySchema,
    latest: logRowSchema.nullable(),
    evaluation: evaluation.nullable(),
  });
}
const HISTORY_CONTENT = {
  toy: historyContentSchema(toyEvaluationSchema),
  image: historyContentSchema(imageEvaluationSchema),
};

const headerSchema = z.strictObject({
  format: z.literal(RUN_FILE_FORMAT),
  version: z.literal(RUN_FILE_VERSION),
  name: z.string().max(1000),
  savedAt: z.iso.datetime(),
  kind: z.enum(['toy', 'image']),
  // Checked against the schemas of `kind` by parseRunContent.
  snapshot: z.record(z.string(), z.unknown()),
  valueCount: z.number().int().min(0).max(MAX_VALUES),
  checksum: z.number().int().min(0).max(0xffffffff),
  history: z.record(z.string(), z.unknown()),
});

/** "path: reason" of the first zod issue, without echoing values. */
function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid content';
  const where = issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ` : '';
  const text = `${where}${issue.message}`;
  return text.length > 160 ? `${text.slice(0, 160)}…` : text;
}

/** Values the shapes hold, or null if that is not a safe integer. */
function shapeTotal(shapes: readonly (readonly number[])[]): number | null {
  let total = 0;
  for (const shape of shapes) {
    total += shape.reduce((a, b) => a * b, 1);
    if (!Number.isSafeInteger(total)) return null;
  }
  return total;
}

/** Why a snapshot's values cannot be the run's weights, or null. */
function valuesProblem(
  shapes: readonly (readonly number[])[],
  values: Float32Array,
): string | null {
  const total = shapeTotal(shapes);
  if (total !== values.length) {
    return `the weights do not fit their shapes (${values.length} values for ${total ?? 'too many'})`;
  }
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) return 'the weights contain NaN or infinite values';
  }
  return null;
}

/** Checks a run's content (a decoded file, or a record read back from IndexedDB). */
export function parseRunContent(input: unknown): Parsed<RunContent> {
  if (typeof input !== 'object' || input === null) {
    return { ok: false, message: 'expected an object' };
  }
  const record = input as Record<string, unknown>;
  const kind = record.kind;
  if (kind !== 'toy' && kind !== 'image') return { ok: false, message: 'not a kind of run' };
  const snapshot = record.snapshot as Record<string, unknown> | undefined;
  const values = snapshot?.values;
  if (!(values instanceof Float32Array)) return { ok: false, message: 'no weights' };
  // `values` is checked above and by valuesProblem; the schemas (strict) check the rest.
  const metaInput = { ...snapshot };
  delete metaInput.values;
  const parsedMeta = SNAPSHOT_META[kind].safeParse(metaInput);
  if (!parsedMeta.success)
    return { ok: false, message: `snapshot.${firstIssue(parsedMeta.error)}` };
  const history = HISTORY_CONTENT[kind].safeParse({
    metrics: record.metrics,
    evals: record.evals,
    latest: record.latest,
    evaluation: record.evaluation,
  });
  if (!history.success) return { ok: false, message: `history.${firstIssue(history.error)}` };
  const problem = valuesProblem(parsedMeta.data.shapes, values);
  if (problem) return { ok: false, message: problem };
  // Weights that fit their shapes but not the settings could never be opened: say so now.
  const misfit = snapshotShapesProblem(
    parsedMeta.data.config as AnyGanConfig,
    parsedMeta.data.shapes,
  );
  if (misfit) return { ok: false, message: `the weights do not fit the run's settings: ${misfit}` };
  const common = {
    metrics: history.data.metrics as BoundedHistory<MetricPoint>,
    evals: history.data.evals as BoundedHistory<EvalPoint>,
    latest: history.data.latest as LogRow | null,
  };
  const meta = parsedMeta.data as Omit<TrainerSnapshot, 'values'>;
  return {
    ok: true,
    value:
      kind === 'toy'
        ? {
            ...common,
            kind,
            snapshot: { ...(meta as Omit<ToySnapshot, 'values'>), values },
            evaluation: history.data.evaluation as ToyEvaluation | null,
          }
        : {
            ...common,
            kind,
            snapshot: { ...(meta as Omit<ImageSnapshot, 'values'>), values },
            evaluation: history.data.evaluation as ImageEvaluation | null,
          },
  };
}

// ---------------------------------------------------------------------------------------------
// The run file

/** A file name for a run: its name with anything unusual replaced, and the extension. */
export function runFileName(name: string): string {
  const base = cleanRunName(name)
    .replace(/[^\w.+-]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 60);
  return `${base || 'gan-run'}${RUN_FILE_EXTENSION}`;
}

/** The run file's bytes. */
export function encodeRunFile(run: {
  name: string;
  savedAt: number;
  content: RunContent;
}): Uint8Array<ArrayBuffer> {
  const { values, ...meta } = run.content.snapshot;
  const valueBytes = new Uint8Array(4 * values.length);
  const valueView = new DataView(valueBytes.buffer);
  for (let i = 0; i < values.length; i++) valueView.setFloat32(4 * i, values[i], true);
  const header = {
    format: RUN_FILE_FORMAT,
    version: RUN_FILE_VERSION,
    name: cleanRunName(run.name),
    savedAt: new Date(run.savedAt).toISOString(),
    kind: run.content.kind,
    snapshot: {
      config: meta.config,
      logEvery: meta.logEvery,
      iteration: meta.iteration,
      optimizerSteps: meta.optimizerSteps,
      shapes: meta.shapes,
    },
    valueCount: values.length,
    checksum: fnv1a32(valueBytes),
    history: {
      metrics: run.content.metrics,
      evals: run.content.evals,
      latest: run.content.latest,
      evaluation: run.content.evaluation,
    },
  };
  const headerBytes = new TextEncoder().encode(JSON.stringify(header));
  const valuesAt = align4(PREFIX_BYTES + headerBytes.length);
  const bytes = new Uint8Array(valuesAt + valueBytes.length);
  for (let i = 0; i < MAGIC.length; i++) bytes[i] = MAGIC.charCodeAt(i);
  new DataView(bytes.buffer).setUint32(8, headerBytes.length, true);
  bytes.set(headerBytes, PREFIX_BYTES);
  bytes.set(valueBytes, valuesAt);
  return bytes;
}

const align4 = (n: number) => Math.ceil(n / 4) * 4;

export interface DecodedRunFile {
  name: string;
  savedAt: number;
  content: RunContent;
}

/** Reads a run file; a message for the user (shown as text) when it is not a valid one. */
export function decodeRunFile(bytes: Uint8Array): Parsed<DecodedRunFile> {
  const fail = (why: string): Parsed<DecodedRunFile> => ({
    ok: false,
    message: `This is not a valid GAN Playground run file: ${why}.`,
  });
  if (bytes.length > MAX_RUN_FILE_BYTES) {
    return {
      ok: false,
      message: `The file is too large (limit ${MAX_RUN_FILE_BYTES / 1024 / 1024} MB).`,
    };
  }
  if (bytes.length < PREFIX_BYTES) return fail('it is too short');
  for (let i = 0; i < MAGIC.length; i++) {
    if (bytes[i] !== MAGIC.charCodeAt(i)) return fail('it does not start with GANPGRUN');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(8, true);
  if (headerLength > MAX_HEADER_BYTES || PREFIX_BYTES + headerLength > bytes.length) {
    return fail('its header is cut off or too long');
  }
  let header: unknown;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(
      bytes.subarray(PREFIX_BYTES, PREFIX_BYTES + headerLength),
    );
    header = JSON.parse(text);
  } catch {
    return fail('its header is not JSON');
  }
  const record = (typeof header === 'object' && header !== null ? header : {}) as Record<
    string,
    unknown
  >;
  if (record.format !== RUN_FILE_FORMAT) return fail('its header has another format');
  if (record.version !== RUN_FILE_VERSION) {
    return {
      ok: false,
      message: `The run file has version ${JSON.stringify(String(record.version)).slice(0, 20)}; this app reads version ${RUN_FILE_VERSION}.`,
    };
  }
  const parsed = headerSchema.safeParse(header);
  if (!parsed.success) return fail(firstIssue(parsed.error));
  const h = parsed.data;
  const valuesAt = align4(PREFIX_BYTES + headerLength);
  if (bytes.length !== valuesAt + 4 * h.valueCount) {
    return fail(`it should hold ${h.valueCount} weights after its header, and does not`);
  }
  if (fnv1a32(bytes, valuesAt) !== h.checksum) return fail('its weights are damaged (checksum)');
  const values = new Float32Array(h.valueCount);
  for (let i = 0; i < values.length; i++) values[i] = view.getFloat32(valuesAt + 4 * i, true);
  const content = parseRunContent({
    kind: h.kind,
    snapshot: { ...h.snapshot, values },
    ...h.history,
  });
  if (!content.ok) return fail(content.message);
  return {
    ok: true,
    value: {
      name:
        cleanRunName(h.name) ||
        defaultRunName(content.value.snapshot.config, content.value.snapshot.iteration),
      savedAt: Date.parse(h.savedAt),
      content: content.value,
    },
  };
}
