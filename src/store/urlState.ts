/**
 * Settings in the URL hash, so a view can be shared or bookmarked: only what differs from the
 * opening preset, as JSON (`#{"loss":"rpgan","r1Gamma":0.1}`), validated like any other input.
 * A drawing (up to 5000 points) is not put in the URL.
 */
import { ganConfigSchema, type GanConfig } from '../engine/config';
import { presetConfig } from './settings';

type Patch = Partial<Record<keyof GanConfig, unknown>>;

/** The hash for a config ('' for the preset itself). */
export function configToHash(config: GanConfig): string {
  const preset = presetConfig() as Record<string, unknown>;
  const patch: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (key === 'customPoints') continue;
    if (JSON.stringify(value) !== JSON.stringify(preset[key])) patch[key] = value;
  }
  return Object.keys(patch).length === 0 ? '' : `#${encodeURIComponent(JSON.stringify(patch))}`;
}

export type HashResult = { config: GanConfig | null; error: string | null };

/** Settings from a hash: null when there are none; an error (and null) when they are invalid. */
export function configFromHash(hash: string): HashResult {
  const raw = hash.replace(/^#/, '');
  if (raw === '') return { config: null, error: null };
  let patch: unknown;
  try {
    patch = JSON.parse(decodeURIComponent(raw));
  } catch {
    return { config: null, error: 'The settings in the link are not readable; using the preset.' };
  }
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
    return { config: null, error: 'The settings in the link are not readable; using the preset.' };
  }
  const candidate = { ...presetConfig(), ...(patch as Patch) };
  if (candidate.dataset === 'custom') candidate.dataset = 'ring8'; // the drawing is not in links
  const parsed = ganConfigSchema.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') || 'settings';
    return {
      config: null,
      error: `The link's settings are invalid (${where}: ${issue?.message}); using the preset.`,
    };
  }
  return { config: parsed.data as GanConfig, error: null };
}
