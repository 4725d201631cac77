/**
 * What the app exports and imports, as plain text (no DOM): metric histories as CSV and JSON,
 * the settings as a file, and the checks an imported settings file goes through. An imported
 * file is size-capped, parsed as JSON and validated field by field (configInput.ts); its content
 * is only ever shown as text.
 */
import type { AnyGanConfig, GanConfig, ImageGanConfig } from '../engine/config';
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

/**
 * Settings from an imported file's text: our own format (`{format, version, config}`) or a bare
 * settings object (what the URL holds, or a CLI run JSON's `config`). Missing or invalid fields
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
