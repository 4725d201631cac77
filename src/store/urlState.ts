/**
 * Settings in the URL hash, so a view can be shared or bookmarked: only what differs from the
 * opening preset, as JSON (`#{"loss":"rpgan","r1Gamma":0.1}`), validated like any other input.
 * A drawing goes in compactly (linkPoints.ts: up to LINK_MAX_POINTS points, 1/1000 precision);
 * a larger one is left out, and the sharer is told to send its point file.
 *
 * Stacked MNIST settings use the same form, with `"dataset":"stacked-mnist"` always present and
 * the rest relative to the image preset (`#{"dataset":"stacked-mnist","arch":"dcgan"}`);
 * settingsToHash/settingsFromHash handle both kinds, configToHash/configFromHash toys only.
 */
import {
  isImageConfig,
  type AnyGanConfig,
  type GanConfig,
  type ImageGanConfig,
} from '../engine/core/config';
import { deepEqual } from '../engine/core/equal';
import {
  configFromPatch,
  describeProblems,
  imageConfigFromPatch,
  isImageSettings,
} from './configInput';
import type { Point } from './customPoints';
import { decodeLinkPoints, encodeLinkPoints } from './linkPoints';
import { imagePresetConfig, presetConfig } from './settings';

function patchHash(config: object, preset: Record<string, unknown>, keep: string[] = []): string {
  const patch: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (key === 'customPoints') {
      const encoded = encodeLinkPoints(value as Point[]);
      if (encoded !== null) patch[key] = encoded;
      continue;
    }
    if (keep.includes(key) || !deepEqual(value, preset[key])) patch[key] = value;
  }
  return Object.keys(patch).length === 0 ? '' : `#${encodeURIComponent(JSON.stringify(patch))}`;
}

/** The hash for a config ('' for the preset itself). */
export function configToHash(config: GanConfig): string {
  return patchHash(config, presetConfig() as Record<string, unknown>);
}

/** The hash for either kind of config (image settings always name their dataset). */
export function settingsToHash(config: AnyGanConfig): string {
  if (!isImageConfig(config)) return configToHash(config);
  return patchHash(config, imagePresetConfig() as Record<string, unknown>, ['dataset']);
}

export type HashResult = { config: GanConfig | null; error: string | null };

/** Longest hash read (a link with every setting changed is ~700 characters). */
export const MAX_HASH_LENGTH = 20_000;

/**
 * Settings from a hash: null when there are none. Whatever the hash holds, this never throws:
 * unreadable or oversized hashes give null and a message; readable ones give the preset with
 * every valid setting applied, and a message naming each ignored one.
 */
export function configFromHash(hash: string): HashResult {
  const decoded = decodeHash(hash);
  if (typeof decoded !== 'string') return decoded;
  let data: unknown;
  try {
    data = JSON.parse(decoded);
  } catch {
    return { config: null, error: UNREADABLE };
  }
  return configFromLinkData(data);
}

/** A toy link's parsed settings: its drawing (if any) decoded, then each entry checked. */
function configFromLinkData(data: unknown): HashResult {
  const drawing = linkDrawing(data);
  const { config, problems } = configFromPatch(drawing.data, presetConfig(), {
    allowCustomPoints: true,
  });
  if (problems.some((p) => p.startsWith('settings:'))) return { config: null, error: UNREADABLE };
  return {
    config,
    error:
      [drawing.problem, describeProblems(problems, 'the link')].filter(Boolean).join(' ') || null,
  };
}

/**
 * The link's settings with its drawing (base64url text, linkPoints.ts) turned into points; a
 * damaged drawing is dropped with a message (the dataset then falls back, named by configFromPatch).
 */
function linkDrawing(data: unknown): { data: unknown; problem: string | null } {
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    return { data, problem: null };
  const record = data as Record<string, unknown>;
  let text: unknown;
  try {
    if (!Object.hasOwn(record, 'customPoints')) return { data, problem: null };
    text = record.customPoints;
  } catch {
    return { data, problem: null }; // configFromPatch names what cannot be read
  }
  if (typeof text !== 'string') return { data, problem: null };
  const points = decodeLinkPoints(text);
  const rest = Object.fromEntries(Object.entries(record).filter(([k]) => k !== 'customPoints'));
  return points.ok
    ? { data: { ...rest, customPoints: points.points }, problem: null }
    : { data: rest, problem: points.error };
}

const UNREADABLE = 'The settings in the link are not readable; using the preset.';

/** The hash's settings text, or the result for a hash that has none or cannot be read. */
function decodeHash(hash: string): string | HashResult {
  const raw = hash.replace(/^#/, '');
  if (raw === '') return { config: null, error: null };
  if (raw.length > MAX_HASH_LENGTH) {
    return {
      config: null,
      error: `The settings in the link are too long (${raw.length} characters); using the preset.`,
    };
  }
  try {
    return decodeURIComponent(raw);
  } catch {
    return { config: null, error: UNREADABLE };
  }
}

/**
 * configFromHash for either kind: a link whose settings name `"dataset":"stacked-mnist"` gives
 * the image preset with every valid entry applied (each ignored one named, as for toys); any
 * other link is read by configFromHash. Never throws.
 */
export function settingsFromHash(hash: string): {
  config: AnyGanConfig | null;
  error: string | null;
} {
  const decoded = decodeHash(hash);
  if (typeof decoded !== 'string') return decoded;
  let data: unknown;
  try {
    data = JSON.parse(decoded);
  } catch {
    return { config: null, error: UNREADABLE };
  }
  if (!isImageSettings(data)) return configFromLinkData(data);
  const result = imageConfigFromPatch(data, imagePresetConfig());
  const whole = result.problems.find((p) => p.startsWith('settings:'));
  const problems = result.problems.filter((p) => p !== whole);
  const error = [
    describeProblems(problems, 'the link'),
    whole
      ? `The link's Stacked MNIST settings do not fit together (${whole.slice(10)}); using its defaults.`
      : null,
  ]
    .filter(Boolean)
    .join(' ');
  const config: ImageGanConfig = result.config;
  return { config, error: error || null };
}
