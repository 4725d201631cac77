/**
 * What the app exports and imports, as plain text (no DOM): metric histories as CSV and JSON,
 * the settings as a file, and the checks an imported settings file goes through. An imported
 * file is size-capped, parsed as JSON and validated field by field (configInput.ts); its content
 * is only ever shown as text.
 */
import type { AnyGanConfig, GanConfig, ImageGanConfig } from '../engine/core/config';
import {
  configFromPatch,
  describeProblems,
  imageConfigFromPatch,
  isImageSettings,
} from './configInput';
import type { HistoryPoint } from './downsample';

export const CONFIG_FILE_FORMAT = 'gan-playground-config';
/** Imported files larger than this are refused before they are read. */
export const MAX_IMPORT_BYTES = 256 * 1024;

/** A CSV of history points: `step` first, then every other column that appears, sorted. */
export function historyCsv(points: readonly HistoryPoint[]): string {
  const columns = new Set<string>();
  for (const p of points) for (const key of Object.keys(p)) if (key !== 'step') columns.add(key);
  const header = ['step', ...[...columns].sort()];
  const cell = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? String(v) : '');
  const rows = points.map((p) =>
    header.map((k) => cell((p as Record<string, unknown>)[k])).join(','),
  );
  return `${[header.join(','), ...rows].join('\n')}\n`;
}

/** The metrics JSON: the config and both histories (means of `stride` logged rows each). */
export function metricsJson(
  config: AnyGanConfig,
  metrics: readonly HistoryPoint[],
  evals: readonly HistoryPoint[],
): string {
  return JSON.stringify({ format: 'gan-playground-metrics', version: 1, config, metrics, evals });
}

/** The settings file: the active run's settings, a toy's or Stacked MNIST's. */
export function configFileText(config: AnyGanConfig): string {
  return `${JSON.stringify({ format: CONFIG_FILE_FORMAT, version: 1, config }, null, 2)}\n`;
}

export interface ImportResult {
  /** The imported settings (Stacked MNIST's when the file's dataset is stacked-mnist). */
  config: AnyGanConfig | null;
  /** A message for the user (what was ignored, or why nothing was imported), or null. */
  message: string | null;
}

/** What `npm run train -- --out` writes besides the settings (README, "Headless CLI"). */
const CLI_RUN_FIELDS = ['history', 'evals', 'final'];
/** Keys of a CLI run's `config` that are the run's, not settings of the app. */
const CLI_ONLY_KEYS = [
  'steps',
  'evalEvery',
  'evalSamples',
  'logEvery',
  'backend',
  'parameterCounts',
];

function isCliRun(record: Record<string, unknown>): boolean {
  return (
    typeof record.config === 'object' &&
    record.config !== null &&
    !Array.isArray(record.config) &&
    CLI_RUN_FIELDS.some((key) => Object.hasOwn(record, key))
  );
}

/**
 * A CLI run's `config` as settings: the CLI writes the dataset as an object (its name, and a
 * mixture's centres) and adds the run's own options (steps, backend, …), which are not settings.
 */
function cliRunSettings(config: Record<string, unknown>): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  for (const key of Object.keys(config)) {
    if (CLI_ONLY_KEYS.includes(key)) continue;
    // defineProperty: a "__proto__" key stays an own key, to be named as unknown, never assigned.
    Object.defineProperty(settings, key, {
      value: config[key],
      enumerable: true,
      configurable: true,
      writable: true,
    });
  }
  const dataset = config.dataset;
  if (typeof dataset === 'object' && dataset !== null && Object.hasOwn(dataset, 'name'))
    settings.dataset = (dataset as { name: unknown }).name;
  return settings;
}

/**
 * Settings from an imported file's text: our own format (`{format, version, config}`), a CLI run
 * JSON (its `config`), or a bare settings object (what the URL holds). Missing or invalid fields
 * keep the value of `base` (toy settings) or `imageBase` (Stacked MNIST settings).
 */
export function importConfigText(
  text: string,
  base: GanConfig,
  imageBase: ImageGanConfig,
): ImportResult {
  if (text.length > MAX_IMPORT_BYTES)
    return {
      config: null,
      message: `The file is too large (limit ${MAX_IMPORT_BYTES / 1024} kB).`,
    };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { config: null, message: 'The file is not a settings file (not valid JSON).' };
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    return { config: null, message: 'The file is not a settings file (expected an object).' };
  const record = data as Record<string, unknown>;
  let settings: unknown = data;
  if (Object.hasOwn(record, 'format')) {
    if (record.format !== CONFIG_FILE_FORMAT)
      return { config: null, message: 'The file is not a GAN Playground settings file.' };
    if (record.version !== 1)
      return { config: null, message: 'The settings file is from an unknown version.' };
    settings = record.config;
  } else if (isCliRun(record)) {
    settings = cliRunSettings(record.config as Record<string, unknown>);
  }
  if (isImageSettings(settings)) {
    const image = imageConfigFromPatch(settings, imageBase);
    const whole = image.problems.find((p) => p.startsWith('settings:'));
    if (whole) {
      return {
        config: null,
        message: `Nothing imported: the Stacked MNIST settings do not fit together (${whole.slice(10)}).`,
      };
    }
    return { config: image.config, message: describeProblems(image.problems, 'the file') };
  }
  const { config, problems } = configFromPatch(settings, base, { allowCustomPoints: true });
  if (problems.some((p) => p.startsWith('settings:')))
    return { config: null, message: `Nothing imported: ${problems[0]}.` };
  return { config, message: describeProblems(problems, 'the file') };
}
