/**
 * The Dirac-GAN's settings (the phase-portrait view): a small zustand store with a zod schema,
 * so a lesson, a link or the controls can set them and bad input gets a clear message. The
 * simulation itself (engine/dirac/dirac.ts) is pure TypeScript and runs on the main thread.
 */
import { z } from 'zod';
import { createStore } from 'zustand/vanilla';

import {
  DIRAC_DEFAULTS,
  DIRAC_LIMITS as L,
  DIRAC_LOSSES,
  DIRAC_UPDATES,
  type DiracSettings,
} from '../engine/dirac/dirac';
import { deepEqual } from '../engine/core/equal';

const coordinate = z.number().min(L.start.min).max(L.start.max);

export const diracSettingsSchema = z
  .object({
    loss: z.enum(DIRAC_LOSSES as [string, ...string[]]),
    r1: z.number().min(L.gamma.min).max(L.gamma.max),
    r2: z.number().min(L.gamma.min).max(L.gamma.max),
    gp: z.number().min(L.gp.min).max(L.gp.max),
    update: z.enum(DIRAC_UPDATES as [string, ...string[]]),
    lr: z.number().min(L.lr.min).max(L.lr.max),
    steps: z.number().int().min(L.steps.min).max(5000),
    dSteps: z.number().int().min(L.dSteps.min).max(L.dSteps.max),
    start: z.tuple([coordinate, coordinate]),
  })
  .strict();

/** Fields of a patch that validate (each on its own); the rest are named in `problems`. */
export function diracPatch(input: unknown): {
  patch: Partial<DiracSettings>;
  problems: string[];
} {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    return { patch: {}, problems: ['dirac: expected an object of settings'] };
  const shape = diracSettingsSchema.shape;
  const patch: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const key of Object.keys(input)) {
    if (!Object.hasOwn(shape, key)) {
      problems.push(`dirac.${key.slice(0, 40)}: unknown setting`);
      continue;
    }
    const schema = shape[key as keyof typeof shape];
    const parsed = schema.safeParse((input as Record<string, unknown>)[key]);
    if (parsed.success) patch[key] = parsed.data;
    else problems.push(`dirac.${key}: ${parsed.error.issues[0]?.message ?? 'invalid value'}`);
  }
  return { patch: patch as Partial<DiracSettings>, problems };
}

export interface DiracState {
  settings: DiracSettings;
  set(patch: Partial<DiracSettings>): string | null;
  reset(): void;
}

export function createDiracStore(initial: DiracSettings = DIRAC_DEFAULTS) {
  return createStore<DiracState>()((set, get) => ({
    settings: initial,
    set(patch) {
      const next = { ...get().settings, ...patch };
      const parsed = diracSettingsSchema.safeParse(next);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        return `${issue?.path.join('.') || 'settings'}: ${issue?.message ?? 'invalid'}`;
      }
      set({ settings: next });
      return null;
    },
    reset() {
      set({ settings: DIRAC_DEFAULTS });
    },
  }));
}

export type DiracStoreApi = ReturnType<typeof createDiracStore>;

/** What differs from the defaults (for links). */
export function diracDiff(settings: DiracSettings): Partial<DiracSettings> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(settings)) {
    const base = (DIRAC_DEFAULTS as unknown as Record<string, unknown>)[key];
    if (!deepEqual(value, base)) out[key] = value;
  }
  return out as Partial<DiracSettings>;
}
