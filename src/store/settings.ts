/**
 * The settings store: what the user chose (the run's GanConfig, R1/R2 toggles, view options,
 * transport options, theme). Plain zustand (vanilla), no React: components subscribe with
 * selectors through `useSettings`, the training session subscribes to `config` and forwards
 * changes to the worker. `config` is always valid (ganConfigSchema) and ready to send.
 */
import { createStore } from 'zustand/vanilla';

import { DATASET_GAMMA, ganConfigSchema, toyDefaults, type GanConfig } from '../engine/config';
import type { ToyDatasetName } from '../engine/datasets';
import type { LossName } from '../engine/lossNames';
import type { BackendName, StepPart } from '../protocol';
import { CUSTOM_PRESETS, type Point } from './customPoints';

/** R1/R2 as the user sees them: on/off, and γ (one shared value when linked). */
export interface PenaltySettings {
  r1: boolean;
  r2: boolean;
  linked: boolean;
  r1Gamma: number;
  r2Gamma: number;
}

export interface ViewOptions {
  heatmap: boolean;
  arrows: boolean;
  /** The generator-manifold mesh (G on a grid of a latent plane). */
  manifold: boolean;
  real: boolean;
  modes: boolean;
  logScale: boolean;
}

export type Speed = 'full' | 'slow' | 'slower';
/** Steps per second of the slow speeds (driven one step at a time from the UI). */
export const SPEED_RATE: Record<Exclude<Speed, 'full'>, number> = { slow: 10, slower: 2 };

export type Theme = 'system' | 'light' | 'dark';
export type OptimizerField = 'lr' | 'beta1' | 'beta2';
/** Numeric top-level settings a plain number input edits. */
export type NumericKey =
  | 'seed'
  | 'latentDim'
  | 'gWidth'
  | 'gDepth'
  | 'dWidth'
  | 'dDepth'
  | 'lazyInterval'
  | 'batchSize'
  | 'dSteps'
  | 'emaHalfLife'
  | 'gpWeight';

export interface SettingsState {
  config: GanConfig;
  penalties: PenaltySettings;
  /** The custom dataset's points (kept when another dataset is picked). */
  drawing: Point[];
  view: ViewOptions;
  stepPart: StepPart;
  stepCount: number;
  speed: Speed;
  /** 'auto' lets the worker pick (WebGPU first). */
  backend: BackendName | 'auto';
  theme: Theme;
  presentation: boolean;
}

export interface SettingsActions {
  setDataset(dataset: ToyDatasetName): void;
  setLoss(loss: LossName): void;
  /** Returns an error message (and changes nothing) when the value is out of range. */
  setNumber(key: NumericKey, value: number): string | null;
  setOptimizer(which: 'g' | 'd', field: OptimizerField, value: number): string | null;
  setPenaltyEnabled(which: 'r1' | 'r2', enabled: boolean): void;
  setGamma(which: 'r1' | 'r2', gamma: number): string | null;
  setGammaLinked(linked: boolean): void;
  setDrawing(points: Point[]): void;
  setView(patch: Partial<ViewOptions>): void;
  setStepPart(part: StepPart): void;
  setStepCount(n: number): void;
  setSpeed(speed: Speed): void;
  setBackend(backend: BackendName | 'auto'): void;
  setTheme(theme: Theme): void;
  setPresentation(on: boolean): void;
  /** Takes the config the worker actually runs (e.g. set through the debug client). */
  adoptConfig(config: GanConfig): void;
  /** Back to the opening preset (settings only; view and theme stay). */
  restoreDefaults(): void;
}

export type SettingsStore = SettingsState & SettingsActions;

/** The opening preset: the classic GAN (non-saturating loss, no R1/R2) on the ring of 8. */
export function presetConfig(): GanConfig {
  return { ...toyDefaults('ring8'), loss: 'nsgan', r1Gamma: 0, r2Gamma: 0 };
}

export function initialSettings(): SettingsState {
  const gamma = DATASET_GAMMA.ring8;
  return {
    config: presetConfig(),
    penalties: { r1: false, r2: false, linked: true, r1Gamma: gamma, r2Gamma: gamma },
    drawing: CUSTOM_PRESETS.heart.points(),
    view: {
      heatmap: true,
      arrows: true,
      manifold: false,
      real: true,
      modes: true,
      logScale: false,
    },
    stepPart: 'both',
    stepCount: 10,
    speed: 'full',
    backend: 'auto',
    theme: 'system',
    presentation: false,
  };
}

/** The config's γ fields from the penalty settings. */
export function withPenalties(config: GanConfig, p: PenaltySettings): GanConfig {
  return { ...config, r1Gamma: p.r1 ? p.r1Gamma : 0, r2Gamma: p.r2 ? p.r2Gamma : 0 };
}

