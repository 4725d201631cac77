/**
 * Settings in the URL hash, so a view can be shared or bookmarked: only what differs from the
 * opening preset, as JSON (`#{"loss":"rpgan","r1Gamma":0.1}`), validated like any other input.
 * A drawing (up to 5000 points) is not put in the URL.
 */
import type { GanConfig } from '../engine/config';
import { configFromText, describeProblems } from './configInput';
import { presetConfig } from './settings';

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

/** Longest hash read (a link with every setting changed is ~700 characters). */
export const MAX_HASH_LENGTH = 20_000;

/**
 * Settings from a hash: null when there are none. Whatever the hash holds, this never throws:
 * unreadable or oversized hashes give null and a message; readable ones give the preset with
 * every valid setting applied, and a message naming each ignored one.
 */
export function configFromHash(hash: string): HashResult {
  const raw = hash.replace(/^#/, '');
  if (raw === '') return { config: null, error: null };
  const unreadable = 'The settings in the link are not readable; using the preset.';
  if (raw.length > MAX_HASH_LENGTH) {
    return {
      config: null,
      error: `The settings in the link are too long (${raw.length} characters); using the preset.`,
    };
  }
  let text: string;
  try {
    text = decodeURIComponent(raw);
  } catch {
    return { config: null, error: unreadable };
  }
  const { config, problems } = configFromText(text, presetConfig());
  if (problems.some((p) => p.startsWith('settings:'))) return { config: null, error: unreadable };
  return { config, error: describeProblems(problems, 'the link') };
}
