/**
 * Runtime validation of the commands the worker receives (zod), against the types in
 * protocol.ts. Lives on the worker side because GanConfig's schema comes from the engine, whose
 * modules import tfjs. The `satisfies` clause below fails to compile when a command type has no
 * schema or a schema's output does not match its type.
 */
import { z } from 'zod';
import {
  ganConfigSchema,
  imageConfigProblem,
  imageGanConfigSchema,
  type AnyGanConfig,
  type GanConfig,
  type ImageGanConfig,
} from '../engine/core/config';
import {
  BACKEND_NAMES,
  describeInvalidMessage,
  FUSED_STEP_CHOICES,
  type BackendChoice,
  type StreamOptions,
  type WorkerCommand,
  type WorkerCommandType,
} from '../protocol';

/** Largest `n` of one step command. */
export const MAX_STEP_COUNT = 10_000;

// The schema infers `dataset`/`loss` as string; the enums it checks are exactly those of the
// GanConfig type (config.ts casts the same way in parseConfig).
const configSchema = ganConfigSchema as unknown as z.ZodType<GanConfig>;
/** Image configs also have cross-field rules (group sizes, minibatch-stddev batch). */
const imageConfigSchema = (
  imageGanConfigSchema as unknown as z.ZodType<ImageGanConfig>
).superRefine((config, ctx) => {
  const problem = imageConfigProblem(config);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
const anyConfigSchema: z.ZodType<AnyGanConfig> = z.union([configSchema, imageConfigSchema]);

/** `kind` and a config of that kind (toy: a 2-D dataset; image: Stacked MNIST). */
const runSpec = <T extends object>(fields: T) =>
  z.discriminatedUnion('kind', [
    z.strictObject({ ...fields, kind: z.literal('toy'), config: configSchema }),
    z.strictObject({ ...fields, kind: z.literal('image'), config: imageConfigSchema }),
  ]);

const requestId = z.number().int().min(0).optional();
const runId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[\w.:-]+$/, 'use letters, digits and . _ : - only');

const every = z.number().int().min(0).max(1_000_000);
const streamSchema: z.ZodType<Partial<StreamOptions>> = z
  .strictObject({
    logEvery: z.number().int().min(1).max(10_000),
    readbackEvery: z.number().int().min(1).max(10_000),
    samplesEvery: every,
    sampleCount: z.number().int().min(1).max(10_000),
    transport: z.boolean(),
    heatmapEvery: every,
    heatmapResolution: z.number().int().min(2).max(256),
    manifoldResolution: z.union([z.literal(0), z.number().int().min(2).max(64)]),
    evalEvery: every,
    evalSamples: z.number().int().min(10).max(50_000),
    earlyEvalEvery: every,
    earlyEvalSamples: z.number().int().min(10).max(50_000),
    snapshotEvery: every,
    streamSnapshots: z.boolean(),
    fusedStep: z.enum(FUSED_STEP_CHOICES),
  })
  .partial();

/** Largest snapshot accepted (values): 8×1024² MLPs with Adam moments are ~100 M floats. */
const MAX_SNAPSHOT_VALUES = 200_000_000;

const snapshotSchema = z
  .strictObject({
    config: anyConfigSchema,
    logEvery: z.number().int().min(1).max(10_000),
    iteration: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    optimizerSteps: z.tuple([z.number().int().min(0), z.number().int().min(0)]),
    shapes: z.array(z.array(z.number().int().min(0)).max(8)).max(1000),
    values: z.instanceof(Float32Array).refine((v) => v.length <= MAX_SNAPSHOT_VALUES),
  })
  .refine(
    (s) =>
      s.shapes.reduce((n, shape) => n + shape.reduce((a, b) => a * b, 1), 0) === s.values.length,
    'the values do not fill the shapes',
  );

const boundsSchema = z
  .strictObject({ xMin: z.number(), xMax: z.number(), yMin: z.number(), yMax: z.number() })
  .refine((b) => b.xMin < b.xMax && b.yMin < b.yMax, 'bounds need xMin < xMax and yMin < yMax');

const runCommand = <T extends string>(type: T) =>
  z.strictObject({ type: z.literal(type), requestId, runId });

const backendName = z.enum(BACKEND_NAMES);
const backendChoiceSchema: z.ZodType<BackendChoice> = z.strictObject({
  key: z.string().max(2000),
  backend: backendName,
  rates: z
    .array(
      z.strictObject({
        backend: backendName,
        stepsPerSecond: z.number().min(0).max(1e9),
        warmupMs: z.number().min(0).max(1e9),
        steps: z.number().int().min(0).max(1e9),
      }),
    )
    .max(BACKEND_NAMES.length),
  skipped: z
    .array(z.strictObject({ backend: backendName, reason: z.string().max(2000) }))
    .max(BACKEND_NAMES.length),
  measuredAt: z.number().min(0),
  fromCache: z.boolean(),
});

type SchemaFor<T extends WorkerCommandType> = z.ZodType<Extract<WorkerCommand, { type: T }>>;

const COMMAND_SCHEMAS = {
  init: z.strictObject({
    type: z.literal('init'),
    requestId,
    preferredBackend: backendName.optional(),
    auto: z
      .strictObject({
        config: anyConfigSchema,
        remembered: z.array(backendChoiceSchema).max(64).optional(),
        includeSoftware: z.boolean().optional(),
      })
      .optional(),
    timeoutMs: z.number().int().min(1000).max(600_000).optional(),
  }),
  create: runSpec({
    type: z.literal('create'),
    requestId,
    runId,
    stream: streamSchema.optional(),
  }),
  configure: runSpec({ type: z.literal('configure'), requestId, runId }),
  interpolate: z.strictObject({
    type: z.literal('interpolate'),
    requestId,
    runId,
    from: z.number().int().min(0).max(10_000),
    to: z.number().int().min(0).max(10_000),
    steps: z.number().int().min(2).max(32),
    mode: z.enum(['lerp', 'slerp']),
  }),
  'set-stream': z.strictObject({
    type: z.literal('set-stream'),
    requestId,
    runId,
    stream: streamSchema,
  }),
  play: runCommand('play'),
  pause: runCommand('pause'),
  step: z.strictObject({
    type: z.literal('step'),
    requestId,
    runId,
    n: z.number().int().min(1).max(MAX_STEP_COUNT),
    part: z.enum(['both', 'discriminator', 'generator']).optional(),
  }),
  reset: runCommand('reset'),
  sample: runCommand('sample'),
  'request-heatmap': z.strictObject({
    type: z.literal('request-heatmap'),
    requestId,
    runId,
    resolution: z.number().int().min(2).max(256).optional(),
    bounds: boundsSchema.optional(),
  }),
  dispose: runCommand('dispose'),
  'debug-lose-device': z.strictObject({ type: z.literal('debug-lose-device'), requestId }),
  'debug-stats': z.strictObject({ type: z.literal('debug-stats'), requestId }),
  'debug-gradcheck': z.strictObject({
    type: z.literal('debug-gradcheck'),
    requestId,
    suite: z.enum(['toy', 'conv', 'fused']).optional(),
  }),
  restore: z.strictObject({
    type: z.literal('restore'),
    requestId,
    runId,
    kind: z.enum(['toy', 'image']),
    snapshot: snapshotSchema,
    config: anyConfigSchema.optional(),
    stream: streamSchema.optional(),
  }),
  snapshot: runCommand('snapshot'),
  ping: z.strictObject({ type: z.literal('ping'), requestId }),
  'debug-fused-check': z.strictObject({
    type: z.literal('debug-fused-check'),
    requestId,
    config: configSchema,
    at: z.array(z.number().int().min(1).max(1000)).min(1).max(10),
  }),
  'debug-profile': z.strictObject({
    type: z.literal('debug-profile'),
    requestId,
    runId,
    naive: z.boolean().optional(),
  }),
} satisfies { [T in WorkerCommandType]: SchemaFor<T> };

export type ParsedCommand =
  { ok: true; command: WorkerCommand } | { ok: false; message: string; requestId?: number };

/**
 * Validates a message from the UI. On failure, the message names the command and the first
 * problems (path: reason) without echoing payloads, and `requestId` is kept when it was valid so
 * the client can reject the right promise.
 */
export function parseCommand(x: unknown): ParsedCommand {
  const type = typeof x === 'object' && x !== null ? (x as { type?: unknown }).type : undefined;
  if (typeof type !== 'string' || !Object.hasOwn(COMMAND_SCHEMAS, type)) {
    return { ok: false, message: describeInvalidMessage(x) };
  }
  const schema = COMMAND_SCHEMAS[type as WorkerCommandType] as z.ZodType<WorkerCommand>;
  const result = schema.safeParse(x);
  if (result.success) return { ok: true, command: result.data };
  const rawId = (x as { requestId?: unknown }).requestId;
  const problems = result.error.issues
    .slice(0, 3)
    .map(
      // Truncated: an unknown key is echoed in zod's message, and it may be megabytes long.
      (issue) =>
        `${clip(issue.path.length > 0 ? issue.path.join('.') : '(message)')}: ${clip(issue.message)}`,
    )
    .join('; ');
  return {
    ok: false,
    message: `invalid "${type}" command: ${problems}`,
    requestId: typeof rawId === 'number' && Number.isInteger(rawId) ? rawId : undefined,
  };
}

function clip(text: string): string {
  return text.length > 120 ? `${text.slice(0, 120)}…` : text;
}

export function isWorkerCommand(x: unknown): x is WorkerCommand {
  return parseCommand(x).ok;
}