/** Validates a candidate config: the first problem as a short message, or null. */
export function configProblem(config: GanConfig): string | null {
  const result = ganConfigSchema.safeParse(config);
  if (result.success) return null;
  const issue = result.error.issues[0];
  return issue ? `${issue.path.join('.') || 'settings'}: ${issue.message}` : 'invalid settings';
}

function datasetConfig(config: GanConfig, dataset: ToyDatasetName, drawing: Point[]): GanConfig {
  const next: GanConfig = { ...config, dataset };
  if (dataset === 'custom') next.customPoints = drawing;
  else delete next.customPoints;
  return next;
}

export function createSettingsStore(initial: SettingsState = initialSettings()) {
  return createStore<SettingsStore>()((set, get) => {
    /** Applies a config change if valid; returns the problem otherwise. */
    const tryConfig = (config: GanConfig, extra: Partial<SettingsState> = {}): string | null => {
      const problem = configProblem(config);
      if (problem === null) set({ config, ...extra });
      return problem;
    };
    return {
      ...initial,
      setDataset(dataset) {
        const s = get();
        // γ is a squared distance chosen from the data's geometry (DATASET_GAMMA).
        const gamma = DATASET_GAMMA[dataset];
        const penalties = { ...s.penalties, r1Gamma: gamma, r2Gamma: gamma };
        const config = withPenalties(datasetConfig(s.config, dataset, s.drawing), penalties);
        tryConfig(config, { penalties });
      },
      setLoss(loss) {
        tryConfig({ ...get().config, loss });
      },
      setNumber(key, value) {
        return tryConfig({ ...get().config, [key]: value });
      },
      setOptimizer(which, field, value) {
        const config = get().config;
        const key = which === 'g' ? 'gOptimizer' : 'dOptimizer';
        return tryConfig({ ...config, [key]: { ...config[key], [field]: value } });
      },
      setPenaltyEnabled(which, enabled) {
        const s = get();
        const penalties = { ...s.penalties, [which]: enabled };
        tryConfig(withPenalties(s.config, penalties), { penalties });
      },
      setGamma(which, gamma) {
        const s = get();
        const penalties = s.penalties.linked
          ? { ...s.penalties, r1Gamma: gamma, r2Gamma: gamma }
          : { ...s.penalties, [which === 'r1' ? 'r1Gamma' : 'r2Gamma']: gamma };
        return tryConfig(withPenalties(s.config, penalties), { penalties });
      },
      setGammaLinked(linked) {
        const s = get();
        // Linking takes R1's γ for both.
        const penalties = linked
          ? { ...s.penalties, linked, r2Gamma: s.penalties.r1Gamma }
          : { ...s.penalties, linked };
        tryConfig(withPenalties(s.config, penalties), { penalties });
      },
      setDrawing(points) {
        const s = get();
        if (s.config.dataset !== 'custom') {
          set({ drawing: points });
          return;
        }
        if (points.length === 0) {
          set({ drawing: points }); // not trainable: the run keeps its last points
          return;
        }
        tryConfig({ ...s.config, customPoints: points }, { drawing: points });
      },
      setView(patch) {
        set({ view: { ...get().view, ...patch } });
      },
      setStepPart(stepPart) {
        set({ stepPart });
      },
      setStepCount(n) {
        set({ stepCount: Math.max(1, Math.min(1000, Math.round(n))) });
      },
      setSpeed(speed) {
        set({ speed });
      },
      setBackend(backend) {
        set({ backend });
      },
      setTheme(theme) {
        set({ theme });
      },
      setPresentation(presentation) {
        set({ presentation });
      },
      adoptConfig(config) {
        const s = get();
        const penalties: PenaltySettings = {
          ...s.penalties,
          r1: config.r1Gamma > 0,
          r2: config.r2Gamma > 0,
          r1Gamma: config.r1Gamma > 0 ? config.r1Gamma : s.penalties.r1Gamma,
          r2Gamma: config.r2Gamma > 0 ? config.r2Gamma : s.penalties.r2Gamma,
        };
        penalties.linked = s.penalties.linked && penalties.r1Gamma === penalties.r2Gamma;
        const drawing =
          config.dataset === 'custom' && config.customPoints ? config.customPoints : s.drawing;
        set({ config, penalties, drawing });
      },
      restoreDefaults() {
        const fresh = initialSettings();
        set({ config: fresh.config, penalties: fresh.penalties });
      },
    };
  });
}

export type SettingsStoreApi = ReturnType<typeof createSettingsStore>;
