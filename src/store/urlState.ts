/**
 * Settings in the URL hash, so a view can be shared or bookmarked: only what differs from the
 * opening preset, as JSON (`#{"loss":"rpgan","r1Gamma":0.1}`), validated like any other input.
 * A drawing (up to 5000 points) is not put in the URL.
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
} from '../engine/config';
import {
  configFromText,
  describeProblems,
  imageConfigFromPatch,
  isImageSettings,
} from './configInput';
import { imagePresetConfig, presetConfig } from './settings';

function patchHash(config: object, preset: Record<string, unknown>, keep: string[] = []): string {
  const patch: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (key === 'customPoints') continue;
    if (keep.includes(key) || JSON.stringify(value) !== JSON.stringify(preset[key]))
      patch[key] = value;
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
  const { config, problems } = configFromText(decoded, presetConfig());
  if (problems.some((p) => p.startsWith('settings:'))) return { config: null, error: UNREADABLE };
  return { config, error: describeProblems(problems, 'the link') };
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
  if (!isImageSettings(data)) return configFromHash(hash);
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
